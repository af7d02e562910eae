import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { SignJWT } from 'jose';
import { REPO_ROOT } from '@reservations/platform/config';
import { SIGNATURE_HEADER, signatureFor } from '@reservations/platform/security/request-signing';
import { TENANT_HEADER } from '@reservations/platform/tenancy';
import { freePort } from '@reservations/test-support/net';
import { createTestDatabase, type TestDatabase } from '@reservations/test-support/postgres';
import { startServiceProcess, type ServiceProcess } from '@reservations/test-support/service-process';
import { SERVICES, type ServiceName } from '../../scripts/lib/services';
import { percentile, runLoad, type LoadTarget } from './load';

/** One compiled service's start-up and memory, medians over the samples. */
export interface StartupRow {
  service: ServiceName;
  samples: number;
  /** Spawn to the service's ready report (the moment it logs its ready line). */
  readyMs: number;
  /** Spawn to the first 200 from GET /ready; null where the service has no /ready. */
  firstReadyResponseMs: number | null;
  /** Resident set size right after ready, and after `loadSeconds` of requests. */
  rssStartMiB: number;
  rssLoadedMiB: number;
  loadRequests: number;
}

/** VmRSS of a process in MiB, from /proc (NaN where /proc is unavailable). */
function residentMiB(pid: number): number {
  try {
    const kib = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib === undefined ? Number.NaN : Number(kib) / 1024;
  } catch {
    return Number.NaN;
  }
}

const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

/** Polls /ready from the moment of spawn, so the first 200 is timed like the ready report. */
async function firstReadyResponse(port: number, started: number, until: Promise<unknown>): Promise<number | null> {
  let done = false;
  void until.catch(() => undefined).finally(() => (done = true));
  // Past the ready report, give /ready a few seconds (the gateway's waits on its subgraphs).
  for (let deadline = Number.POSITIVE_INFINITY; performance.now() < deadline;) {
    if (done && deadline === Number.POSITIVE_INFINITY) deadline = performance.now() + 10_000;
    try {
      const response = await fetch(`http://127.0.0.1:${port}/ready`);
      if (response.status === 200) return performance.now() - started;
      if (response.status === 404) return null;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return null;
}

/**
 * Start-up time and resident memory of each compiled service (`npm run build`, plain node,
 * production mode) on fresh PostgreSQL databases that the compiled migration command
 * prepares: customer, reservation, then the gateway in front of them, `samples` times.
 */
export async function measureStartup(
  { samples, loadSeconds }: { samples: number; loadSeconds: number },
  log: (line: string) => void,
): Promise<StartupRow[]> {
  execFileSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'ignore' });
  const databases: TestDatabase[] = await Promise.all([createTestDatabase('bench_start_customer'), createTestDatabase('bench_start_reservation')]);
  const signingSecret = randomBytes(32).toString('hex');
  const jwtSecret = randomBytes(32).toString('hex');
  const production = { NODE_ENV: 'production', LOG_LEVEL: 'warn', HOST: '127.0.0.1', GATEWAY_SIGNING_SECRET: signingSecret, NODE_OPTIONS: '' };
  // Runtime and owner URLs: the migration command migrates as the owner and grants the app role.
  const databaseEnv = { ...databases[0]!.env('CUSTOMER'), ...databases[1]!.env('RESERVATION') };
  const measured = new Map<
    ServiceName,
    { ready: number[]; firstReady: (number | null)[]; rssStart: number[]; rssLoaded: number[]; requests: number[] }
  >(SERVICES.map((service) => [service.name, { ready: [], firstReady: [], rssStart: [], rssLoaded: [], requests: [] }]));
  try {
    for (const command of ['deploy', 'seed']) {
      execFileSync(process.execPath, ['scripts/dist/db.js', command], {
        cwd: REPO_ROOT,
        env: { ...process.env, ...production, ...databaseEnv },
        stdio: 'ignore',
      });
    }
    const token = await new SignJWT({ tenant: 'demo' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(jwtSecret));
    const query = (text: string) => () => JSON.stringify({ query: text });

    for (let sample = 0; sample < samples; sample++) {
      const running: ServiceProcess[] = [];
      const urls: Partial<Record<ServiceName, string>> = {};
      try {
        for (const service of SERVICES) {
          const port = await freePort();
          const env: Record<string, string> = {
            ...production,
            [service.portVariable]: String(port),
            ...(service.name === 'customer' ? { CUSTOMER_DATABASE_URL: databaseEnv.CUSTOMER_DATABASE_URL } : {}),
            ...(service.name === 'reservation'
              ? { RESERVATION_DATABASE_URL: databaseEnv.RESERVATION_DATABASE_URL, CUSTOMER_SUBGRAPH_URL: urls.customer! }
              : {}),
            ...(service.name === 'gateway'
              ? { CUSTOMER_SUBGRAPH_URL: urls.customer!, RESERVATION_SUBGRAPH_URL: urls.reservation!, JWT_SECRET: jwtSecret, REDIS_ENABLED: 'false' }
              : {}),
          };
          const started = performance.now();
          const starting = startServiceProcess(service.name, `${service.dir}/dist/index.js`, env, { timeoutMs: 60_000 });
          const firstReady = firstReadyResponse(port, started, starting);
          const child = await starting;
          const readyMs = performance.now() - started;
          running.push(child);
          urls[service.name] = child.url;
          const numbers = measured.get(service.name)!;
          numbers.ready.push(readyMs);
          numbers.firstReady.push(await firstReady);
          numbers.rssStart.push(residentMiB(child.pid));
        }
        // A short load through each service, the way its callers reach it.
        const targets: Record<ServiceName, LoadTarget> = {
          customer: signedTarget(
            'customer',
            urls.customer!,
            query('{ customers(first: 20) { nodes { id name email } } }'),
            signingSecret,
            running[0]!.pid,
          ),
          reservation: signedTarget(
            'reservation',
            urls.reservation!,
            query('{ reservations(first: 20) { nodes { id startsAt partySize } } }'),
            signingSecret,
            running[1]!.pid,
          ),
          gateway: {
            url: urls.gateway!,
            headers: { authorization: `Bearer ${token}` },
            body: query('{ customers(first: 10) { nodes { name reservations { startsAt partySize } } } }'),
            pids: [running[2]!.pid],
          },
        };
        for (const [index, service] of SERVICES.entries()) {
          // One checked request first: a load of errors would measure nothing, and the first
          // (cold) answer may take longer than a quick run lasts.
          await expectAnswer(targets[service.name]);
          const run = await runLoad(targets[service.name], { connections: 8, seconds: loadSeconds });
          const numbers = measured.get(service.name)!;
          numbers.rssLoaded.push(residentMiB(running[index]!.pid));
          numbers.requests.push(run.latencies.length);
        }
      } finally {
        for (const child of running.reverse()) await child.stop();
      }
      log(`  start-up sample ${sample + 1}/${samples} done`);
    }
  } finally {
    await Promise.all(databases.map((database) => database.drop()));
  }
  return SERVICES.map((service) => {
    const numbers = measured.get(service.name)!;
    const firstReady = numbers.firstReady.filter((value): value is number => value !== null);
    return {
      service: service.name,
      samples,
      readyMs: median(numbers.ready),
      firstReadyResponseMs: firstReady.length === numbers.firstReady.length ? median(firstReady) : null,
      rssStartMiB: median(numbers.rssStart),
      rssLoadedMiB: median(numbers.rssLoaded),
      loadRequests: median(numbers.requests),
    };
  });
}

async function expectAnswer(target: LoadTarget): Promise<void> {
  const body = target.body();
  const response = await fetch(target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...target.headers, ...target.sign?.(body) },
    body,
  });
  const text = await response.text();
  if (response.status !== 200 || text.includes('"errors"')) throw new Error(`${target.url} answered ${response.status}: ${text.slice(0, 400)}`);
}

/** A subgraph called directly must carry the gateway's signature for it, as in production. */
function signedTarget(subgraph: string, url: string, body: () => string, secret: string, pid: number): LoadTarget {
  const headers = { [TENANT_HEADER]: 'demo' };
  return { url, headers, body, sign: (text) => ({ [SIGNATURE_HEADER]: signatureFor(secret, subgraph, url, 'POST', headers, text) }), pids: [pid] };
}

export function renderStartupTable(rows: StartupRow[]): string {
  const cell = (value: number | null, digits: number) => (value === null || !Number.isFinite(value) ? '-' : value.toFixed(digits));
  const header =
    '| Service (compiled, plain node) | Ready line ms | First 200 on /ready ms | RSS after start MiB | RSS after load MiB | Load requests |';
  const rule = '|---|---:|---:|---:|---:|---:|';
  const lines = rows.map(
    (row) =>
      `| ${row.service} | ${cell(row.readyMs, 0)} | ${cell(row.firstReadyResponseMs, 0)} | ${cell(row.rssStartMiB, 1)} | ${cell(row.rssLoadedMiB, 1)} | ${cell(row.loadRequests, 0)} |`,
  );
  return [header, rule, ...lines].join('\n');
}
