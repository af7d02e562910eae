import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite, type Extension } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { redactUrl } from '../config';
import type { SqlExecutor } from './migrations';
import { pgExecutor, pgliteExecutor } from './sql-executors';

/** A PostgreSQL URL when configured, otherwise an embedded PGlite data folder. */
export interface DatabaseTarget {
  url: string | null;
  embeddedDir: string;
}

export interface OpenDatabase {
  kind: 'postgres' | 'embedded';
  /** Where the data lives, without credentials, for logs. */
  location: string;
  /** For Prisma: the driver adapter over the same connection(s) as `executor`. */
  adapter: SqlDriverAdapterFactory;
  /** For migrations and seeding: plain SQL on the same database. */
  executor: SqlExecutor;
  close(): Promise<void>;
}

async function openPostgres(url: string): Promise<OpenDatabase> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle client that loses its server must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  return {
    kind: 'postgres',
    location: redactUrl(url),
    adapter: new PrismaPg(pool),
    executor: pgExecutor(pool),
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
    adapter: new PrismaPGlite(db),
    executor: pgliteExecutor(db),
    close: () => db.close(),
  };
}

export function openDatabase(target: DatabaseTarget): Promise<OpenDatabase> {
  return target.url ? openPostgres(target.url) : openEmbedded(target.embeddedDir);
}
