/**
 * Replicas of a subgraph share one replay guard (nonces in Redis), and a signature is good
 * only for the subgraph it names. In-process: two replicas of the customer subgraph on one
 * database, one reservation subgraph, one Redis key prefix of this test's own.
 */
import { randomBytes } from 'node:crypto';
import type { StartedSubgraph } from '@reservations/platform/subgraph/start-subgraph';
import { SIGNATURE_HEADER, signatureFor } from '@reservations/platform/security/request-signing';
import type { CustomerPrisma } from '@reservations/customer-subgraph/database';
import { capturingLogger } from '@reservations/test-support/logs';
import { freePort } from '@reservations/test-support/net';
import { deleteKeysWithPrefix, TEST_REDIS_URL } from '@reservations/test-support/redis';
import { startTestCustomerSubgraph, startTestSupergraph, type TestSupergraph } from '@reservations/test-support/supergraph';
import { waitFor } from '@reservations/test-support/wait';

const SIGNING_SECRET = 'replicas-signing-secret-0123456789abcdef';
const prefix = `test-replicas-${randomBytes(4).toString('hex')}:`;
const signed = { GATEWAY_SIGNING_SECRET: SIGNING_SECRET, REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix };
const TENANT = 'replicas';

let supergraph: TestSupergraph;
let secondCustomer: StartedSubgraph<CustomerPrisma>;

beforeAll(async () => {
  supergraph = await startTestSupergraph('replicas', { env: signed });
  secondCustomer = await startTestCustomerSubgraph(supergraph.databases.customer, signed);
  // Ready once each replica's shared replay guard has connected.
  for (const url of [supergraph.customer.url, supergraph.reservation.url, secondCustomer.url]) await subgraphReady(url);
});

const subgraphReady = (url: string): Promise<void> => waitFor(async () => (await fetch(new URL('/ready', url))).status === 200);

afterAll(async () => {
  await secondCustomer?.stop();
  await supergraph?.stop();
  await deleteKeysWithPrefix(prefix);
});

interface Answer {
  status: number;
  code: unknown;
  data: unknown;
}

/** One signed request, as the gateway would send it to `audience` at `signedUrl`, delivered to `url`. */
function signedRequest(audience: string, signedUrl: string, query: string) {
  const body = JSON.stringify({ query });
  const headers = { 'content-type': 'application/json', 'x-tenant-id': TENANT };
  const all = { ...headers, [SIGNATURE_HEADER]: signatureFor(SIGNING_SECRET, audience, signedUrl, 'POST', headers, body) };
  return async (url: string): Promise<Answer> => {
    const response = await fetch(url, { method: 'POST', headers: all, body });
    const json = (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: unknown } }[] };
    return { status: response.status, code: json.errors?.[0]?.extensions?.code, data: json.data ?? null };
  };
}

async function customerCount(url: string): Promise<number> {
  const send = signedRequest('customer', url, '{ customers { totalCount } }');
  return ((await send(url)).data as { customers: { totalCount: number } }).customers.totalCount;
}

test('a signed request refused as a replay by one replica is refused by the other too', async () => {
  const createCustomer = `mutation { createCustomer(input: { name: "Once", email: "once-${Date.now()}@example.com" }) { customer { id } } }`;
  const send = signedRequest('customer', supergraph.customer.url, createCustomer);
  const before = await customerCount(supergraph.customer.url);
  expect((await send(supergraph.customer.url)).status).toBe(200);
  expect(await send(supergraph.customer.url)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  // The same captured request, sent to the second replica (same path, same database).
  expect(await send(secondCustomer.url)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  expect(await customerCount(secondCustomer.url)).toBe(before + 1);
});

test('a request signed for one subgraph is refused by the other', async () => {
  // The reservation subgraph's path is /graphql like the customer's: only the audience differs.
  const forCustomer = signedRequest('customer', supergraph.reservation.url, '{ reservations { totalCount } }');
  expect(await forCustomer(supergraph.reservation.url)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', data: null });
  const forReservation = signedRequest('reservation', supergraph.customer.url, '{ customers { totalCount } }');
  expect(await forReservation(supergraph.customer.url)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', data: null });
  // Signed for the right subgraph, the same request is served.
  const right = signedRequest('reservation', supergraph.reservation.url, '{ reservations { totalCount } }');
  expect((await right(supergraph.reservation.url)).status).toBe(200);
});

test('the gateway signs for the subgraph it calls, through both subgraphs', async () => {
  const response = await fetch(supergraph.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tenant-id': TENANT },
    body: JSON.stringify({ query: '{ customers(first: 1) { totalCount nodes { reservations { id } } } reservations { totalCount } }' }),
  });
  const body = (await response.json()) as { errors?: unknown };
  expect(body.errors).toBeUndefined();
});

describe('with Redis configured but unreachable', () => {
  let unreachable: StartedSubgraph<CustomerPrisma>;
  beforeAll(async () => {
    const deadRedis = `redis://127.0.0.1:${await freePort()}`;
    unreachable = await startTestCustomerSubgraph(supergraph.databases.customer, { ...signed, REDIS_URL: deadRedis });
  });
  afterAll(() => unreachable?.stop());

  test('a signed mutation is refused as retryable and writes nothing (fail closed)', async () => {
    const before = await customerCount(supergraph.customer.url);
    const send = signedRequest(
      'customer',
      unreachable.url,
      `mutation { createCustomer(input: { name: "Never", email: "never-${Date.now()}@example.com" }) { customer { id } } }`,
    );
    const answer = await send(unreachable.url);
    expect(answer).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE', data: null });
    expect(await customerCount(supergraph.customer.url)).toBe(before);
  });

  test('a signed query is served, and a replay to the same replica is still refused', async () => {
    const send = signedRequest('customer', unreachable.url, '{ customers { totalCount } }');
    expect((await send(unreachable.url)).status).toBe(200);
    expect(await send(unreachable.url)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });
});

test('in production, a replica without Redis says at start-up that it cannot share its nonces', async () => {
  const { logger, lines } = capturingLogger('customer');
  const alone = await startTestCustomerSubgraph(
    supergraph.databases.customer,
    { NODE_ENV: 'production', GATEWAY_SIGNING_SECRET: SIGNING_SECRET, METRICS_TOKEN: 'replicas-metrics-token-0123' },
    logger,
  );
  try {
    await waitFor(async () => lines.some((line) => /REDIS_URL unset/.test(String(line.msg))));
    const warning = lines.find((line) => /REDIS_URL unset/.test(String(line.msg)));
    expect(warning).toMatchObject({ level: 40 });
    expect(String(warning?.msg)).toMatch(/replayed to another replica/);
  } finally {
    await alone.stop();
  }
});

test("a subgraph replica's shutdown: /ready fails at once while it keeps serving, asking clients to close", async () => {
  const replica = await startTestCustomerSubgraph(supergraph.databases.customer, signed);
  try {
    await subgraphReady(replica.url);
    replica.drain();
    const ready = await fetch(new URL('/ready', replica.url));
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'draining', service: 'customer' });
    expect((await fetch(new URL('/health', replica.url))).status).toBe(200);
    const send = signedRequest('customer', replica.url, '{ customers { totalCount } }');
    const response = await fetch(replica.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tenant-id': TENANT },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    // Unsigned: refused, but answered, and the connection is to be closed after it.
    expect(response.status).toBe(401);
    expect(response.headers.get('connection')).toBe('close');
    expect((await send(replica.url)).status).toBe(200);
  } finally {
    await replica.stop();
  }
});
