import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '@reservations/platform/config';
import { freePort } from '@reservations/test-support/net';
import { waitFor } from '@reservations/test-support/wait';

/**
 * Hive Gateway lives in a package of its own (bench/hive: its own package.json and lockfile,
 * not a workspace), so the root install never sees it: it needs Node 22 and would greet every
 * `npm install` with engine warnings. The bench installs it on first use.
 */
const HIVE_DIR = path.join(REPO_ROOT, 'bench', 'hive');
const HIVE_BIN = path.join(HIVE_DIR, 'node_modules', '@graphql-hive', 'gateway', 'dist', 'bin.js');

export function ensureHiveInstalled(log: (line: string) => void): void {
  if (existsSync(HIVE_BIN)) return;
  log('installing Hive Gateway into bench/hive (first run only: npm ci --prefix bench/hive)');
  const result = spawnSync('npm', ['ci', '--prefix', HIVE_DIR, '--no-audit', '--no-fund', '--loglevel=error'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (result.status !== 0 || !existsSync(HIVE_BIN)) throw new Error(`npm ci --prefix bench/hive failed (status ${result.status})`);
}

/**
 * `default`: Hive's defaults. `published`: as its authors run it in their federation gateway
 * benchmark, with identical in-flight client requests executed once and graphql-jit.
 */
export type HiveSetup = 'default' | 'published';

export interface RunningHive {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Hive Gateway as its CLI runs it (`hive-gateway supergraph`), under tsx so its config file
 * can use the platform's request signing. Ready when its /readiness answers 200.
 */
export async function startHiveGateway(
  supergraphPath: string,
  { signingSecret, nodeArgs, setup = 'default' }: { signingSecret: string | null; nodeArgs: string[]; setup?: HiveSetup },
): Promise<RunningHive> {
  const port = await freePort();
  const config = path.join(HIVE_DIR, 'gateway.config.ts');
  const child = spawn(
    process.execPath,
    [...nodeArgs, '--import', 'tsx', HIVE_BIN, 'supergraph', '--config-path', config, '--host', '127.0.0.1', '--port', String(port)],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        BENCH_SUPERGRAPH_PATH: supergraphPath,
        BENCH_HIVE_SETUP: setup,
        ...(signingSecret === null ? {} : { GATEWAY_SIGNING_SECRET: signingSecret }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-20_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}/graphql`;
  try {
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error('exited');
      return (await fetch(`http://127.0.0.1:${port}/readiness`)).ok;
    }, 120_000);
  } catch {
    child.kill('SIGKILL');
    throw new Error(`Hive Gateway (${setup}) did not become ready:\n${output}`);
  }
  return {
    url,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
