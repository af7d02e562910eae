// Hand-written, not envalid/zod: every read is recorded with its computed default, so scripts/docs.ts generates the docs and .env.example from the reading code itself.
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

export type LogFormat = 'json' | 'pretty';

/** One read of a variable as the code makes it: its kind, fallback and bounds. */
export interface SettingRead {
  name: string;
  kind: 'text' | 'integer' | 'fraction' | 'boolean' | 'choice' | 'url' | 'list' | 'secret';
  /** What the code uses when the variable is unset; null: nothing (the setting is off or computed elsewhere). */
  fallback: string | number | boolean | readonly string[] | null;
  min?: number;
  max?: number;
  /** Allowed values (`choice`) or URL schemes (`url`). */
  allowed?: readonly string[];
  minLength?: number;
  requiredIn?: RuntimeMode | null;
}

/** Sections of docs/configuration.md and the .env.example files, in this order. */
export const SETTING_GROUPS = [
  'Process and HTTP server',
  'Databases',
  'Subgraph behaviour',
  'Routing to subgraphs and resilience',
  'Redis and caches',
  'Persisted queries and trusted documents',
  'Security',
  'Admission limits and tenant budgets',
  'Observability',
] as const;
export type SettingGroup = (typeof SETTING_GROUPS)[number];

/** What a setting is for; beside the code that reads it, and the source of the generated docs. */
export interface SettingDescription {
  group: SettingGroup;
  /** What it does and when to change it (kind, bounds and default are generated from the code). */
  meaning: string;
  /** The default in words, where the code computes it; it must quote every value the code falls back to. */
  default?: string;
  /** Accepted values, where the kind alone does not say (e.g. a JSON shape). */
  format?: string;
  /** A value to show, commented out, in .env.example when there is no default to show. */
  example?: string;
}
export type SettingDescriptions = Record<string, SettingDescription>;

export interface EnvReaderOptions {
  /** Told of every read, so the docs generator sees what the code reads and its defaults. */
  observe?: (read: SettingRead) => void;
  /** Whether stdout is a terminal (it decides LOG_FORMAT's default). */
  stdoutIsTTY?: boolean;
}

/**
 * Reads typed values from the environment and remembers every problem instead of throwing
 * at the first one; `done()` throws a ConfigError listing them all.
 */
export class EnvReader {
  private readonly problems: string[] = [];
  private readonly observe: (read: SettingRead) => void;
  private readonly stdoutIsTTY: boolean;

  constructor(
    private readonly env: Env = process.env,
    options: EnvReaderOptions = {},
  ) {
    this.observe = options.observe ?? (() => undefined);
    this.stdoutIsTTY = options.stdoutIsTTY ?? process.stdout.isTTY === true;
  }

  private raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  string(name: string, fallback: string): string {
    this.observe({ name, kind: 'text', fallback });
    return this.raw(name) ?? fallback;
  }

  optionalString(name: string): string | null {
    this.observe({ name, kind: 'text', fallback: null });
    return this.raw(name) ?? null;
  }

  int(name: string, fallback: number, { min, max }: { min: number; max: number }): number {
    this.observe({ name, kind: 'integer', fallback, min, max });
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

  /** A share from 0 to 1. */
  fraction(name: string, fallback: number): number {
    this.observe({ name, kind: 'fraction', fallback, min: 0, max: 1 });
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < 0 || parsed > 1) {
      this.problems.push(`${name}: expected a number from 0 to 1, got "${value}"`);
      return fallback;
    }
    return parsed;
  }

  bool(name: string, fallback: boolean): boolean {
    this.observe({ name, kind: 'boolean', fallback });
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (/^(1|true|yes|on)$/i.test(value)) return true;
    if (/^(0|false|no|off)$/i.test(value)) return false;
    this.problems.push(`${name}: expected true or false, got "${value}"`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    this.observe({ name, kind: 'choice', fallback, allowed });
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problems.push(`${name}: expected one of ${allowed.join(', ')}, got "${value}"`);
    return fallback;
  }

  /** A URL whose scheme is one of `protocols` (without the colon), or null when unset. */
  optionalUrl(name: string, protocols: readonly string[]): string | null {
    this.observe({ name, kind: 'url', fallback: null, allowed: protocols });
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

  /**
   * JSON lines wherever logs are collected; human-readable lines only for a person watching a
   * development terminal (not in CI, not when stdout is piped to a file or a collector).
   */
  logFormat(): LogFormat {
    const ci = this.raw('CI');
    const watched = this.mode() === 'development' && this.stdoutIsTTY && (ci === undefined || /^(0|false)$/i.test(ci));
    return this.oneOf('LOG_FORMAT', ['json', 'pretty'] as const, watched ? 'pretty' : 'json');
  }

  /** Records a problem a reader found by combining variables. */
  report(problem: string): void {
    this.problems.push(problem);
  }

  /** A comma-separated list, or `fallback` when unset. */
  list(name: string, fallback: string[]): string[] {
    this.observe({ name, kind: 'list', fallback });
    const value = this.raw(name);
    if (value === undefined) return fallback;
    return value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }

  /** A secret: at least `minLength` characters; in production it must be set. */
  secret(name: string, { minLength, requiredIn }: { minLength: number; requiredIn: RuntimeMode | null }): string | null {
    this.observe({ name, kind: 'secret', fallback: null, minLength, requiredIn });
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

/** Settings every service reads through the platform (mode, logs, HTTP server, Redis, shutdown). */
export const SHARED_SETTINGS: SettingDescriptions = {
  NODE_ENV: {
    group: 'Process and HTTP server',
    meaning:
      'Runtime mode. `production` turns off the Sandbox landing page and introspection and turns on the production requirements (signed subgraph calls, caller tokens, idempotency keys).',
  },
  LOG_LEVEL: { group: 'Process and HTTP server', meaning: 'Least severe log level written; `silent` writes none.' },
  LOG_FORMAT: {
    group: 'Process and HTTP server',
    meaning: 'JSON lines (pino) for collectors, or human-readable coloured lines (pino-pretty) for a person at a terminal.',
    default: '`pretty` when `NODE_ENV=development`, `CI` is unset and stdout is a terminal (e.g. `npm start` in a shell), else `json`',
  },
  HOST: { group: 'Process and HTTP server', meaning: 'Interface to listen on.' },
  HTTP_HEADERS_TIMEOUT_MS: {
    group: 'Process and HTTP server',
    meaning: 'How long a client may take to send its request headers; then 408 and the connection closes.',
  },
  HTTP_REQUEST_TIMEOUT_MS: {
    group: 'Process and HTTP server',
    meaning: 'How long a client may take to send its whole request, body included (at least `HTTP_HEADERS_TIMEOUT_MS`; the answer may take longer).',
  },
  HTTP_KEEP_ALIVE_TIMEOUT_MS: {
    group: 'Process and HTTP server',
    meaning: "How long an idle kept-alive connection stays open; behind a load balancer, set it above the balancer's idle timeout.",
  },
  SHUTDOWN_DRAIN_MS: {
    group: 'Process and HTTP server',
    meaning:
      "After SIGTERM, how long `/ready` answers 503 while every request is still served, before the service stops listening and finishes what is in flight. The orchestrator's grace period must exceed it by 10 s (see [operations](operations.md#replicas-and-rolling-deploys)).",
    default: '`10000` in production, else `0`',
  },
  GATEWAY_SIGNING_SECRET: {
    group: 'Security',
    meaning:
      'Shared secret with which the gateway signs subgraph requests and subgraphs verify them; with it set, a subgraph executes only signed requests.',
    default: 'unset (required in production)',
  },
  REDIS_URL: {
    group: 'Redis and caches',
    meaning:
      "Redis shared by every replica: the gateway's caches, persisted queries and tenant budgets; the subgraphs' replay guard (with `GATEWAY_SIGNING_SECRET`); the customer subgraph's catalogue versions. Unset: in-process caches and per-replica replay guards.",
    example: 'redis://127.0.0.1:6379',
  },
  REDIS_ENABLED: { group: 'Redis and caches', meaning: '`false` ignores `REDIS_URL`.' },
  REDIS_KEY_PREFIX: {
    group: 'Redis and caches',
    meaning: 'Prefix of every key written to Redis; the gateways and every subgraph must share it.',
  },
  REDIS_COMMAND_TIMEOUT_MS: {
    group: 'Redis and caches',
    meaning:
      'How long one Redis command may wait for its answer; a slower Redis counts as unhealthy (see [caching](caching.md#redis-is-optional-at-every-moment)).',
  },
  REDIS_PROBE_INTERVAL_MS: { group: 'Redis and caches', meaning: 'How long an unhealthy Redis is skipped before one probe (`PING`).' },
};
