import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT as ROOT } from '@reservations/platform/config';
import { isListeningMessage, isReadyMessage } from '@reservations/platform/http/run-service';

export interface ServiceProcess {
  name: string;
  url: string;
  /** The process id, e.g. to read its CPU time. */
  pid: number;
  /** JSON log lines written so far (stdout). */
  logs: Record<string, unknown>[];
  /** SIGTERM, as a deployment stops it; resolves with the exit code once it has exited. */
  stop(): Promise<number | null>;
}

/**
 * A service run as in production, in its own process so whatever it initialises per process
 * (Sentry) stays out of the test runner: a `.ts` entry through tsx, a compiled `.js` entry
 * (dist/, see `npm run build`) with plain node. Resolves when the service reports ready over
 * IPC (see platform http/run-service).
 */
export async function startServiceProcess(
  name: string,
  entry: string,
  env: Record<string, string>,
  {
    timeoutMs = 30_000,
    nodeArgs = [],
    until = 'ready',
  }: {
    timeoutMs?: number;
    nodeArgs?: string[];
    /** `listening`: resolve as soon as it answers /health (a gateway with no subgraph never gets ready). */
    until?: 'ready' | 'listening';
  } = {},
): Promise<ServiceProcess> {
  // Nothing observability-related leaks in from the environment running the tests.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('SENTRY_')));
  const loader = entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, ...loader, path.resolve(ROOT, entry)], {
    cwd: ROOT,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const logs: Record<string, unknown>[] = [];
  let partial = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // Not a log line.
      }
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} not ready within ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    child.on('message', (message: unknown) => {
      if (isReadyMessage(message) || (until === 'listening' && isListeningMessage(message))) {
        clearTimeout(timer);
        resolve(message.url);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before it was ready:\n${stderr}\n${JSON.stringify(logs)}`));
    });
  });

  return {
    name,
    url,
    pid: child.pid!,
    logs,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
