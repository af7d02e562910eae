import type { EnvReader, SettingDescriptions } from '../config';

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
  const tracesSampleRate = reader.fraction('SENTRY_TRACES_SAMPLE_RATE', 0.1);
  const profileSessionSampleRate = reader.fraction('SENTRY_PROFILE_SESSION_SAMPLE_RATE', 0);
  return {
    sentry: dsn !== null && enabled ? { dsn, environment, release, tracesSampleRate, profileSessionSampleRate } : null,
    metricsEnabled: reader.bool('METRICS_ENABLED', true),
    // Not required in production: an ingress that blocks /metrics protects it as well.
    metricsToken: reader.secret('METRICS_TOKEN', { minLength: 16, requiredIn: null }),
  };
}

export const OBSERVABILITY_SETTINGS: SettingDescriptions = {
  SENTRY_DSN: {
    group: 'Observability',
    meaning:
      'Sentry project DSN; unset: no error or trace reporting, and the SDK is not even loaded (see [operations](operations.md#observability)).',
    format: '`https://<public key>@<host>/<project id>`',
  },
  SENTRY_ENABLED: { group: 'Observability', meaning: '`false` ignores `SENTRY_DSN`.' },
  SENTRY_ENVIRONMENT: { group: 'Observability', meaning: 'Environment on events.', default: 'the value of `NODE_ENV` (`development`, `production`)' },
  SENTRY_RELEASE: { group: 'Observability', meaning: 'Release on events, e.g. the git commit being deployed.' },
  SENTRY_TRACES_SAMPLE_RATE: { group: 'Observability', meaning: 'Share of requests traced, decided at the gateway; subgraphs follow it.' },
  SENTRY_PROFILE_SESSION_SAMPLE_RATE: {
    group: 'Observability',
    meaning: 'Share of processes profiled while they run sampled traces (`0`: the profiler is not loaded).',
  },
  METRICS_ENABLED: { group: 'Observability', meaning: 'Serve Prometheus metrics on `GET /metrics`.' },
  METRICS_TOKEN: {
    group: 'Observability',
    meaning:
      'Bearer token `/metrics` then requires (`Authorization: Bearer <token>`). Unset: anyone who reaches the port may read it, and production logs a warning at start-up.',
  },
};
