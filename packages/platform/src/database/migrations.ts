import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** One connection's worth of SQL. */
export interface SqlSession {
  /** Runs a script of one or more statements (simple protocol, no parameters). */
  exec(sql: string): Promise<void>;
  query<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
}

export interface SqlExecutor extends SqlSession {
  /** Runs `work` on one connection inside BEGIN/COMMIT, rolling back if it throws. */
  transaction<T>(work: (tx: SqlSession) => Promise<T>): Promise<T>;
  /**
   * True when the executor is one connection (PGlite). No other session can interleave there,
   * and holding the migration lock would need a second connection that does not exist.
   */
  readonly singleConnection?: boolean;
}

export interface MigrationFile {
  /** Folder name, e.g. `20250101120000_init`; migrations apply in this order. */
  name: string;
  sql: string;
  /** SHA-256 hex of the migration.sql bytes, as `prisma migrate` records it. */
  checksum: string;
}

export interface MigrationStatus {
  applied: string[];
  pending: string[];
}

export type MigrationLog = (message: string) => void;

/**
 * The key `prisma migrate` locks, so this applier and the Prisma CLI (where it can run) also
 * exclude each other.
 */
const PRISMA_MIGRATE_LOCK_KEY = 72707369;

/** Prisma's own DDL (captured from the schema engine), so `prisma migrate status` accepts the table. */
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);
`;

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | string | null;
  rolled_back_at: Date | string | null;
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  constructor(
    message: string,
    readonly migration?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The migration folders under `migrationsDir`, in the order they apply. */
export async function readMigrations(migrationsDir: string): Promise<MigrationFile[]> {
  let entries;
  try {
    entries = await readdir(migrationsDir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const lock = entries.find((entry) => entry.isFile() && entry.name === 'migration_lock.toml');
  if (lock) {
    const toml = await readFile(path.join(migrationsDir, lock.name), 'utf8');
    const provider = /^\s*provider\s*=\s*"([^"]*)"/m.exec(toml)?.[1];
    if (provider !== undefined && provider !== 'postgresql') {
      throw new MigrationError(`${migrationsDir} holds migrations for provider "${provider}", not postgresql`);
    }
  }
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    // Byte order, as Prisma sorts: locale collation could reorder names with `_` or digits.
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return Promise.all(
    names.map(async (name) => {
      const file = path.join(migrationsDir, name, 'migration.sql');
      let bytes: Buffer;
      try {
        bytes = await readFile(file);
      } catch (error) {
        throw new MigrationError(`migration ${name} has no readable migration.sql (${file})`, name, { cause: error });
      }
      return { name, sql: bytes.toString('utf8'), checksum: createHash('sha256').update(bytes).digest('hex') };
    }),
  );
}

async function hasMigrationsTable(session: SqlSession): Promise<boolean> {
  const rows = await session.query<{ present: boolean }>(`SELECT to_regclass('_prisma_migrations') IS NOT NULL AS present`);
  return rows[0]?.present === true;
}

async function readHistory(session: SqlSession): Promise<MigrationRow[]> {
  if (!(await hasMigrationsTable(session))) return [];
  return session.query<MigrationRow>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at
       FROM _prisma_migrations ORDER BY started_at, migration_name`,
  );
}

/**
 * Compares the database's history with the files and refuses every state `prisma migrate deploy`
 * refuses: a failed or unfinished migration, a recorded migration missing on disk, an edited one.
 */
function reconcile(files: MigrationFile[], rows: MigrationRow[]): MigrationStatus {
  // Rows marked rolled back (`prisma migrate resolve --rolled-back`) are audit trail only.
  const live = rows.filter((row) => row.rolled_back_at === null);
  const failed = live.find((row) => row.finished_at === null);
  if (failed) {
    throw new MigrationError(
      `migration ${failed.migration_name} started but never finished (failed or interrupted); ` +
        'repair the database and mark it resolved before applying more migrations',
      failed.migration_name,
    );
  }
  const byName = new Map(files.map((file) => [file.name, file]));
  const applied = new Set<string>();
  for (const row of live) {
    const file = byName.get(row.migration_name);
    if (!file) {
      throw new MigrationError(
        `migration ${row.migration_name} is recorded in the database but missing from the migrations folder`,
        row.migration_name,
      );
    }
    if (file.checksum !== row.checksum) {
      throw new MigrationError(
        `migration ${row.migration_name} was modified after it was applied ` + `(checksum ${row.checksum} in the database, ${file.checksum} on disk)`,
        row.migration_name,
      );
    }
    applied.add(row.migration_name);
  }
  return {
    applied: files.filter((file) => applied.has(file.name)).map((file) => file.name),
    pending: files.filter((file) => !applied.has(file.name)).map((file) => file.name),
  };
}

/** Read-only status for a `status` command: throws on the same problems `applyMigrations` refuses. */
export async function migrationStatus(executor: SqlSession, migrationsDir: string): Promise<MigrationStatus> {
  const files = await readMigrations(migrationsDir);
  return reconcile(files, await readHistory(executor));
}

export async function pendingMigrations(executor: SqlSession, migrationsDir: string): Promise<string[]> {
  return (await migrationStatus(executor, migrationsDir)).pending;
}

/**
 * Holds Prisma's migrate lock while `work` runs. The lock is transaction-scoped on a connection
 * of its own: the database releases it however the process ends, and it never lingers on a
 * pooled client the way a forgotten session lock would.
 */
async function withMigrationLock<T>(executor: SqlExecutor, work: () => Promise<T>): Promise<T> {
  if (executor.singleConnection) return work();
  return executor.transaction(async (lockSession) => {
    await lockSession.query(`SELECT pg_advisory_xact_lock(${PRISMA_MIGRATE_LOCK_KEY})`);
    return work();
  });
}

/**
 * Applies the pending migrations of a Prisma migrations folder, each in its own transaction
 * together with its `_prisma_migrations` row, so a failure leaves neither half a migration nor
 * a failed row behind. The result is a history `prisma migrate deploy/status` accept.
 *
 * On a connection pool this takes two connections at once (lock + migration).
 */
export async function applyMigrations(
  executor: SqlExecutor,
  migrationsDir: string,
  log: MigrationLog = () => undefined,
): Promise<{ applied: string[] }> {
  const files = await readMigrations(migrationsDir);
  return withMigrationLock(executor, async () => {
    // Checked again under the lock: a concurrent applier may have created it meanwhile.
    if (!(await hasMigrationsTable(executor))) await executor.exec(CREATE_MIGRATIONS_TABLE);
    const { pending } = reconcile(files, await readHistory(executor));
    const applied: string[] = [];
    for (const file of files.filter((candidate) => pending.includes(candidate.name))) {
      log(`applying migration ${file.name}`);
      try {
        await executor.transaction(async (tx) => {
          // now() is the transaction start, clock_timestamp() the moment the script finished.
          await tx.exec(file.sql);
          await tx.query(
            `INSERT INTO _prisma_migrations
               (id, checksum, started_at, finished_at, migration_name, logs, rolled_back_at, applied_steps_count)
             VALUES ($1, $2, now(), clock_timestamp(), $3, NULL, NULL, 1)`,
            [randomUUID(), file.checksum, file.name],
          );
        });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new MigrationError(`migration ${file.name} failed and was rolled back: ${reason}`, file.name, {
          cause: error,
        });
      }
      applied.push(file.name);
    }
    log(applied.length ? `applied ${applied.length} migration(s)` : 'no pending migrations');
    return { applied };
  });
}
