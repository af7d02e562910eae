import { spawn } from 'node:child_process';
import { mkdir, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '@reservations/platform/config';

/** Held (a directory: creating one is atomic) while a test process builds. */
const LOCK = path.join(REPO_ROOT, '.build-lock');

/** Waits for the lock; one left behind by a killed run is taken over after `staleMs`. */
async function acquire(staleMs: number): Promise<void> {
  const deadline = Date.now() + staleMs;
  for (;;) {
    try {
      await mkdir(LOCK);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (Date.now() > deadline) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

function build(timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`npm run build failed:\n${output}`));
    });
  });
}

/**
 * `npm run build`, one at a time across jest's workers: test files that start the compiled
 * services run in parallel, and two incremental builds writing the same dist/ at once could
 * leave it half written. After CI's build step this only confirms dist/ is up to date.
 */
export async function buildOnce(timeoutMs = 180_000): Promise<void> {
  await acquire(timeoutMs);
  try {
    await build(timeoutMs);
  } finally {
    await rmdir(LOCK).catch(() => undefined);
  }
}
