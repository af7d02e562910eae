// Hand-written: cross-setting rules, production-only required secrets and mode-dependent defaults need custom validators in envalid or zod too; a few typed readers report every problem at once.
import { existsSync } from 'node:fs';
import path from 'node:path';

/** Where the repository lives, so defaults never depend on the working directory. */
export const REPO_ROOT = path.resolve(__dirname, '../../..');

export type RuntimeMode = 'development' | 'production' | 'test';

/** Every invalid variable is collected so one start-up reports them all. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/**
 * Reads typed values from the environment and remembers every problem instead of throwing
 * at the first one; `done()` throws a ConfigError listing them all.
 */
export class EnvReader {
  private readonly problems: string[] = [];

  constructor(private readonly env: Env = process.env) {}

  private raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  optionalString(name: string): string | null {
    return this.raw(name) ?? null;
  }

  int(name: string, fallback: number, { min, max }: { min: number; max: number }): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      this.problems.push(`${name}: expected an integer from ${min} to ${max}, got "${value}"`);
      return fallback;
    }
    return parsed;
  }

  port(name: string, fallback: number): number {
    return this.int(name, fallback, { min: 0, max: 65535 });
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (/^(1|true|yes|on)$/i.test(value)) return true;
    if (/^(0|false|no|off)$/i.test(value)) return false;
    this.problems.push(`${name}: expected true or false, got "${value}"`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problems.push(`${name}: expected one of ${allowed.join(', ')}, got "${value}"`);
    return fallback;
  }

  /** A URL whose scheme is one of `protocols` (without the colon), or null when unset. */
  optionalUrl(name: string, protocols: readonly string[]): string | null {
    const value = this.raw(name);
    if (value === undefined) return null;
    try {
      const url = new URL(value);
      if (!protocols.includes(url.protocol.replace(/:$/, ''))) {
        this.problems.push(`${name}: expected a ${protocols.join(' or ')} URL, got scheme "${url.protocol}"`);
        return null;
      }
      return value;
    } catch {
      this.problems.push(`${name}: not a valid URL`);
      return null;
    }
  }

  mode(): RuntimeMode {
    return this.oneOf('NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  }

  logLevel(): string {
    return this.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info');
  }

  /** Records a problem a reader found by combining variables. */
  report(problem: string): void {
    this.problems.push(problem);
  }

  /** A comma-separated list, or `fallback` when unset. */
  list(name: string, fallback: string[]): string[] {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    return value.split(',').map((item) => item.trim()).filter((item) => item !== '');
  }

  /** A secret: at least `minLength` characters; in production it must be set. */
  secret(name: string, { minLength, requiredIn }: { minLength: number; requiredIn: RuntimeMode | null }): string | null {
    const value = this.raw(name);
    if (value === undefined) {
      if (requiredIn !== null && this.mode() === requiredIn) this.problems.push(`${name}: required when NODE_ENV=${requiredIn}`);
      return null;
    }
    if (value.length < minLength) {
      this.problems.push(`${name}: must be at least ${minLength} characters`);
      return null;
    }
    return value;
  }

  done(): void {
    if (this.problems.length > 0) throw new ConfigError([...this.problems]);
  }
}

/** A configured URL as logs may show it: any password replaced by `***`. */
export function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/** Runs a service's config reader; on invalid configuration prints every problem and exits 1. */
export function loadConfigOrExit<T>(read: (env: Env) => T, env: Env = process.env): T {
  try {
    return read(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/**
 * Loads a service's optional `.env` file (copied from its `.env.example`). Variables
 * already set in the environment win, so deployments and tests stay in control.
 */
export function loadEnvFileIfPresent(file: string): void {
  if (existsSync(file)) process.loadEnvFile(file);
}
