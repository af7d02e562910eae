/**
 * The real thing on one machine: two gateways and two replicas of each subgraph, each its own
 * process started from the compiled build with plain node (ROLLING_RESTART_BUILD=source runs
 * the TypeScript through tsx instead), on one PostgreSQL (a database per subgraph) and one
 * Redis (a key prefix of this test's own), behind round-robin load balancers as an
 * orchestrator would put them. Under steady mixed load every instance is restarted in turn
 * (SIGTERM, drain, start again); no client request may fail, and the shared state must hold.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes, createHash } from 'node:crypto';
import path from 'node:path';
import { SignJWT } from 'jose';
import pg from 'pg';
import { SIGNATURE_HEADER } from '@reservations/platform/security/request-signing';
import { buildOnce } from '@reservations/test-support/build';
import { LoadBalancer, type ForwardedRequest } from '@reservations/test-support/load-balancer';
import { freePort } from '@reservations/test-support/net';
import { createTestDatabase, type TestDatabase } from '@reservations/test-support/postgres';
import { deleteKeysWithPrefix, TEST_REDIS_URL } from '@reservations/test-support/redis';
import { startServiceProcess, type ServiceProcess } from '@reservations/test-support/service-process';
import { waitFor } from '@reservations/test-support/wait';
import { findService, serviceEntry, type Build, type ServiceName } from '../scripts/lib/services';

const ROOT = path.resolve(__dirname, '..');
const BUILD: Build = process.env.ROLLING_RESTART_BUILD === 'source' ? 'source' : 'compiled';
const SIGNING_SECRET = 'rolling-signing-secret-0123456789abcdefgh';
const JWT_SECRET = 'rolling-jwt-secret-0123456789abcdefghijkl';
const TENANT = 'rolling';
/** Long enough for the balancers (polling /ready every 100 ms) to notice, even on a busy machine. */
const DRAIN_MS = 3_000;
const REDIS_PREFIX = `test-rolling-${randomBytes(4).toString('hex')}:`;

/** Load bounds: the loop stops by itself after this many requests per client, or this long. */
const MAX_REQUESTS_PER_CLIENT = 4_000;
const MAX_LOAD_MS = 150_000;
/** Bookings: party of 1 into one of SLOTS non-overlapping slots of CAPACITY seats each. */
const SLOTS = 80;
const CAPACITY = 8;

interface Instance {
  label: string;
  service: ServiceName;
  port: number;
  env: Record<string, string>;
  process?: ServiceProcess;
}

const origin = (instance: Instance): string => `http://127.0.0.1:${instance.port}`;

let databases: TestDatabase[] = [];
let balancers: { gateway: LoadBalancer; customer: LoadBalancer; reservation: LoadBalancer } | undefined;
const instances: Instance[] = [];
let token = '';

function runScript(script: string, args: string[], env: Record<string, string>): void {
  const entry = BUILD === 'compiled' ? [`scripts/dist/${script}.js`] : ['--import', 'tsx', `scripts/${script}.ts`];
  const result = spawnSync(process.execPath, [...entry, ...args], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) throw new Error(`${script} ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
}

async function start(instance: Instance): Promise<void> {
  const entry = path.relative(ROOT, serviceEntry(findService(instance.service)!, BUILD));
  instance.process = await startServiceProcess(instance.label, entry, instance.env, { timeoutMs: 60_000 });
}

beforeAll(async () => {
  if (BUILD === 'compiled') await buildOnce();
  const [customerDb, reservationDb] = await Promise.all([createTestDatabase('rolling_customer'), createTestDatabase('rolling_reservation')]);
  databases = [customerDb!, reservationDb!];
  // Both roles of each database: migrations run as the owner and grant the services' role.
  const databaseEnv = { ...customerDb!.env('CUSTOMER'), ...reservationDb!.env('RESERVATION') };
  // What the deployment's migration job does before any instance starts.
  runScript('db', ['deploy'], databaseEnv);

  const ports = await Promise.all(Array.from({ length: 6 }, () => freePort()));
  const [customerA, customerB, reservationA, reservationB, gatewayA, gatewayB] = ports as [number, number, number, number, number, number];
  const lb = {
    customer: await LoadBalancer.start([customerA, customerB].map((port) => `http://127.0.0.1:${port}`)),
    reservation: await LoadBalancer.start([reservationA, reservationB].map((port) => `http://127.0.0.1:${port}`)),
    gateway: await LoadBalancer.start([gatewayA, gatewayB].map((port) => `http://127.0.0.1:${port}`)),
  };
  balancers = lb;
  const common = {
    NODE_OPTIONS: '',
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    GATEWAY_SIGNING_SECRET: SIGNING_SECRET,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: REDIS_PREFIX,
    SHUTDOWN_DRAIN_MS: String(DRAIN_MS),
    METRICS_TOKEN: 'rolling-metrics-token-0123456789',
    // A busy shared machine answers slower than production Redis; 50 ms would count it as down.
    REDIS_COMMAND_TIMEOUT_MS: '500',
  };
  const customerEnv = (port: number) => ({ ...common, CUSTOMER_PORT: String(port), CUSTOMER_DATABASE_URL: customerDb!.runtimeUrl });
  const reservationEnv = (port: number) => ({
    ...common,
    RESERVATION_PORT: String(port),
    RESERVATION_DATABASE_URL: reservationDb!.runtimeUrl,
    CUSTOMER_SUBGRAPH_URL: lb.customer.url(),
  });
  const gatewayEnv = (port: number) => ({
    ...common,
    GATEWAY_PORT: String(port),
    CUSTOMER_SUBGRAPH_URL: lb.customer.url(),
    RESERVATION_SUBGRAPH_URL: lb.reservation.url(),
    JWT_SECRET,
  });
  instances.push(
    { label: 'customer-a', service: 'customer', port: customerA, env: customerEnv(customerA) },
    { label: 'customer-b', service: 'customer', port: customerB, env: customerEnv(customerB) },
    { label: 'reservation-a', service: 'reservation', port: reservationA, env: reservationEnv(reservationA) },
    { label: 'reservation-b', service: 'reservation', port: reservationB, env: reservationEnv(reservationB) },
    { label: 'gateway-a', service: 'gateway', port: gatewayA, env: gatewayEnv(gatewayA) },
    { label: 'gateway-b', service: 'gateway', port: gatewayB, env: gatewayEnv(gatewayB) },
  );
  // Subgraphs first, in parallel; each gateway reports ready only once it reached both.
  await Promise.all(instances.filter((i) => i.service !== 'gateway').map(start));
  await Promise.all(instances.filter((i) => i.service === 'gateway').map(start));
  for (const instance of instances) {
    const balancer = lb[instance.service];
    await waitFor(async () => balancer.inRotation(origin(instance)), 10_000);
  }
  token = await new SignJWT({ tenant: TENANT })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(JWT_SECRET));
}, 300_000);

afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.process?.stop()));
  await Promise.all(Object.values(balancers ?? {}).map((balancer: LoadBalancer) => balancer.stop()));
  await Promise.all(databases.map((database) => database.drop()));
  await deleteKeysWithPrefix(REDIS_PREFIX);
});

interface Outcome {
  ok: boolean;
  status: number;
  data: Record<string, unknown> | null;
  codes: string[];
  error?: string;
}

async function post(url: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Outcome> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
    const codes = (json.errors ?? []).map((error) => error.extensions?.code ?? 'UNKNOWN');
    const ok = response.status === 200 && codes.length === 0;
    return { ok, status: response.status, data: json.data ?? null, codes, ...(ok ? {} : { error: JSON.stringify(json.errors) }) };
  } catch (error) {
    return { ok: false, status: 0, data: null, codes: [], error: String(error) };
  }
}

async function call<T>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const outcome = await post(url, { query, variables });
  if (!outcome.ok) throw new Error(`${query} failed: ${JSON.stringify(outcome)}`);
  return outcome.data as T;
}

/** One client request: a read, or a booking with all the retries its client made. */
interface Sample {
  at: number;
  ms: number;
  kind: string;
  failed: string | null;
  /** Attempts answered with an error that the client retried (bookings only). */
  retried: string[];
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

test('every instance restarted in turn under load: no failed request, no lost or doubled booking, shared state holds', async () => {
  const lb = balancers!;
  const gatewayUrl = lb.gateway.url();
  const [gatewayA, gatewayB] = instances.filter((i) => i.service === 'gateway').map((i) => `${origin(i)}/graphql`) as [string, string];

  // Data the load works on: customers, a product catalogue, and the tenant's booking rules.
  const customerIds: string[] = [];
  for (let i = 0; i < 3; i++) {
    const data = await call<{ createCustomer: { customer: { id: string } } }>(
      gatewayUrl,
      `mutation { createCustomer(input: { name: "Guest ${i}", email: "guest${i}@rolling.example" }) { customer { id } } }`,
    );
    customerIds.push(data.createCustomer.customer.id);
  }
  const product = await call<{ createProduct: { product: { id: string } } }>(
    gatewayUrl,
    'mutation { createProduct(input: { name: "Soup", priceCents: 500 }) { product { id } } }',
  );
  const productId = product.createProduct.product.id;
  await call(
    gatewayUrl,
    `mutation { updateReservationSettings(input: { capacity: ${CAPACITY}, defaultDurationMinutes: 120 }) { reservationSettings { capacity } } }`,
  );
  const firstSlot = Date.UTC(new Date().getUTCFullYear() + 1, 0, 1, 0, 0);
  const slotStart = (slot: number) => new Date(firstSlot + slot * 3 * 3_600_000).toISOString();

  // The load: bounded in count and time, stopped by the end of the rolling restart.
  const samples: Sample[] = [];
  const acknowledged = new Map<string, string>();
  let stopLoad = false;
  const loadDeadline = Date.now() + MAX_LOAD_MS;
  const running = () => !stopLoad && Date.now() < loadDeadline;
  async function timed(kind: string, send: () => Promise<Outcome>): Promise<void> {
    const at = Date.now();
    const outcome = await send();
    samples.push({ at, ms: Date.now() - at, kind, failed: outcome.ok ? null : JSON.stringify(outcome), retried: [] });
  }
  const reader = async () => {
    for (let n = 0; n < MAX_REQUESTS_PER_CLIENT && running(); n++) {
      await timed('read', () => post(gatewayUrl, { query: '{ customers(first: 5) { totalCount nodes { id name reservations { id } } } }' }));
    }
  };
  const catalogueReader = async () => {
    for (let n = 0; n < MAX_REQUESTS_PER_CLIENT && running(); n++) {
      await timed('cached read', () => post(gatewayUrl, { query: '{ products(first: 5) { nodes { id name priceCents } } }' }));
    }
  };
  const booker = async (client: number) => {
    for (let n = 0; n < MAX_REQUESTS_PER_CLIENT && running(); n++) {
      const key = `booking-${client}-${n}`;
      const variables = {
        input: { customerId: customerIds[n % customerIds.length], startsAt: slotStart((client * 7 + n) % SLOTS), partySize: 1, idempotencyKey: key },
      };
      const query = 'mutation ($input: CreateReservationInput!) { createReservation(input: $input) { reservation { id } } }';
      // A full slot is the business's answer, not a failure. On anything else the client
      // retries with the same key, as the API tells it to (SERVICE_UNAVAILABLE: retry).
      const answered = (o: Outcome) => o.ok || (o.status === 200 && o.codes.length === 1 && o.codes[0] === 'CAPACITY_EXCEEDED');
      const at = Date.now();
      const retried: string[] = [];
      let outcome = await post(gatewayUrl, { query, variables });
      while (!answered(outcome) && retried.length < 4) {
        retried.push(`${outcome.codes[0] ?? outcome.status}: ${outcome.error?.slice(0, 160)}`);
        outcome = await post(gatewayUrl, { query, variables });
      }
      if (outcome.ok)
        acknowledged.set(key, (outcome.data as { createReservation: { reservation: { id: string } } }).createReservation.reservation.id);
      samples.push({ at, ms: Date.now() - at, kind: 'booking', failed: answered(outcome) ? null : JSON.stringify(outcome), retried });
    }
  };
  const loadStarted = Date.now();
  const load = Promise.all([reader(), catalogueReader(), booker(1), booker(2)]);

  // The rolling restart: one instance at a time, each back in rotation before the next goes.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const restartStarted = Date.now();
  const restarts: Record<string, number> = {};
  for (const instance of instances) {
    const began = Date.now();
    const exitCode = await instance.process!.stop();
    expect({ instance: instance.label, exitCode }).toEqual({ instance: instance.label, exitCode: 0 });
    await start(instance);
    await waitFor(async () => lb[instance.service].inRotation(origin(instance)), 10_000);
    restarts[instance.label] = Date.now() - began;
  }
  const restartEnded = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 500));
  stopLoad = true;
  await load;
  const loadEnded = Date.now();

  // Figures for docs/operations.md ("Replicas and rolling deploys").
  const during = samples.filter((s) => s.at >= restartStarted && s.at <= restartEnded);
  const latencies = during.map((s) => s.ms).sort((a, b) => a - b);
  const figures = {
    build: BUILD,
    loadSeconds: (loadEnded - loadStarted) / 1000,
    restartSeconds: (restartEnded - restartStarted) / 1000,
    requests: samples.length,
    requestsDuringRestart: during.length,
    failed: samples.filter((s) => s.failed).length,
    bookingAttemptsRetried: samples.flatMap((s) => s.retried),
    bookingsAcknowledged: acknowledged.size,
    restartMs: restarts,
    latencyDuringRestartMs: {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? 0,
    },
  };
  process.stdout.write(`rolling restart figures: ${JSON.stringify(figures)}\n`);

  // Zero failed client requests, through the whole restart.
  expect(samples.filter((s) => s.failed).map((s) => `${s.kind}: ${s.failed}`)).toEqual([]);
  expect([...lb.gateway.failures, ...lb.customer.failures, ...lb.reservation.failures]).toEqual([]);
  expect(during.length).toBeGreaterThan(50);
  expect(acknowledged.size).toBeGreaterThan(10);

  // Bookings equal the acknowledged successes: none lost, none doubled, no slot overbooked.
  const client = new pg.Client({ connectionString: databases[1]!.url });
  await client.connect();
  try {
    const rows = (
      await client.query<{ id: string; idempotency_key: string; starts_at: Date; party_size: number }>(
        'SELECT id, idempotency_key, starts_at, party_size FROM reservations WHERE tenant_id = $1',
        [TENANT],
      )
    ).rows;
    expect(new Map(rows.map((row) => [row.idempotency_key, row.id]))).toEqual(acknowledged);
    expect(rows).toHaveLength(acknowledged.size);
    const perSlot = new Map<number, number>();
    for (const row of rows) perSlot.set(row.starts_at.getTime(), (perSlot.get(row.starts_at.getTime()) ?? 0) + row.party_size);
    expect(Math.max(...perSlot.values())).toBeLessThanOrEqual(CAPACITY);
  } finally {
    await client.end();
  }

  // A product write through one gateway is never served stale through the other.
  for (let i = 1; i <= 4; i++) {
    const [writer, reader] = i % 2 === 0 ? [gatewayA, gatewayB] : [gatewayB, gatewayA];
    await call(reader, `{ product(id: "${productId}") { priceCents } }`); // cached there now
    await call(writer, `mutation { updateProduct(input: { id: "${productId}", priceCents: ${1000 + i} }) { product { priceCents } } }`);
    const seen = await call<{ product: { priceCents: number } }>(reader, `{ product(id: "${productId}") { priceCents } }`);
    expect(seen.product.priceCents).toBe(1000 + i);
  }

  // An automatic persisted query registered on one gateway is served by the other.
  const apqQuery = '{ products(first: 1) { totalCount } }';
  const extensions = { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(apqQuery).digest('hex') } };
  expect((await post(gatewayA, { query: apqQuery, extensions })).ok).toBe(true);
  expect(await post(gatewayB, { extensions })).toMatchObject({ ok: true, data: { products: { totalCount: 1 } } });

  // A captured signed request is refused by the other replica and by the other subgraph.
  const captured = (balancer: LoadBalancer, kind: RegExp): ForwardedRequest => {
    const found = [...balancer.forwarded].reverse().find((request) => kind.test(request.body) && request.headers[SIGNATURE_HEADER]);
    if (!found) throw new Error(`no captured request matching ${kind}`);
    return found;
  };
  const replay = async (request: ForwardedRequest, to: string) => {
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name)),
    ) as Record<string, string>;
    const response = await fetch(`${to}${request.path}`, { method: 'POST', headers, body: request.body });
    const json = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
    return { status: response.status, code: json.errors?.[0]?.extensions?.code };
  };
  const [customerA, customerB, reservationA, reservationB] = instances.slice(0, 4).map(origin) as [string, string, string, string];
  const productWrite = captured(lb.customer, /updateProduct/);
  const otherCustomer = productWrite.backend === customerA ? customerB : customerA;
  expect(await replay(productWrite, otherCustomer)).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
  expect(await replay(productWrite, reservationA)).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
  const booking = captured(lb.reservation, /createReservation/);
  const otherReservation = booking.backend === reservationA ? reservationB : reservationA;
  expect(await replay(booking, otherReservation)).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
  expect(await replay(booking, customerB)).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
  // Refused for the right reasons, not merely for age: a replay where the nonce was seen, a
  // wrong audience elsewhere.
  const refusals = (at: string) =>
    instances
      .find((instance) => origin(instance) === at)!
      .process!.logs.filter((line) => line.msg === 'refused a request that is not from the gateway')
      .map((line) => line.reason);
  const expected: [string, string][] = [
    [otherCustomer, 'replayed request'],
    [otherReservation, 'replayed request'],
    [reservationA, 'bad signature'],
    [customerB, 'bad signature'],
  ];
  // Log lines arrive through the processes' stdout, a little after the answers.
  await waitFor(async () => expected.every(([at, reason]) => refusals(at).includes(reason))).catch(() => undefined);
  for (const [at, reason] of expected) expect({ at, refusals: refusals(at) }).toEqual({ at, refusals: expect.arrayContaining([reason]) });
}, 300_000);
