import { createLogger } from '@reservations/platform/logger';
import { FaultProxy } from '@reservations/test-support/fault-proxy';
import { graphql, graphqlData, type GraphQLCall } from '@reservations/test-support/graphql';
import { ManualClock } from '@reservations/test-support/manual-clock';
import { parsePrometheusText } from '@reservations/test-support/prometheus';
import { startTestSupergraph, type TestSupergraph } from '@reservations/test-support/supergraph';
import { waitFor } from '@reservations/test-support/wait';
import { readGatewayConfig } from '../src/config';
import { startGateway, type StartedGateway } from '../src/server';

/**
 * The gateway in front of fault-injecting proxies to the real subgraphs. Backoff, timeouts and
 * the breaker's reset period run on a clock the test moves, so no test waits for them; other
 * delays are short enough that no test waits for seconds.
 */
const FAST_POLICY = {
  SERVICE_MAX_RETRIES: '3',
  SERVICE_RETRY_DELAY_MS: '40',
  SERVICE_TIMEOUT: '300',
  SERVICE_DEADLINE_MS: '3000',
  SERVICE_BREAKER_THRESHOLD: '50',
  SERVICE_BREAKER_RESET_MS: '200',
};

let supergraph: TestSupergraph;
let customerProxy: FaultProxy;
let reservationProxy: FaultProxy;
const gateways: StartedGateway[] = [];

async function gatewayWith(env: Record<string, string> = {}, clock?: ManualClock): Promise<string> {
  const gateway = await startGateway(
    readGatewayConfig({
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      GATEWAY_PORT: '0',
      CUSTOMER_SUBGRAPH_URL: customerProxy.url,
      RESERVATION_SUBGRAPH_URL: reservationProxy.url,
      ...FAST_POLICY,
      ...env,
    }),
    createLogger('resilience-test', process.env.TEST_LOG_LEVEL ?? 'silent'),
    clock ? { clock } : {},
  );
  gateways.push(gateway);
  return gateway.url;
}

const CUSTOMERS = '{ customers { nodes { id name } } }';
/**
 * On the test's clock a long attempt timeout costs no time; the subgraph still gets a deadline
 * in real time, which a loaded machine's first answer must not miss.
 */
const PATIENT = { SERVICE_TIMEOUT: '5000' };

/**
 * Waits for a call to a hanging subgraph: each time the proxy has seen another attempt, time
 * moves to the next timer (that attempt's timeout), until the gateway answers.
 */
async function answerOfHangingCall(clock: ManualClock, call: Promise<GraphQLCall<Record<string, unknown>>>) {
  let answered = false;
  void call.finally(() => (answered = true));
  for (let seen = 1; !answered; seen++) {
    await waitFor(async () => answered || customerProxy.graphqlRequests().length >= seen);
    if (!answered) clock.fireNext();
  }
  return call;
}

beforeAll(async () => {
  supergraph = await startTestSupergraph('resilience');
  customerProxy = await FaultProxy.start(supergraph.customer.url);
  reservationProxy = await FaultProxy.start(supergraph.reservation.url);
  await graphqlData(
    supergraph.gatewayUrl,
    'mutation { createCustomer(input: { name: "Resilient Rita", email: "rita@example.com" }) { customer { id } } }',
    {
      tenant: 'faults',
    },
  );
});

beforeEach(() => {
  customerProxy.reset();
  reservationProxy.reset();
});

afterAll(async () => {
  for (const gateway of gateways) await gateway.stop();
  await customerProxy?.stop();
  await reservationProxy?.stop();
  await supergraph?.stop();
});

test('a query succeeds after two transient 503s, with growing backoff between attempts', async () => {
  const clock = new ManualClock();
  const url = await gatewayWith(PATIENT, clock);
  customerProxy.failNext(2, 503);
  const data = await graphqlData<{ customers: { nodes: { name: string }[] } }>(url, CUSTOMERS, { tenant: 'faults' });
  expect(data.customers.nodes.map((customer) => customer.name)).toEqual(['Resilient Rita']);
  expect(customerProxy.graphqlRequests()).toHaveLength(3);
  // SERVICE_RETRY_DELAY_MS 40, doubled per retry, each within ±20 % jitter.
  const [first, second] = clock.sleeps;
  expect(clock.sleeps).toHaveLength(2);
  expect(first).toBeGreaterThanOrEqual(32);
  expect(first).toBeLessThanOrEqual(48);
  expect(second).toBeGreaterThanOrEqual(64);
  expect(second).toBeLessThanOrEqual(96);
});

test('Retry-After from a 429 is honoured', async () => {
  const clock = new ManualClock();
  const url = await gatewayWith(PATIENT, clock);
  customerProxy.failNext(1, 429, { 'retry-after': '1' });
  await graphqlData(url, CUSTOMERS, { tenant: 'faults' });
  expect(customerProxy.graphqlRequests()).toHaveLength(2);
  expect(clock.sleeps).toEqual([1_000]);
});

test('a 4xx or a GraphQL error from the subgraph is not retried', async () => {
  const url = await gatewayWith();
  customerProxy.failNext(1, 400);
  const { body } = await graphql(url, CUSTOMERS, { tenant: 'faults' });
  expect(body.errors?.length).toBeGreaterThan(0);
  expect(customerProxy.graphqlRequests()).toHaveLength(1);

  customerProxy.reset();
  await graphql(url, '{ customers(first: 1000) { totalCount } }', { tenant: 'faults' });
  expect(customerProxy.graphqlRequests()).toHaveLength(1);
});

test('a mutation without an idempotency key hitting a 503 is sent exactly once', async () => {
  const url = await gatewayWith();
  customerProxy.failNext(1, 503);
  const { body } = await graphql(url, 'mutation { createCustomer(input: { name: "Once", email: "once@example.com" }) { customer { id } } }', {
    tenant: 'faults',
  });
  expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', subgraph: 'customer' });
  expect(customerProxy.graphqlRequests()).toHaveLength(1);
});

test('a hanging subgraph is cut off at the timeout, each attempt, and the client gets an error then', async () => {
  const clock = new ManualClock();
  const url = await gatewayWith({ SERVICE_MAX_RETRIES: '1', SERVICE_TIMEOUT: '200' }, clock);
  customerProxy.mode = 'hang';
  const started = clock.now();
  const { body } = await answerOfHangingCall(clock, graphql(url, CUSTOMERS, { tenant: 'faults' }));
  expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', subgraph: 'customer' });
  expect(body.errors?.[0]?.message).toMatch(/timed out after 200 ms/);
  expect(customerProxy.graphqlRequests()).toHaveLength(2);
  // Two attempts of 200 ms and one backoff: the client waited no longer than that.
  expect(clock.now() - started).toBe(400 + clock.sleeps[0]!);
});

test('the overall deadline bounds retries', async () => {
  const clock = new ManualClock();
  const url = await gatewayWith({ SERVICE_MAX_RETRIES: '10', SERVICE_TIMEOUT: '150', SERVICE_DEADLINE_MS: '500' }, clock);
  customerProxy.mode = 'hang';
  const started = clock.now();
  const { body } = await answerOfHangingCall(clock, graphql(url, CUSTOMERS, { tenant: 'faults' }));
  expect(body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
  expect(clock.now() - started).toBeLessThanOrEqual(500);
  // Far fewer than 11 attempts: the last one only gets what is left of the 500 ms.
  expect(customerProxy.graphqlRequests().length).toBeLessThanOrEqual(4);
  expect(clock.timers.slice(0, 2)).toEqual([150, 150]);
  expect(clock.timers.at(-1)).toBeLessThan(150);
});

test('the breaker opens after the threshold, fails fast, half-opens and closes after recovery', async () => {
  const clock = new ManualClock();
  const url = await gatewayWith({ ...PATIENT, SERVICE_MAX_RETRIES: '0', SERVICE_BREAKER_THRESHOLD: '3', SERVICE_BREAKER_RESET_MS: '300' }, clock);
  customerProxy.failNext(3, 503);
  for (let i = 0; i < 3; i++) await graphql(url, CUSTOMERS, { tenant: 'faults' });
  expect(customerProxy.graphqlRequests()).toHaveLength(3);

  const failFast = await graphql(url, CUSTOMERS, { tenant: 'faults' });
  expect(failFast.body.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', subgraph: 'customer' });
  expect(failFast.body.errors?.[0]?.message).toMatch(/circuit open/);
  expect(customerProxy.graphqlRequests()).toHaveLength(3);
  // Still down: the readiness probe does not close it.
  customerProxy.mode = 'down';
  const open = (await (await fetch(new URL('/ready', url))).json()) as { subgraphs: Record<string, { breaker: string }> };
  expect(open.subgraphs['customer']?.breaker).toBe('open');

  customerProxy.mode = 'forward';
  clock.advance(300);
  const recovered = await graphqlData<{ customers: { nodes: unknown[] } }>(url, CUSTOMERS, { tenant: 'faults' });
  expect(recovered.customers.nodes).toHaveLength(1);
  expect(customerProxy.graphqlRequests()).toHaveLength(4);
  const closed = (await (await fetch(new URL('/ready', url))).json()) as { subgraphs: Record<string, { breaker: string }> };
  expect(closed.subgraphs['customer']?.breaker).toBe('closed');
});

test('a health probe that finds the subgraph ready closes the breaker without waiting out the reset period', async () => {
  const url = await gatewayWith({ SERVICE_MAX_RETRIES: '0', SERVICE_BREAKER_THRESHOLD: '2', SERVICE_BREAKER_RESET_MS: '600000' });
  customerProxy.failNext(2, 503);
  for (let i = 0; i < 2; i++) await graphql(url, CUSTOMERS, { tenant: 'faults' });
  const failFast = await graphql(url, CUSTOMERS, { tenant: 'faults' });
  expect(failFast.body.errors?.[0]?.message).toMatch(/circuit open/);

  // The subgraph answers again (a restart is over): its /ready says so, and traffic resumes.
  const ready = (await (await fetch(new URL('/ready', url))).json()) as { status: string; subgraphs: Record<string, { breaker: string }> };
  expect(ready.subgraphs['customer']?.breaker).toBe('closed');
  const recovered = await graphqlData<{ customers: { nodes: unknown[] } }>(url, CUSTOMERS, { tenant: 'faults' });
  expect(recovered.customers.nodes).toHaveLength(1);
});

test('with the reservation subgraph down, customers still come back with errors on reservations', async () => {
  const url = await gatewayWith({ SERVICE_MAX_RETRIES: '1' });
  reservationProxy.mode = 'down';
  const { status, body } = await graphql<{ customers: { nodes: { name: string; reservations: unknown }[] } }>(
    url,
    '{ customers { nodes { name reservations { id } } } }',
    { tenant: 'faults' },
  );
  expect(status).toBe(200);
  expect(body.data?.customers.nodes.map((customer) => customer.name)).toEqual(['Resilient Rita']);
  expect(body.data?.customers.nodes[0]?.reservations).toBeNull();
  // The gateway reports a failed fetch once, for the whole batch, without a per-item path.
  expect(body.errors).toEqual([
    expect.objectContaining({ extensions: expect.objectContaining({ code: 'SERVICE_UNAVAILABLE', subgraph: 'reservation' }) }),
  ]);
});

test('the gateway starts and serves while a subgraph is down at start-up', async () => {
  reservationProxy.mode = 'down';
  const url = await gatewayWith();
  const health = await fetch(new URL('/health', url));
  expect(health.status).toBe(200);
  const data = await graphqlData<{ customers: { nodes: unknown[] } }>(url, CUSTOMERS, { tenant: 'faults' });
  expect(data.customers.nodes).toHaveLength(1);
});

test('only tenant, authorization, request id and trace context reach subgraphs; the request id comes back', async () => {
  const url = await gatewayWith();
  const response = await graphql(url, CUSTOMERS, {
    tenant: 'faults',
    headers: {
      authorization: 'Bearer abc',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      'x-request-id': 'client-chosen-id-1',
      cookie: 'session=secret',
      'x-internal-flag': 'admin',
    },
  });
  expect(response.headers.get('x-request-id')).toBe('client-chosen-id-1');
  const [seen] = customerProxy.graphqlRequests();
  expect(seen?.headers).toMatchObject({
    'x-tenant-id': 'faults',
    authorization: 'Bearer abc',
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    'x-request-id': 'client-chosen-id-1',
  });
  expect(seen?.headers['cookie']).toBeUndefined();
  expect(seen?.headers['x-internal-flag']).toBeUndefined();

  customerProxy.reset();
  const generated = await graphql(url, CUSTOMERS, { tenant: 'faults' });
  const requestId = generated.headers.get('x-request-id');
  expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(customerProxy.graphqlRequests()[0]?.headers['x-request-id']).toBe(requestId);
});

describe('identical queries in flight at once', () => {
  const names = (body: { data?: unknown }) => (body.data as { customers: { nodes: { name: string }[] } }).customers.nodes.map((node) => node.name);
  // A 200 ms slow subgraph under FAST_POLICY's 300 ms attempt would leave the subgraph little of
  // its deadline on a loaded machine; timeouts are not what these tests are about.
  const SLOW_SUBGRAPH = { SERVICE_TIMEOUT: '2000' };
  const deduplicated = async (url: string) =>
    parsePrometheusText(await (await fetch(new URL('/metrics', url))).text()).value('gateway_subgraph_deduplicated_total', {
      subgraph: 'customer',
    }) ?? 0;

  beforeAll(async () => {
    await graphqlData(
      supergraph.gatewayUrl,
      'mutation { createCustomer(input: { name: "Other Olga", email: "olga@example.com" }) { customer { id } } }',
      {
        tenant: 'other-faults',
      },
    );
  });

  test('share one subgraph request, and every client gets the whole answer', async () => {
    const url = await gatewayWith(SLOW_SUBGRAPH);
    customerProxy.delayMs = 200;
    const answers = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => graphql(url, CUSTOMERS, { tenant: 'faults', headers: { 'x-request-id': `dedupe-${n}` } })),
    );
    for (const [i, answer] of answers.entries()) {
      expect(names(answer.body)).toEqual(['Resilient Rita']);
      expect(answer.headers.get('x-request-id')).toBe(`dedupe-${i + 1}`);
    }
    expect(customerProxy.graphqlRequests()).toHaveLength(1);
    expect(await deduplicated(url)).toBe(4);
  });

  test('never share across tenants or credentials', async () => {
    const url = await gatewayWith(SLOW_SUBGRAPH);
    customerProxy.delayMs = 200;
    const [rita1, olga1, rita2, olga2, ritaWithToken] = await Promise.all([
      graphql(url, CUSTOMERS, { tenant: 'faults' }),
      graphql(url, CUSTOMERS, { tenant: 'other-faults' }),
      graphql(url, CUSTOMERS, { tenant: 'faults' }),
      graphql(url, CUSTOMERS, { tenant: 'other-faults' }),
      graphql(url, CUSTOMERS, { tenant: 'faults', headers: { authorization: 'Bearer someone-else' } }),
    ]);
    for (const answer of [rita1!, rita2!, ritaWithToken!]) expect(names(answer.body)).toEqual(['Resilient Rita']);
    for (const answer of [olga1!, olga2!]) expect(names(answer.body)).toEqual(['Other Olga']);
    const seen = customerProxy.graphqlRequests().map((request) => `${request.headers['x-tenant-id']} ${request.headers.authorization ?? '-'}`);
    expect(seen.sort()).toEqual(['faults -', 'faults Bearer someone-else', 'other-faults -']);
  });

  test('mutations are never shared: each one reaches the subgraph', async () => {
    const url = await gatewayWith(SLOW_SUBGRAPH);
    customerProxy.delayMs = 200;
    const create = 'mutation { createCustomer(input: { name: "Twice Tom", email: "tom@example.com" }) { customer { id } } }';
    const answers = await Promise.all([graphql(url, create, { tenant: 'dedupe-writes' }), graphql(url, create, { tenant: 'dedupe-writes' })]);
    expect(customerProxy.graphqlRequests()).toHaveLength(2);
    // The second write is the subgraph's to judge: the e-mail is taken.
    expect(answers.map((answer) => answer.body.errors?.[0]?.extensions?.code ?? 'created').sort()).toEqual(['CONFLICT', 'created']);
  });

  test('DEDUPLICATE_SUBGRAPH_QUERIES=false gives every query its own request', async () => {
    const url = await gatewayWith({ ...SLOW_SUBGRAPH, DEDUPLICATE_SUBGRAPH_QUERIES: 'false' });
    customerProxy.delayMs = 200;
    await Promise.all([1, 2, 3].map(() => graphqlData(url, CUSTOMERS, { tenant: 'faults' })));
    expect(customerProxy.graphqlRequests()).toHaveLength(3);
  });
});

test('/ready reports each subgraph, and a down subgraph degrades it', async () => {
  // Every call probes (by default one round of probes answers /ready for 2 s).
  const url = await gatewayWith({ READY_PROBE_INTERVAL_MS: '0' });
  // Ready once it has reached each subgraph (see lifecycle.test.ts).
  await gateways.at(-1)!.ready;
  const healthy = await fetch(new URL('/ready', url));
  expect(healthy.status).toBe(200);
  expect(await healthy.json()).toMatchObject({
    status: 'ready',
    supergraphLoaded: true,
    subgraphs: { customer: { reachable: true, breaker: 'closed' }, reservation: { reachable: true, breaker: 'closed' } },
  });

  reservationProxy.mode = 'down';
  await graphql(url, '{ customers { nodes { reservations { id } } } }', { tenant: 'faults' });
  const degraded = await fetch(new URL('/ready', url));
  expect(degraded.status).toBe(200);
  expect(await degraded.json()).toMatchObject({
    status: 'degraded',
    subgraphs: { customer: { reachable: true }, reservation: { reachable: false, lastKnownState: 'down' } },
  });
});
