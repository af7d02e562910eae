import path from 'node:path';
import { readRedisSettings, type RedisSettings } from '../cache/redis-config';
import { REPO_ROOT, type EnvReader, type LogFormat, type RuntimeMode, type SettingDescriptions } from '../config';
import { DEFAULT_DATABASE_TIMEOUTS, type DatabaseTimeouts } from '../database/timeouts';
import { readHttpServerTimeouts, type HttpServerTimeouts } from '../http/graphql-http-server';
import { readShutdownDrainMs } from '../http/run-service';
import { readObservabilityConfig, type ObservabilityConfig } from '../observability/config';

export interface SubgraphConfig {
  name: string;
  mode: RuntimeMode;
  logLevel: string;
  logFormat: LogFormat;
  host: string;
  port: number;
  /**
   * PostgreSQL URL the service connects with, as a role that owns nothing and cannot bypass
   * row-level security; null for the embedded database in `embeddedDir`.
   */
  databaseUrl: string | null;
  /** PostgreSQL URL of the owner role, for migrations (`db:deploy`, MIGRATE_ON_START); null when unset. */
  migrationDatabaseUrl: string | null;
  embeddedDir: string;
  /** Connection, statement and idle-transaction bounds of the PostgreSQL pool. */
  databaseTimeouts: DatabaseTimeouts;
  /** Apply pending migrations at start-up (otherwise refuse to start while any are pending). */
  migrateOnStart: boolean;
  /** Seed tenant `demo` when it has no data yet. */
  seedDemoData: boolean;
  /** Secret shared with the gateway; when set, only requests it signed execute. */
  gatewaySigningSecret: string | null;
  /** How old a signed request may be, and how long its nonce is remembered. */
  signatureWindowMs: number;
  /**
   * The Redis the gateways use (REDIS_URL, REDIS_KEY_PREFIX): every replica remembers the
   * nonces of signed requests there, so a replay is refused whichever replica it reaches.
   */
  redis: RedisSettings | null;
  /** After SIGTERM, how long /ready fails while requests are still served (SHUTDOWN_DRAIN_MS). */
  shutdownDrainMs: number;
  /** Sentry (when SENTRY_DSN is set) and /metrics. */
  observability: ObservabilityConfig;
  /** Header, request and keep-alive timeouts of the HTTP server. */
  httpTimeouts: HttpServerTimeouts;
}

/**
 * The settings every subgraph shares. `prefix` keeps each subgraph's port and database
 * apart (CUSTOMER_PORT, RESERVATION_DATABASE_URL, ...) so one shell can configure all.
 */
export function readSubgraphConfig(
  reader: EnvReader,
  { name, prefix, defaultPort }: { name: string; prefix: string; defaultPort: number },
): SubgraphConfig {
  const databaseUrl = reader.optionalUrl(`${prefix}_DATABASE_URL`, ['postgres', 'postgresql']);
  const migrationDatabaseUrl = reader.optionalUrl(`${prefix}_MIGRATION_DATABASE_URL`, ['postgres', 'postgresql']);
  const configuredDataDir = reader.optionalString('DATA_DIR');
  const dataDir = configuredDataDir ? path.resolve(configuredDataDir) : path.join(REPO_ROOT, '.data');
  const embedded = databaseUrl === null;
  const migrateOnStart = reader.bool('MIGRATE_ON_START', embedded);
  if (migrateOnStart && !embedded && migrationDatabaseUrl === null) {
    reader.report(`MIGRATE_ON_START: with ${prefix}_DATABASE_URL, migrations run as the owner role: set ${prefix}_MIGRATION_DATABASE_URL`);
  }
  if (embedded && migrationDatabaseUrl !== null) {
    reader.report(`${prefix}_MIGRATION_DATABASE_URL: set ${prefix}_DATABASE_URL too (the embedded database needs neither)`);
  }
  return {
    name,
    mode: reader.mode(),
    logLevel: reader.logLevel(),
    logFormat: reader.logFormat(),
    host: reader.string('HOST', '0.0.0.0'),
    port: reader.port(`${prefix}_PORT`, defaultPort),
    databaseUrl,
    migrationDatabaseUrl,
    embeddedDir: path.join(dataDir, name),
    // Defaults fit the gateway's per-attempt timeout (SERVICE_TIMEOUT, 5 s): a stalled database
    // answers SERVICE_UNAVAILABLE before the gateway gives up on the attempt.
    databaseTimeouts: {
      connectMs: reader.int('DATABASE_CONNECT_TIMEOUT_MS', DEFAULT_DATABASE_TIMEOUTS.connectMs, { min: 100, max: 60_000 }),
      statementMs: reader.int('DATABASE_STATEMENT_TIMEOUT_MS', DEFAULT_DATABASE_TIMEOUTS.statementMs, { min: 100, max: 600_000 }),
      idleInTransactionMs: reader.int('DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS', DEFAULT_DATABASE_TIMEOUTS.idleInTransactionMs, {
        min: 100,
        max: 600_000,
      }),
    },
    migrateOnStart,
    seedDemoData: reader.bool('SEED_DEMO_DATA', embedded),
    gatewaySigningSecret: reader.secret('GATEWAY_SIGNING_SECRET', { minLength: 32, requiredIn: 'production' }),
    signatureWindowMs: reader.int('SIGNATURE_WINDOW_MS', 30_000, { min: 1_000, max: 300_000 }),
    redis: readRedisSettings(reader),
    shutdownDrainMs: readShutdownDrainMs(reader),
    observability: readObservabilityConfig(reader),
    httpTimeouts: readHttpServerTimeouts(reader),
  };
}

/** What the settings every subgraph reads are for; `prefix` and `name` as for readSubgraphConfig. */
export function subgraphSettings({ name, prefix }: { name: string; prefix: string }): SettingDescriptions {
  return {
    [`${prefix}_PORT`]: { group: 'Process and HTTP server', meaning: `Port of the ${name} subgraph.` },
    [`${prefix}_DATABASE_URL`]: {
      group: 'Databases',
      meaning: `PostgreSQL URL of the ${name} database as the services' role, which owns nothing and is \`NOSUPERUSER NOBYPASSRLS\` (the subgraph refuses any other). Unset: embedded PGlite in \`<DATA_DIR>/${name}\`. Also read by \`npm run db:*\`. See [security](security.md#tenant-isolation).`,
      example: `postgresql://${name}_app:secret@127.0.0.1:5432/${name}`,
    },
    [`${prefix}_MIGRATION_DATABASE_URL`]: {
      group: 'Databases',
      meaning: `The same database as its owner role: \`db:deploy\` and \`MIGRATE_ON_START\` migrate through it, then grant the services' role row access. Required for migrations with a database URL; unused when embedded.`,
      example: `postgresql://${name}_owner:secret@127.0.0.1:5432/${name}`,
    },
    DATA_DIR: {
      group: 'Databases',
      meaning:
        'Where the embedded databases live (`<DATA_DIR>/customer`, `<DATA_DIR>/reservation`); relative paths resolve from the working directory.',
      default: '`.data` at the repository root',
    },
    DATABASE_CONNECT_TIMEOUT_MS: {
      group: 'Databases',
      meaning:
        "Opening a PostgreSQL connection, and waiting for a pooled one; then `SERVICE_UNAVAILABLE`. Keep the database bounds inside the gateway's `SERVICE_TIMEOUT`.",
    },
    DATABASE_STATEMENT_TIMEOUT_MS: {
      group: 'Databases',
      meaning: "PostgreSQL `statement_timeout` of every request's statement, lock waits included; migrations are exempt.",
    },
    DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: {
      group: 'Databases',
      meaning: 'PostgreSQL `idle_in_transaction_session_timeout`: a transaction left idle (its request gone) is ended and its locks freed.',
    },
    MIGRATE_ON_START: {
      group: 'Databases',
      meaning: 'Apply pending migrations at start-up; when false, refuse to start while any are pending (run `npm run db:deploy`).',
      default: '`true` embedded, `false` with a database URL',
    },
    SEED_DEMO_DATA: {
      group: 'Databases',
      meaning: 'Seed tenant `demo` at start-up when its rows are missing.',
      default: '`true` embedded, `false` with a database URL',
    },
    SIGNATURE_WINDOW_MS: {
      group: 'Security',
      meaning: "How old (or how far ahead) a signed request's timestamp may be; its nonce is remembered twice this long to refuse replays.",
    },
  };
}
