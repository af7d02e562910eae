/**
 * `npm start`: runs the customer subgraph (:4004), the reservation subgraph (:4003) and the
 * gateway (:4000) as three child processes, as they run in production, and stops them all
 * on Ctrl-C or SIGTERM. Children also exit on their own if this runner dies (IPC disconnect).
 * Run from its source it starts the services' sources through tsx; compiled
 * (`npm run start:prod`, scripts/dist/start.js) it starts their compiled dist/ with plain node.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { REPO_ROOT as ROOT } from '@reservations/platform/config';
import { isReadyMessage } from '@reservations/platform/http/run-service';
import { SERVICES, serviceNodeArgs, type Build } from './lib/services';

const build: Build = __filename.endsWith('.js') ? 'compiled' : 'source';

const children = new Map<string, ChildProcess>();
const urls = new Map<string, string>();
let stopping = false;
let exitCode = 0;

function stopAll(reason: string, code: number): void {
  if (stopping) return;
  stopping = true;
  exitCode = code;
  process.stderr.write(`\nStopping services (${reason})...\n`);
  for (const child of children.values()) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }
}

function announce(): void {
  const gateway = urls.get('gateway');
  if (!gateway) return;
  process.stdout.write(
    [
      '',
      `  Supergraph ready: ${gateway}`,
      `  Open it in a browser for Apollo Sandbox; send header x-tenant-id: demo`,
      `  customer subgraph ${urls.get('customer')}, reservation subgraph ${urls.get('reservation')}`,
      '',
      '',
    ].join('\n'),
  );
}

for (const service of SERVICES) {
  const child = spawn(process.execPath, serviceNodeArgs(service, build), {
    cwd: ROOT,
    env: process.env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.set(service.name, child);
  child.on('message', (message: unknown) => {
    if (isReadyMessage(message)) {
      urls.set(service.name, message.url);
      if (urls.size === SERVICES.length) announce();
    }
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      // Exit 0 means the child was asked to stop (e.g. Ctrl-C reached it first).
      if (code !== 0) process.stderr.write(`${service.name} exited unexpectedly (${signal ?? `code ${code}`})\n`);
      stopAll(`${service.name} exited`, code === 0 ? 0 : 1);
    } else if (code !== 0) {
      exitCode = 1;
    }
    if ([...children.values()].every((c) => c.exitCode !== null || c.signalCode !== null)) process.exit(exitCode);
  });
}

process.on('SIGINT', () => stopAll('SIGINT', 0));
process.on('SIGTERM', () => stopAll('SIGTERM', 0));

// If whatever started this runner is killed outright, the runner is re-parented: treat
// that as a stop request rather than leave three servers running unattended.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) stopAll('parent process exited', 0);
}, 1_000).unref();
