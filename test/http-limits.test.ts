/**
 * Slow clients are disconnected by every service, with small timeouts configured here (the
 * defaults are 10 s for headers, 30 s for a whole request, 5 s for an idle kept-alive connection),
 * and the gateway buffers no more of a subgraph's answer than SERVICE_MAX_RESPONSE_BYTES.
 */
import { graphql, graphqlData } from '@reservations/test-support/graphql';
import { idleKeepAliveClient, slowClient } from '@reservations/test-support/slow-client';
import { startTestGateway, startTestSupergraph, type TestSupergraph } from '@reservations/test-support/supergraph';

let supergraph: TestSupergraph;
const TENANT = 'http-limits';

beforeAll(async () => {
  supergraph = await startTestSupergraph('http_limits', {
    env: { HTTP_HEADERS_TIMEOUT_MS: '300', HTTP_REQUEST_TIMEOUT_MS: '600', HTTP_KEEP_ALIVE_TIMEOUT_MS: '300' },
  });
});

afterAll(async () => {
  await supergraph?.stop();
});

const services = (): [string, string][] => [
  ['gateway', supergraph.gatewayUrl],
  ['customer', supergraph.customer.url],
  ['reservation', supergraph.reservation.url],
];

describe.each(['gateway', 'customer', 'reservation'])('the %s', (service) => {
  const url = (): string => Object.fromEntries(services())[service]!;

  test('answers 408 and disconnects a client that never finishes its headers', async () => {
    expect(await slowClient(url(), 'headers')).toMatch(/^HTTP\/1\.1 408 /);
  });

  test('disconnects a client that never finishes its body', async () => {
    expect(await slowClient(url(), 'body')).toMatch(/^(HTTP\/1\.1 408 |$)/);
  });

  test('closes an idle kept-alive connection after its answer', async () => {
    expect(await idleKeepAliveClient(url())).toMatch(/^HTTP\/1\.1 200 /);
  });

  test('still serves honest requests', async () => {
    expect((await fetch(new URL('/health', url()))).status).toBe(200);
  });
});

test('a subgraph answer over SERVICE_MAX_RESPONSE_BYTES is RESPONSE_TOO_LARGE, not a crash; smaller answers still flow', async () => {
  for (let i = 0; i < 5; i++) {
    await graphqlData(supergraph.gatewayUrl, 'mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }', {
      tenant: TENANT,
      variables: { input: { name: `Guest ${i}`, email: `guest${i}@limits.example`, notes: 'n'.repeat(1_000) } },
    });
  }
  const capped = await startTestGateway(
    { customer: supergraph.customer.url, reservation: supergraph.reservation.url },
    { SERVICE_MAX_RESPONSE_BYTES: '2048' },
  );
  try {
    const large = await graphql(capped.url, '{ customers(first: 100) { nodes { id notes } } }', { tenant: TENANT });
    expect(large.status).toBe(200);
    expect(large.body.errors?.[0]?.extensions).toMatchObject({ code: 'RESPONSE_TOO_LARGE', subgraph: 'customer', max: 2048 });
    const small = await graphqlData<{ customers: { totalCount: number } }>(capped.url, '{ customers { totalCount } }', { tenant: TENANT });
    expect(small.customers.totalCount).toBe(5);
  } finally {
    await capped.stop();
  }
});
