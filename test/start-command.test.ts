import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { onFreePorts } from '@reservations/test-support/net';
import { graphqlData } from '@reservations/test-support/graphql';

const ROOT = path.resolve(__dirname, '..');

function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; output:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ${pattern}; output:\n${output}`));
    });
  });
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

async function portIsClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

let dataDir: string;
let child: ChildProcess | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'supergraph-start-'));
});

/** The runner and its three services share the child's process group: never leave them behind. */
function killGroup(started: ChildProcess): void {
  if (started.pid === undefined) return;
  try {
    process.kill(-started.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

afterAll(async () => {
  if (child) killGroup(child);
  await rm(dataDir, { recursive: true, force: true });
});

test('npm start serves the seeded demo tenant through the gateway on embedded databases and stops cleanly on SIGTERM', async () => {
  // `npm start` must be told its three ports; one taken meanwhile by another test means another try.
  const { started, ports, banner } = await onFreePorts(3, async ([gateway, customer, reservation]) => {
    const ports = { gateway: gateway!, customer: customer!, reservation: reservation! };
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      GATEWAY_PORT: String(ports.gateway),
      CUSTOMER_PORT: String(ports.customer),
      RESERVATION_PORT: String(ports.reservation),
      CUSTOMER_SUBGRAPH_URL: `http://127.0.0.1:${ports.customer}/graphql`,
      RESERVATION_SUBGRAPH_URL: `http://127.0.0.1:${ports.reservation}/graphql`,
    };
    delete env.CUSTOMER_DATABASE_URL;
    delete env.RESERVATION_DATABASE_URL;
    const started = spawn('npm', ['start'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    child = started;
    try {
      return { started, ports, banner: await waitForOutput(started, /Supergraph ready: (\S+)/, 90_000) };
    } catch (error) {
      const exited = exitOf(started);
      killGroup(started);
      await exited;
      throw error;
    }
  });
  expect(banner).toContain(`:${ports.gateway}/graphql`);
  // The banner comes only once the gateway has reached both subgraphs: it is ready at once.
  const ready = await fetch(`http://127.0.0.1:${ports.gateway}/ready`);
  expect(ready.status).toBe(200);
  expect(((await ready.json()) as { status: string }).status).toBe('ready');

  const data = await graphqlData<{ customers: { nodes: { name: string; reservations: { partySize: number; customer: { name: string } }[] }[] } }>(
    `http://127.0.0.1:${ports.gateway}/graphql`,
    '{ customers { nodes { name reservations { partySize customer { name } } } } }',
    { tenant: 'demo' },
  );
  expect(data.customers.nodes.length).toBeGreaterThanOrEqual(3);
  for (const customer of data.customers.nodes) {
    expect(customer.reservations.length).toBeGreaterThan(0);
    for (const reservation of customer.reservations) expect(reservation.customer.name).toBe(customer.name);
  }

  started.kill('SIGTERM');
  const { code } = await exitOf(started);
  expect(code).toBe(0);
  for (const port of Object.values(ports)) expect(await portIsClosed(port)).toBe(true);
}, 150_000);
