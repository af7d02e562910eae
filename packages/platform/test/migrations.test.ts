import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { applyMigrations, migrationStatus, type SqlExecutor } from '@reservations/platform/database/migrations';
import { pgExecutor } from '@reservations/platform/database/sql-executors';

const ROOT = path.resolve(__dirname, '../../..');
const SERVER = { host: '127.0.0.1', port: 5432, user: 'postgres' };
const DATABASE = `platform_migrations_${process.pid}_${Date.now().toString(36)}`;

const migrationsOf = (subgraph: string) => path.join(ROOT, 'subgraphs', subgraph, 'prisma', 'migrations');

interface MigrationRow {
  id: string;
  migration_name: string;
  checksum: string;
  started_at: Date;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
  applied_steps_count: number;
}

let tempDir: string;
const pools: pg.Pool[] = [];
let tearingDown = false;

function newPool(schema: string): pg.Pool {
  const pool = new pg.Pool({ ...SERVER, database: DATABASE, max: 4, options: `-c search_path=${schema}` });
  // pool.end() resolves before its sockets have closed, so the FORCE drop in afterAll can still
  // reach them; only then is a terminated connection expected.
  pool.on('error', (error) => {
    if (!tearingDown) throw error;
  });
  pools.push(pool);
  return pool;
}

/**
 * Each scenario gets its own PostgreSQL schema inside the file's database: as isolated as a
 * fresh database for `_prisma_migrations` and the tables, without a CREATE DATABASE per test.
 */
async function freshSchema(name: string): Promise<{ pool: pg.Pool; executor: SqlExecutor }> {
  const pool = newPool(name);
  await pool.query(`CREATE SCHEMA ${name}`);
  return { pool, executor: pgExecutor(pool) };
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function rows(executor: SqlExecutor): Promise<MigrationRow[]> {
  return executor.query<MigrationRow>('SELECT * FROM _prisma_migrations ORDER BY migration_name');
}

async function tablesOf(executor: SqlExecutor, schema: string): Promise<string[]> {
  const found = await executor.query<{ tablename: string }>(
    `SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename <> '_prisma_migrations'`,
    [schema],
  );
  return found.map((row) => `"${row.tablename}"`);
}

async function tableExists(executor: SqlExecutor, table: string): Promise<boolean> {
  const [row] = await executor.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [table]);
  return row?.present === true;
}

/** Writes a throwaway migrations folder; `{ name: sql }` in apply order. */
async function migrationsDir(name: string, migrations: Record<string, string>): Promise<string> {
  const dir = path.join(tempDir, name);
  await mkdir(dir, { recursive: true });
  for (const [migration, sql] of Object.entries(migrations)) {
    await mkdir(path.join(dir, migration), { recursive: true });
    await writeFile(path.join(dir, migration, 'migration.sql'), sql);
  }
  await writeFile(path.join(dir, 'migration_lock.toml'), 'provider = "postgresql"\n');
  return dir;
}

const BROKEN = {
  '20250101000000_first': 'CREATE TABLE first_table (id INTEGER PRIMARY KEY);\n',
  '20250102000000_broken': 'CREATE TABLE half_table (id INTEGER PRIMARY KEY);\nINSERT INTO no_such_table VALUES (1);\n',
};

beforeAll(async () => {
  tempDir = await mkdtemp(path.join(os.tmpdir(), 'platform-migrations-'));
  const admin = new pg.Client({ ...SERVER, database: 'postgres' });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await admin.end();
  }
});

afterAll(async () => {
  tearingDown = true;
  await Promise.all(pools.map((pool) => pool.end()));
  const admin = new pg.Client({ ...SERVER, database: 'postgres' });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  await rm(tempDir, { recursive: true, force: true });
});

describe('applyMigrations on PostgreSQL', () => {
  it.each([
    ['customer', ['customers']],
    ['reservation', ['reservations']],
  ])('applies the %s subgraph migrations to a fresh database, then nothing more', async (subgraph, tables) => {
    const { executor } = await freshSchema(`apply_${subgraph}`);
    const dir = migrationsOf(subgraph);
    const onDisk = (await migrationStatus(executor, dir)).pending;
    expect(onDisk.length).toBeGreaterThan(0);

    const logged: string[] = [];
    await expect(applyMigrations(executor, dir, (line) => logged.push(line))).resolves.toEqual({ applied: onDisk });
    expect(logged).toContain(`applying migration ${onDisk[0]}`);
    for (const table of tables) expect(await tableExists(executor, table)).toBe(true);

    const recorded = await rows(executor);
    expect(recorded.map((row) => row.migration_name)).toEqual(onDisk);
    for (const row of recorded) {
      const bytes = await readFile(path.join(dir, row.migration_name, 'migration.sql'));
      expect(row).toMatchObject({
        checksum: sha256(bytes),
        applied_steps_count: 1,
        rolled_back_at: null,
        logs: null,
      });
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
    }

    await expect(applyMigrations(executor, dir)).resolves.toEqual({ applied: [] });
    expect(await rows(executor)).toHaveLength(onDisk.length);
  });

  it('creates _prisma_migrations with the columns prisma migrate creates', async () => {
    const { executor } = await freshSchema('table_shape');
    await applyMigrations(executor, await migrationsDir('empty', {}));
    const columns = await executor.query<Record<string, unknown>>(
      `SELECT column_name, data_type, character_maximum_length AS length, is_nullable, column_default
         FROM information_schema.columns
        WHERE table_schema = 'table_shape' AND table_name = '_prisma_migrations'
        ORDER BY ordinal_position`,
    );
    const no = 'NO';
    const yes = 'YES';
    expect(columns).toEqual([
      { column_name: 'id', data_type: 'character varying', length: 36, is_nullable: no, column_default: null },
      { column_name: 'checksum', data_type: 'character varying', length: 64, is_nullable: no, column_default: null },
      { column_name: 'finished_at', data_type: 'timestamp with time zone', length: null, is_nullable: yes, column_default: null },
      { column_name: 'migration_name', data_type: 'character varying', length: 255, is_nullable: no, column_default: null },
      { column_name: 'logs', data_type: 'text', length: null, is_nullable: yes, column_default: null },
      { column_name: 'rolled_back_at', data_type: 'timestamp with time zone', length: null, is_nullable: yes, column_default: null },
      { column_name: 'started_at', data_type: 'timestamp with time zone', length: null, is_nullable: no, column_default: 'now()' },
      { column_name: 'applied_steps_count', data_type: 'integer', length: null, is_nullable: no, column_default: '0' },
    ]);
  });

  it('refuses an edited, a vanished or an unfinished migration, naming it', async () => {
    const { executor } = await freshSchema('refusals');
    const dir = migrationsOf('customer');
    const { applied } = await applyMigrations(executor, dir);
    const name = applied[0]!;

    await executor.query(`UPDATE _prisma_migrations SET checksum = repeat('0', 64)`);
    await expect(applyMigrations(executor, dir)).rejects.toThrow(`migration ${name} was modified after it was applied`);
    await expect(migrationStatus(executor, dir)).rejects.toThrow(name);

    await executor.query(`DELETE FROM _prisma_migrations`);
    await executor.query(
      `INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count)
       VALUES ('00000000-0000-4000-8000-000000000001', repeat('0', 64), now(), '20000101000000_gone', 1)`,
    );
    await expect(applyMigrations(executor, dir)).rejects.toThrow(
      'migration 20000101000000_gone is recorded in the database but missing from the migrations folder',
    );

    await executor.query(`UPDATE _prisma_migrations SET finished_at = NULL`);
    await expect(applyMigrations(executor, dir)).rejects.toThrow('migration 20000101000000_gone started but never finished');

    // A failed migration marked rolled back (prisma migrate resolve) no longer blocks.
    await executor.query(`UPDATE _prisma_migrations SET rolled_back_at = now()`);
    // Every table the migrations made goes, the history stays: all of them apply again.
    await executor.exec(`DROP TABLE ${(await tablesOf(executor, 'refusals')).join(', ')} CASCADE`);
    await expect(applyMigrations(executor, dir)).resolves.toEqual({ applied });
  });

  it('rolls a failing migration back whole and records nothing for it', async () => {
    const { executor } = await freshSchema('failing');
    const dir = await migrationsDir('failing', BROKEN);

    await expect(applyMigrations(executor, dir)).rejects.toThrow(/migration 20250102000000_broken failed and was rolled back: .*no_such_table/);
    expect(await tableExists(executor, 'first_table')).toBe(true);
    expect(await tableExists(executor, 'half_table')).toBe(false);
    expect((await rows(executor)).map((row) => row.migration_name)).toEqual(['20250101000000_first']);

    // Nothing was left half-applied, so the fixed file simply applies next time.
    await writeFile(path.join(dir, '20250102000000_broken', 'migration.sql'), BROKEN['20250102000000_broken'].split('\n')[0]!);
    await expect(applyMigrations(executor, dir)).resolves.toEqual({ applied: ['20250102000000_broken'] });
  });

  it('lets exactly one of two concurrent appliers apply each migration', async () => {
    const dir = await migrationsDir('concurrent', {
      '20250101000000_a': 'CREATE TABLE a (id INTEGER PRIMARY KEY);\nSELECT pg_sleep(0.2);\n',
      '20250102000000_b': 'CREATE TABLE b (id INTEGER PRIMARY KEY);\nSELECT pg_sleep(0.2);\n',
      '20250103000000_c': 'CREATE TABLE c (id INTEGER PRIMARY KEY);\n',
    });
    const { executor: first } = await freshSchema('concurrent');
    // A second pool stands for a second process (another replica deploying at the same time).
    const secondPool = newPool('concurrent');

    const results = await Promise.all([applyMigrations(first, dir), applyMigrations(pgExecutor(secondPool), dir)]);

    const applied = results.flatMap((result) => result.applied).sort();
    expect(applied).toEqual(['20250101000000_a', '20250102000000_b', '20250103000000_c']);
    // The lock is held for a whole run, so one applier did everything and the other nothing.
    expect(results.map((result) => result.applied.length).sort()).toEqual([0, 3]);
    expect((await rows(first)).map((row) => row.migration_name)).toEqual(applied);
  });
});

/**
 * Applies migrations to a PGlite data folder in a child process and reports what it saw.
 * PGlite's CommonJS build loads Node built-ins with `import()`, which jest's CommonJS sandbox
 * refuses unless node runs with --experimental-vm-modules, so it cannot run in this process.
 * The child uses the same modules, through tsx.
 */
const PGLITE_SCENARIO = `
const { PGlite } = require('@electric-sql/pglite');
const { applyMigrations } = require(input.modules.migrations);
const { pgliteExecutor } = require(input.modules.executors);
const fs = require('node:fs');
const path = require('node:path');

async function tables(executor, names) {
  const found = {};
  for (const name of names) {
    const [row] = await executor.query('SELECT to_regclass($1) IS NOT NULL AS present', [name]);
    found[name] = row.present;
  }
  return found;
}
const recorded = (executor) =>
  executor.query('SELECT migration_name, checksum FROM _prisma_migrations ORDER BY migration_name');

(async () => {
  fs.mkdirSync(path.dirname(input.dataDir), { recursive: true });
  const db = new PGlite(input.dataDir);
  const executor = pgliteExecutor(db);
  const report = {};
  try {
    report.first = await applyMigrations(executor, input.subgraphMigrations);
    report.second = await applyMigrations(executor, input.subgraphMigrations);
    report.subgraphTables = await tables(executor, ['reservations']);
    report.subgraphRows = await recorded(executor);
    // A second "database" inside the same instance, since each PGlite costs seconds and memory.
    await executor.exec('CREATE SCHEMA failing; SET search_path TO failing');
    await applyMigrations(executor, input.brokenMigrations).then(
      () => { report.brokenError = null; },
      (error) => { report.brokenError = error.message; },
    );
    report.brokenTables = await tables(executor, ['first_table', 'half_table']);
    report.brokenRows = await recorded(executor);
  } finally {
    await db.close();
  }
  process.stdout.write(JSON.stringify(report));
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
`;

interface PgliteReport {
  first: { applied: string[] };
  second: { applied: string[] };
  subgraphTables: Record<string, boolean>;
  subgraphRows: { migration_name: string; checksum: string }[];
  brokenError: string | null;
  brokenTables: Record<string, boolean>;
  brokenRows: { migration_name: string }[];
}

function runPgliteScenario(input: Record<string, unknown>): Promise<PgliteReport> {
  const tsx = pathToFileURL(require.resolve('tsx')).href;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', tsx, '-e', `const input = ${JSON.stringify(input)};\n${PGLITE_SCENARIO}`],
      { cwd: ROOT, timeout: 120_000, maxBuffer: 1 << 24 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`PGlite scenario failed: ${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout) as PgliteReport);
      },
    );
  });
}

describe('applyMigrations on PGlite', () => {
  it('applies, skips, and rolls back a failure the same way', async () => {
    const subgraphMigrations = migrationsOf('reservation');
    const report = await runPgliteScenario({
      modules: {
        migrations: path.join(ROOT, 'packages/platform/src/database/migrations.ts'),
        executors: path.join(ROOT, 'packages/platform/src/database/sql-executors.ts'),
      },
      dataDir: path.join(tempDir, 'pglite', 'data'),
      subgraphMigrations,
      brokenMigrations: await migrationsDir('pglite-failing', BROKEN),
    });

    const onDisk = (await readdir(subgraphMigrations, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(report.first.applied).toEqual(onDisk);
    expect(report.second.applied).toEqual([]);
    expect(report.subgraphTables).toEqual({ reservations: true });
    expect(report.subgraphRows).toEqual(
      await Promise.all(
        onDisk.map(async (name) => ({
          migration_name: name,
          checksum: sha256(await readFile(path.join(subgraphMigrations, name, 'migration.sql'))),
        })),
      ),
    );

    expect(report.brokenError).toMatch(/^migration 20250102000000_broken failed and was rolled back: .*no_such_table/);
    expect(report.brokenTables).toEqual({ first_table: true, half_table: false });
    expect(report.brokenRows.map((row) => row.migration_name)).toEqual(['20250101000000_first']);
  });
});
