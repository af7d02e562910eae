import type { EnvReader } from '../config';

export interface SentryConfig {
  dsn: string;
  environment: string;
  release: string | null;
  /** Share of requests whose trace is sent, 0-1; a caller's sampled trace is always continued. */
  tracesSampleRate: number;
  /** Share of process sessions that are profiled while a sampled trace runs, 0-1 (0: profiler not loaded). */
  profileSessionSampleRate: number;
}

export interface ObservabilityConfig {
  /** null: Sentry stays uninitialised and is never loaded. */
  sentry: SentryConfig | null;
  /** Serve Prometheus metrics on GET /metrics. */
  metricsEnabled: boolean;
  /** When set, /metrics answers only requests bearing it; null: anyone who reaches the port. */
  metricsToken: string | null;
}

/** A number from 0 to 1, or `fallback` when unset. */
function rate(reader: EnvReader, name: string, fallback: number): number {
  const value = reader.optionalString(name);
  if (value === null) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0 || parsed > 1) {
    reader.report(`${name}: expected a number from 0 to 1, got "${value}"`);
    return fallback;
  }
  return parsed;
}

/** The project's public key and numeric id must be in the DSN, as Sentry issues it. */
function sentryDsn(reader: EnvReader): string | null {
  const dsn = reader.optionalUrl('SENTRY_DSN', ['http', 'https']);
  if (dsn === null) return null;
  const url = new URL(dsn);
  if (url.username === '' || !/\/\d+\/?$/.test(url.pathname)) {
    reader.report('SENTRY_DSN: expected https://<public key>@<host>/<project id>');
    return null;
  }
  return dsn;
}

/**
 * Shared by every service: Sentry reports only when SENTRY_DSN is set (and SENTRY_ENABLED is
 * not false); metrics are always collected and served unless METRICS_ENABLED=false, to
 * bearers of METRICS_TOKEN only when it is set.
 */
export function readObservabilityConfig(reader: EnvReader): ObservabilityConfig {
  const dsn = sentryDsn(reader);
  const enabled = reader.bool('SENTRY_ENABLED', true);
  const environment = reader.string('SENTRY_ENVIRONMENT', reader.mode());
  const release = reader.optionalString('SENTRY_RELEASE');
  const tracesSampleRate = rate(reader, 'SENTRY_TRACES_SAMPLE_RATE', 0.1);
  const profileSessionSampleRate = rate(reader, 'SENTRY_PROFILE_SESSION_SAMPLE_RATE', 0);
  return {
    sentry: dsn !== null && enabled ? { dsn, environment, release, tracesSampleRate, profileSessionSampleRate } : null,
    metricsEnabled: reader.bool('METRICS_ENABLED', true),
    // Not required in production: an ingress that blocks /metrics protects it as well.
    metricsToken: reader.secret('METRICS_TOKEN', { minLength: 16, requiredIn: null }),
  };
}
