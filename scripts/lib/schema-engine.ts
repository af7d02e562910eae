/**
 * Offline migration authoring and drift checks with Prisma's schema engine compiled to WASM,
 * replaying migrations on an in-memory PGlite instead of a shadow database server.
 * Development tooling: no service loads it, so the runtime image never carries the engine.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { bindMigrationAwareSqlAdapterFactory, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { readMigrations } from '@reservations/platform/database/migrations';

/** What the engine prints when the target needs no change. */
const EMPTY_MIGRATION = '-- This is an empty migration.';
const DEFAULT_LOCKFILE = 'provider = "postgresql"\n';
const CHILD_FLAG = '--migration-diff-child';
const RESULT_PREFIX = '@@migration-diff@@';
const CHILD_TIMEOUT_MS = 180_000;

type EngineModule = Awaited<ReturnType<typeof importEngine>>;

/** The slice of the WebAssembly global used here; the project's `lib` (no DOM) does not declare it. */
interface WasmRuntime {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: object };
}
const wasmRuntime = (globalThis as unknown as { WebAssembly: WasmRuntime }).WebAssembly;

function importEngine() {
  return import('@prisma/schema-engine-wasm/schema_engine_bg');
}

let engineModule: Promise<EngineModule> | undefined;
let lastPanic: string | undefined;

/**
 * Instantiates the WASM by hand: the package's entry imports the `.wasm` file as an ES module,
 * which Node only does behind a flag.
 */
function loadEngine(): Promise<EngineModule> {
  engineModule ??= (async () => {
    const glue = await importEngine();
    const wasmFile = path.join(path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')), 'schema_engine_bg.wasm');
    // Without this registry a Rust panic surfaces as a TypeError that hides the panic message.
    (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: unknown }).PRISMA_WASM_PANIC_REGISTRY = {
      set_message(message: string) {
        lastPanic = message;
      },
    };
    const imports: Record<string, unknown> = { ...glue };
    for (const name of Object.keys(imports)) {
      // The engine arms 10-60 s timers (pool timeouts) that would keep the process alive after
      // the work is done; unref'd they still fire while the process lives for other reasons.
      if (name.startsWith('__wbg_setTimeout_')) {
        imports[name] = (callback: () => void, ms: number) => setTimeout(callback, ms >>> 0).unref();
      }
    }
    const instance = new wasmRuntime.Instance(new wasmRuntime.Module(await readFile(wasmFile)), {
      './schema_engine_bg.js': imports,
    });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start(): void }).__wbindgen_start();
    return glue;
  })();
  return engineModule;
}

/**
 * One PGlite serves as both the engine's target and its shadow database: `diff` from migrations
 * to a datamodel never reads the target, and a second instance would double the ~800 MB cost.
 */
function sharedPgliteFactory(db: PGlite): SqlMigrationAwareDriverAdapterFactory {
  const inner = new PrismaPGlite(db);
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: () => inner.connect(),
    connectToShadowDb: () => inner.connect(),
  };
}

async function diffOne(glue: EngineModule, database: () => PGlite, subgraphDir: string): Promise<string | null> {
  const prismaDir = path.join(subgraphDir, 'prisma');
  const schemaPath = path.join(prismaDir, 'schema.prisma');
  const migrationsDir = path.join(prismaDir, 'migrations');
  const schema = await readFile(schemaPath, 'utf8');
  const migrations = await readMigrations(migrationsDir);
  const lockfile = await readFile(path.join(migrationsDir, 'migration_lock.toml'), 'utf8').catch(
    // Before the first migration there is no lockfile, but the engine needs the provider.
    () => DEFAULT_LOCKFILE,
  );

  const db = database();
  // The previous subgraph's replayed migrations must not leak into this comparison.
  await db.exec('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;');

  const engine = await glue.SchemaEngine.new(
    { datamodels: [[schemaPath, schema]] },
    () => undefined,
    bindMigrationAwareSqlAdapterFactory(sharedPgliteFactory(db)),
  );
  try {
    lastPanic = undefined;
    const result = await engine.diff({
      from: {
        tag: 'migrations',
        baseDir: migrationsDir,
        lockfile: { path: 'migration_lock.toml', content: lockfile },
        shadowDbInitScript: '',
        migrationDirectories: migrations.map((migration) => ({
          path: migration.name,
          migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: migration.sql } },
        })),
      },
      to: { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: schema }] },
      script: true,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    });
    const sql = (result.stdout ?? '').trim();
    return sql === '' || sql === EMPTY_MIGRATION ? null : `${sql}\n`;
  } catch (error) {
    const detail = lastPanic ? ` (engine panic: ${lastPanic})` : '';
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`schema engine diff failed for ${subgraphDir}${detail}: ${reason}`, { cause: error });
  } finally {
    engine.free();
  }
}

export type DiffOutcome = { ok: true; sql: string | null } | { ok: false; error: string };

/**
 * Runs the engine in this process, sharing one PGlite across the given subgraphs. Leaves the
 * engine module loaded, so it is meant for short-lived CLIs; it cannot run under jest, whose
 * CommonJS sandbox refuses the dynamic import of the engine's ES module.
 */
export async function migrationDiffsInProcess(subgraphDirs: string[]): Promise<DiffOutcome[]> {
  const glue = await loadEngine();
  // Opened on first use: a subgraph whose files cannot be read should not cost a PGlite start.
  let db: PGlite | undefined;
  const database = () => (db ??= new PGlite());
  try {
    const outcomes: DiffOutcome[] = [];
    for (const dir of subgraphDirs) {
      try {
        outcomes.push({ ok: true, sql: await diffOne(glue, database, path.resolve(dir)) });
      } catch (error) {
        outcomes.push({ ok: false, error: error instanceof Error ? error.message : String(error) });
      }
    }
    return outcomes;
  } finally {
    await db?.close();
  }
}

function runChild(subgraphDirs: string[]): Promise<DiffOutcome[]> {
  return new Promise((resolve, reject) => {
    const tsx = pathToFileURL(require.resolve('tsx')).href;
    const child = spawn(process.execPath, ['--import', tsx, __filename, CHILD_FLAG, ...subgraphDirs], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((candidate) => candidate.startsWith(RESULT_PREFIX));
      if (code !== 0 || line === undefined) {
        reject(new Error(`migration diff process ended with ${signal ?? `exit code ${code}`}: ${stderr.trim()}`));
        return;
      }
      resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as DiffOutcome[]);
    });
  });
}

let batch: { dir: string; resolve(sql: string | null): void; reject(error: Error): void }[] = [];

/**
 * The SQL the subgraph's migrations still lack to reach its schema.prisma, or null when they
 * agree. The engine runs in a child process, so the caller (a jest worker included) is left
 * with neither the engine's timers nor PGlite's memory; calls made in the same tick share one
 * child and one PGlite.
 */
export function migrationDiff(subgraphDir: string): Promise<string | null> {
  return new Promise((resolve, reject) => {
    if (batch.length === 0) {
      setImmediate(() => {
        const pending = batch;
        batch = [];
        runChild(pending.map((entry) => path.resolve(entry.dir))).then(
          (outcomes) =>
            pending.forEach((entry, index) => {
              const outcome = outcomes[index];
              if (outcome === undefined) entry.reject(new Error(`no diff result for ${entry.dir}`));
              else if (outcome.ok) entry.resolve(outcome.sql);
              else entry.reject(new Error(outcome.error));
            }),
          (error: unknown) => pending.forEach((entry) => entry.reject(error instanceof Error ? error : new Error(String(error)))),
        );
      });
    }
    batch.push({ dir: subgraphDir, resolve, reject });
  });
}

if (require.main === module && process.argv[2] === CHILD_FLAG) {
  migrationDiffsInProcess(process.argv.slice(3)).then(
    (outcomes) => {
      process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(outcomes)}\n`, () => process.exit(0));
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`, () => process.exit(1));
    },
  );
}
