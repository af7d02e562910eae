import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite, type Extension } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { redactUrl } from '../config';
import type { Logger } from '../logger';
import { DEFAULT_DATABASE_TIMEOUTS, type DatabaseTimeouts } from './timeouts';
import type { SqlExecutor } from './migrations';
import { pgExecutor, pgliteExecutor } from './sql-executors';
import { bindTenantReads } from './bound-reads';
import { pipelineTransactions, readWithBinding } from './transaction-pipeline';

/** A PostgreSQL URL when configured, otherwise an embedded PGlite data folder. */
export interface DatabaseTarget {
  url: string | null;
  embeddedDir: string;
  /** Default DEFAULT_DATABASE_TIMEOUTS (PostgreSQL only: PGlite runs in-process). */
  timeouts?: DatabaseTimeouts;
  /** Where lost connections are logged; silent without one. */
  logger?: Logger;
}

export interface OpenDatabase {
  kind: 'postgres' | 'embedded';
  /** Where the data lives, without credentials, for logs. */
  location: string;
  /**
   * For Prisma: the driver adapter over the same connection(s) as `executor`. It binds the
   * tenant-bound client's single reads to their tenant (bound-reads).
   */
  adapter: SqlDriverAdapterFactory;
  /** For migrations and seeding: plain SQL on the same database. */
  executor: SqlExecutor;
  /** Defaults for Prisma's interactive transactions, within the same bounds as single statements. */
  transactionOptions: { maxWait: number; timeout: number };
  /** A cheap `SELECT 1` bounded by `timeoutMs`: does the database answer right now? */
  ping(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** Resolves false after `ms` instead of waiting on for `work`. */
function answersWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  return Promise.race([
    work.then(
      () => true,
      () => false,
    ),
    late,
  ]).finally(() => clearTimeout(timer));
}

/**
 * Prisma's driver adapter over `pool`, as the services use it: BEGIN and the tenant binding
 * travel with a transaction's first statement, and a tenant-bound single read with its binding
 * (one round trip each; see transaction-pipeline). It changes how `pool` sends statements.
 */
export function postgresAdapter(pool: pg.Pool): SqlDriverAdapterFactory {
  pipelineTransactions(pool);
  return bindTenantReads(new PrismaPg(pool), readWithBinding);
}

async function openPostgres(url: string, timeouts: DatabaseTimeouts, logger: Logger | undefined): Promise<OpenDatabase> {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: timeouts.connectMs,
    statement_timeout: timeouts.statementMs,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
    // A peer that vanished without closing (a cut network) is noticed by the kernel.
    keepAlive: true,
  });
  // A server restart, failover or pg_terminate_backend makes every client emit 'error', idle or
  // checked out, sometimes twice (the server's message, then the closed socket). Without a
  // listener at that moment Node kills the process. Every client gets a permanent one: the
  // failure is logged, the pool drops the broken client, and the next use connects anew.
  const lost = (error: Error): void => {
    logger?.warn({ err: error, code: (error as { code?: unknown }).code }, 'database connection lost; it will be replaced on next use');
  };
  pool.on('connect', (client) => client.on('error', lost));
  pool.on('error', () => undefined); // already logged by the client's own listener above
  return {
    kind: 'postgres',
    location: redactUrl(url),
    adapter: postgresAdapter(pool),
    executor: pgExecutor(pool),
    transactionOptions: { maxWait: timeouts.connectMs, timeout: timeouts.statementMs },
    ping: (timeoutMs) => answersWithin(pool.query('SELECT 1'), timeoutMs),
    close: () => pool.end(),
  };
}

/**
 * The contrib extensions every embedded database offers to migrations. Loaded with require:
 * the package ships a CommonJS build of each, but its type declarations for the contrib
 * entries are ES-module only, which a CommonJS import cannot name.
 */
const { pg_trgm } = require('@electric-sql/pglite/contrib/pg_trgm') as { pg_trgm: Extension };
const EMBEDDED_EXTENSIONS: Record<string, Extension> = { pg_trgm };

async function openEmbedded(dir: string): Promise<OpenDatabase> {
  // PGlite does not create parent folders itself.
  await mkdir(path.dirname(dir), { recursive: true });
  // PGlite bundles contrib extensions separately; a migration's CREATE EXTENSION finds only
  // those loaded here. pg_trgm backs the customer subgraph's search indexes.
  const db = new PGlite(dir, { extensions: EMBEDDED_EXTENSIONS });
  await db.waitReady;
  return {
    kind: 'embedded',
    location: dir,
    adapter: bindTenantReads(new PrismaPGlite(db)),
    executor: pgliteExecutor(db),
    // Prisma's own defaults; an in-process database has no connection to lose.
    transactionOptions: { maxWait: 2_000, timeout: 5_000 },
    ping: (timeoutMs) => answersWithin(db.query('SELECT 1'), timeoutMs),
    close: () => db.close(),
  };
}

export function openDatabase(target: DatabaseTarget): Promise<OpenDatabase> {
  return target.url ? openPostgres(target.url, target.timeouts ?? DEFAULT_DATABASE_TIMEOUTS, target.logger) : openEmbedded(target.embeddedDir);
}
