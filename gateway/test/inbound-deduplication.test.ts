/**
 * Identical client queries in flight at the same moment run once: one request per subgraph
 * for the whole burst, every caller answered, `/metrics` counting the shared answers. Never
 * across tenants or callers, never for mutations, and not at all with the setting off.
 */
import { SignJWT } from 'jose';
import { FaultProxy } from '@reservations/test-support/fault-proxy';
import { graphql, graphqlData } from '@reservations/test-support/graphql';
import { parsePrometheusText } from '@reservations/test-support/prometheus';
import { startTestGateway, startTestSupergraph, type TestSupergraph } from '@reservations/test-support/supergraph';
import type { StartedGateway } from '../src/server';

const JWT_SECRET = 'dedup-jwt-secret-0123456789abcdef-0123';
const CUSTOMERS = 'query Customers { customers(first: 5) { nodes { id name } } }';
/** Each subgraph request waits this long, so a burst sent together is in flight together. */
const SUBGRAPH_DELAY_MS = 400;
const BURST = 6;

let supergraph: TestSupergraph;
let customerProxy: FaultProxy;
const gateways: StartedGateway[] = [];

async function gateway(env: Record<string, string> = {}): Promise<StartedGateway> {
  // Subgraph-level deduplication off: every request the gateway runs reaches the proxy.
  const started = await startTestGateway(
    { customer: customerProxy.url, reservation: supergraph.reservation.url },
    { DEDUPLICATE_SUBGRAPH_QUERIES: 'false', RESPONSE_CACHE_ENABLED: 'false', JWT_SECRET, ...env },
  );
  gateways.push(started);
  return started;
}

const token = (tenant: string, subject: string) =>
  new SignJWT({ tenant })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(subject)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(JWT_SECRET));

/** Sends `requests` at once; returns how many reached the customer subgraph and every answer. */
async function burst(
  requests: (() => Promise<{ status: number; body: unknown }>)[],
): Promise<{ subgraphCalls: number; answers: { status: number; body: unknown }[] }> {
  await customerProxy.settled();
  const before = customerProxy.graphqlRequests().length;
  customerProxy.delayMs = SUBGRAPH_DELAY_MS;
  try {
    const answers = await Promise.all(requests.map((request) => request()));
    await customerProxy.settled();
    return { subgraphCalls: customerProxy.graphqlRequests().length - before, answers };
  } finally {
    customerProxy.delayMs = 0;
  }
}

async function shared(url: string): Promise<number> {
  const metrics = parsePrometheusText(await (await fetch(new URL('/metrics', url))).text());
  return metrics.samples.filter((sample) => sample.name === 'gateway_inbound_deduplicated_total').reduce((sum, sample) => sum + sample.value, 0);
}

beforeAll(async () => {
  supergraph = await startTestSupergraph('inbound_dedup');
  customerProxy = await FaultProxy.start(supergraph.customer.url);
  for (const [tenant, name] of [
    ['dedup-a', 'Ada'],
    ['dedup-b', 'Bea'],
  ]) {
    await graphqlData(
      supergraph.gatewayUrl,
      'mutation ($name: String!) { createCustomer(input: { name: $name, email: "x@example.com" }) { customer { id } } }',
      { tenant, variables: { name } },
    );
  }
});

afterAll(async () => {
  for (const started of gateways) await started.stop();
  await customerProxy?.stop();
  await supergraph?.stop();
});

const ask =
  (url: string, tenant: string, headers: Record<string, string> = {}) =>
  () =>
    graphql(url, CUSTOMERS, { tenant, headers });

test('identical concurrent queries share one run: one subgraph request, every caller answered, counted', async () => {
  const { url } = await gateway();
  // The first run teaches the gateway that this document is a query.
  await ask(url, 'dedup-a')();
  const { subgraphCalls, answers } = await burst(Array.from({ length: BURST }, () => ask(url, 'dedup-a')));
  expect(subgraphCalls).toBe(1);
  for (const answer of answers) {
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ data: { customers: { nodes: [{ name: 'Ada' }] } } });
  }
  expect(await shared(url)).toBe(BURST - 1);
});

test('never across tenants: each tenant gets its own run and its own data', async () => {
  const { url } = await gateway();
  await ask(url, 'dedup-a')();
  const { subgraphCalls, answers } = await burst([ask(url, 'dedup-a'), ask(url, 'dedup-b'), ask(url, 'dedup-a'), ask(url, 'dedup-b')]);
  expect(subgraphCalls).toBe(2);
  expect(answers.map((answer) => (answer.body as { data: { customers: { nodes: { name: string }[] } } }).data.customers.nodes[0]!.name)).toEqual([
    'Ada',
    'Bea',
    'Ada',
    'Bea',
  ]);
  expect(await shared(url)).toBe(2);
});

test('never across callers: two subjects of one tenant each get their own run', async () => {
  const { url } = await gateway();
  const [ann, bob] = await Promise.all([token('dedup-a', 'ann'), token('dedup-a', 'bob')]);
  const as = (bearer: string) => ask(url, 'dedup-a', { authorization: `Bearer ${bearer}` });
  await as(ann)();
  const { subgraphCalls } = await burst([as(ann), as(bob), as(ann), as(bob)]);
  expect(subgraphCalls).toBe(2);
  expect(await shared(url)).toBe(2);
});

test('never mutations: identical concurrent mutations each run', async () => {
  const { url } = await gateway();
  const mutation = 'mutation { createProduct(input: { name: "Twin", priceCents: 100 }) { product { id } } }';
  const create = () => graphql(url, mutation, { tenant: 'dedup-m' });
  await create();
  const { subgraphCalls, answers } = await burst(Array.from({ length: 3 }, () => create));
  expect(subgraphCalls).toBe(3);
  const ids = answers.map((answer) => (answer.body as { data: { createProduct: { product: { id: string } } } }).data.createProduct.product.id);
  expect(new Set(ids).size).toBe(3);
  expect(await shared(url)).toBe(0);
});

test('DEDUPLICATE_CLIENT_QUERIES=false: every request runs', async () => {
  const { url } = await gateway({ DEDUPLICATE_CLIENT_QUERIES: 'false' });
  await ask(url, 'dedup-a')();
  const { subgraphCalls } = await burst(Array.from({ length: 3 }, () => ask(url, 'dedup-a')));
  expect(subgraphCalls).toBe(3);
  expect(await shared(url)).toBe(0);
});
