import net from 'node:net';
import { FaultProxy } from '@reservations/test-support/fault-proxy';
import { graphql } from '@reservations/test-support/graphql';
import { gatewaySignatureCheck, NonceRegistry } from '@reservations/platform/security/request-signing';
import type { StartedSubgraph } from '@reservations/platform/subgraph/start-subgraph';
import { silentLogger, startTestReservationSubgraph, startTestSubgraphs, type TestSubgraphs } from '@reservations/test-support/supergraph';
import { CustomerDirectory } from '../src/customer-directory';
import type { ReservationPrisma } from '../src/database';
import { book, createCustomer, tryBook } from './support';
import { bindReservationTenant } from '../src/database';

/**
 * createReservation asks the real customer subgraph (through `_entities` over HTTP) whether
 * the customer exists: reachable, answering "unknown", refusing connections, hanging, failing.
 */
let subgraphs: TestSubgraphs;
let proxy: FaultProxy;
/** A second reservation subgraph on the same database, reaching the customer subgraph through `proxy`. */
let viaProxy: StartedSubgraph<ReservationPrisma>;
/** And a third whose customer subgraph URL is a closed port. */
let toClosedPort: StartedSubgraph<ReservationPrisma>;

const LOOKUP_TIMEOUT_MS = 300;

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const rows = (tenant: string): Promise<number> => bindReservationTenant(subgraphs.reservation.client, tenant).reservation.count();

beforeAll(async () => {
  subgraphs = await startTestSubgraphs('customer_lookup');
  proxy = await FaultProxy.start(subgraphs.customer.url);
  viaProxy = await startTestReservationSubgraph(subgraphs.databases.reservation, proxy.url, {
    CUSTOMER_LOOKUP_TIMEOUT_MS: String(LOOKUP_TIMEOUT_MS),
  });
  toClosedPort = await startTestReservationSubgraph(subgraphs.databases.reservation, `http://127.0.0.1:${await closedPort()}/graphql`);
  // The lookups below must answer within 300 ms, and the first booking of a process (code not
  // yet compiled, connections not yet open) can take longer on a loaded machine: one booking
  // through the directly connected subgraph, with its default timeout, warms the same code.
  const warmUp = 'lookup-warm-up';
  await book(subgraphs.reservation.url, warmUp, {
    customerId: await createCustomer(subgraphs.customer.url, warmUp),
    startsAt: '2030-01-01T18:00:00Z',
  });
});

beforeEach(() => proxy.reset());

afterAll(async () => {
  await toClosedPort?.stop();
  await viaProxy?.stop();
  await proxy?.stop();
  await subgraphs?.stop();
});

test('a known customer is confirmed through _entities with the tenant and request id forwarded', async () => {
  const customerId = await createCustomer(subgraphs.customer.url, 'lookup-up');
  const { body, headers } = await graphql<{ createReservation: { reservation: { id: string } } }>(
    viaProxy.url,
    'mutation ($input: CreateReservationInput!) { createReservation(input: $input) { reservation { id } } }',
    {
      tenant: 'lookup-up',
      variables: { input: { customerId, startsAt: '2030-01-01T19:00:00Z', partySize: 2 } },
      headers: { 'x-request-id': 'lookup-req-1' },
    },
  );
  expect(body.errors).toBeUndefined();
  expect(headers.get('x-request-id')).toBe('lookup-req-1');
  const [lookup, ...others] = proxy.graphqlRequests();
  expect(others).toHaveLength(0);
  expect(lookup?.headers).toMatchObject({ 'x-tenant-id': 'lookup-up', 'x-request-id': 'lookup-req-1' });
  const sent = JSON.parse(lookup!.body) as { query: string; variables: unknown };
  expect(sent.query).toContain('_entities');
  expect(sent.variables).toEqual({ representations: [{ __typename: 'Customer', id: customerId }] });
});

test('an unknown customer is BAD_USER_INPUT on input.customerId and nothing is written', async () => {
  const body = await tryBook(viaProxy.url, 'lookup-unknown', {
    customerId: '0190a5f0-0000-7000-8000-00000000dead',
    startsAt: '2030-01-01T19:00:00Z',
  });
  expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.customerId' });
  expect(await rows('lookup-unknown')).toBe(0);
});

test('a closed port is SERVICE_UNAVAILABLE at once, and nothing is written', async () => {
  const started = Date.now();
  const body = await tryBook(toClosedPort.url, 'lookup-down', {
    customerId: '0190a5f0-0000-7000-8000-000000000001',
    startsAt: '2030-01-01T19:00:00Z',
  });
  expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', subgraph: 'customer' });
  expect(body.errors?.[0]?.message).toMatch(/connection failed.*retry later/);
  expect(Date.now() - started).toBeLessThan(1_000);
  expect(await rows('lookup-down')).toBe(0);
});

test('a hanging customer subgraph is cut off at CUSTOMER_LOOKUP_TIMEOUT_MS: SERVICE_UNAVAILABLE, nothing written', async () => {
  const customerId = await createCustomer(subgraphs.customer.url, 'lookup-hang');
  proxy.mode = 'hang';
  const started = Date.now();
  const body = await tryBook(viaProxy.url, 'lookup-hang', { customerId, startsAt: '2030-01-01T19:00:00Z' });
  const elapsed = Date.now() - started;
  expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', subgraph: 'customer' });
  expect(body.errors?.[0]?.message).toMatch(new RegExp(`no answer within ${LOOKUP_TIMEOUT_MS} ms`));
  expect(elapsed).toBeGreaterThanOrEqual(LOOKUP_TIMEOUT_MS - 20);
  expect(elapsed).toBeLessThan(2_000);
  expect(await rows('lookup-hang')).toBe(0);
});

test.each([500, 502, 503])('an HTTP %i from the customer subgraph is SERVICE_UNAVAILABLE, nothing written', async (status) => {
  const customerId = await createCustomer(subgraphs.customer.url, 'lookup-5xx');
  proxy.failNext(1, status);
  const body = await tryBook(viaProxy.url, 'lookup-5xx', { customerId, startsAt: '2030-01-01T19:00:00Z' });
  expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', subgraph: 'customer' });
  expect(body.errors?.[0]?.message).toContain(`HTTP ${status}`);
  expect(await rows('lookup-5xx')).toBe(0);
});

test('a repeated request with its idempotency key is answered while the customer subgraph is down', async () => {
  const customerId = await createCustomer(subgraphs.customer.url, 'lookup-replay');
  const input = { customerId, startsAt: '2030-01-01T19:00:00Z', idempotencyKey: 'replay-1' };
  const first = await book(viaProxy.url, 'lookup-replay', input);
  const again = await book(toClosedPort.url, 'lookup-replay', input);
  expect(again.id).toBe(first.id);
  // A new booking, though, cannot be checked and is refused.
  const other = await tryBook(toClosedPort.url, 'lookup-replay', { ...input, idempotencyKey: 'replay-2' });
  expect(other.errors?.[0]?.extensions?.['code']).toBe('SERVICE_UNAVAILABLE');
  expect(await rows('lookup-replay')).toBe(1);
});

test('with GATEWAY_SIGNING_SECRET the lookup is signed the way subgraphs verify gateway requests', async () => {
  const secret = 's'.repeat(40);
  const customerId = await createCustomer(subgraphs.customer.url, 'lookup-signed');
  const directory = new CustomerDirectory(
    { customerSubgraphUrl: proxy.url, customerLookupTimeoutMs: 2_000, gatewaySigningSecret: secret },
    silentLogger,
  );
  expect(await directory.exists('lookup-signed', customerId)).toBe(true);
  const [lookup] = proxy.graphqlRequests();
  const request = { method: 'POST', path: lookup!.path, headers: lookup!.headers, body: lookup!.body };
  const check = (options: { secret: string; audience: string }) =>
    gatewaySignatureCheck({ ...options, windowMs: 30_000, nonces: new NonceRegistry(30_000) })(request);
  expect(await check({ secret, audience: 'customer' })).toEqual({ ok: true });
  expect(await check({ secret: 'x'.repeat(40), audience: 'customer' })).toMatchObject({ ok: false });
  // Signed for the customer subgraph only: the reservation subgraph would refuse it.
  expect(await check({ secret, audience: 'reservation' })).toMatchObject({ ok: false, reason: 'bad signature' });
});
