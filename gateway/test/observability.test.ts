import { createHash } from 'node:crypto';
import type { StartedSubgraph } from '@reservations/platform/subgraph/start-subgraph';
import { daysFromNow } from '@reservations/test-support/dates';
import { readCustomerConfig } from '@reservations/customer-subgraph/config';
import type { CustomerPrisma } from '@reservations/customer-subgraph/database';
import { startCustomerSubgraph } from '@reservations/customer-subgraph/server';
import { readReservationConfig } from '@reservations/reservation-subgraph/config';
import type { ReservationPrisma } from '@reservations/reservation-subgraph/database';
import { startReservationSubgraph } from '@reservations/reservation-subgraph/server';
import { FaultProxy } from '@reservations/test-support/fault-proxy';
import { graphql, graphqlData } from '@reservations/test-support/graphql';
import { capturingLogger, type LogLine } from '@reservations/test-support/logs';
import { createTestDatabase, type TestDatabase } from '@reservations/test-support/postgres';
import { parsePrometheusText, type Exposition } from '@reservations/test-support/prometheus';
import { readGatewayConfig } from '../src/config';
import { startGateway, type StartedGateway } from '../src/server';

/**
 * Logs, traces and metrics of the three services in-process (no Sentry: that is
 * test/sentry.test.ts). Each service logs into its own array so a test can follow one
 * request through all three.
 */

const TENANT = 'observed';
const testEnv = { NODE_ENV: 'test', HOST: '127.0.0.1' };

const logs = { gateway: capturingLogger('gateway'), customer: capturingLogger('customer'), reservation: capturingLogger('reservation') };
let databases: TestDatabase[] = [];
let customer: StartedSubgraph<CustomerPrisma>;
let reservation: StartedSubgraph<ReservationPrisma>;
let customerProxy: FaultProxy;
let gateway: StartedGateway;
let customerId: string;

beforeAll(async () => {
  databases = await Promise.all([createTestDatabase('obs_customer'), createTestDatabase('obs_reservation')]);
  const [customerDb, reservationDb] = databases as [TestDatabase, TestDatabase];
  customer = await startCustomerSubgraph(
    readCustomerConfig({ ...testEnv, CUSTOMER_PORT: '0', ...customerDb.env('CUSTOMER'), MIGRATE_ON_START: 'true', SEED_DEMO_DATA: 'false' }),
    logs.customer.logger,
  );
  reservation = await startReservationSubgraph(
    readReservationConfig({
      ...testEnv,
      RESERVATION_PORT: '0',
      ...reservationDb.env('RESERVATION'),
      CUSTOMER_SUBGRAPH_URL: customer.url,
      MIGRATE_ON_START: 'true',
      SEED_DEMO_DATA: 'false',
    }),
    logs.reservation.logger,
  );
  customerProxy = await FaultProxy.start(customer.url);
  gateway = await startGateway(
    readGatewayConfig({
      ...testEnv,
      GATEWAY_PORT: '0',
      CUSTOMER_SUBGRAPH_URL: customerProxy.url,
      RESERVATION_SUBGRAPH_URL: reservation.url,
      SERVICE_RETRY_DELAY_MS: '20',
      SERVICE_BREAKER_THRESHOLD: '50',
    }),
    logs.gateway.logger,
  );
  const created = await graphqlData<{ createCustomer: { customer: { id: string } } }>(
    gateway.url,
    'mutation AddCustomer($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }',
    { tenant: TENANT, variables: { input: { name: 'Katherine Johnson', email: 'katherine@example.com', phone: '+17575550100' } } },
  );
  customerId = created.createCustomer.customer.id;
});

afterAll(async () => {
  await gateway?.stop();
  await customerProxy?.stop();
  await reservation?.stop();
  await customer?.stop();
  for (const database of databases) await database.drop();
});

beforeEach(() => customerProxy.reset());

const CUSTOMERS_WITH_RESERVATIONS = 'query CustomersWithReservations { customers { nodes { name reservations { id } } } }';

function requestLines(service: keyof typeof logs, requestId: string): LogLine[] {
  return logs[service].lines.filter((line) => line.msg === 'graphql request' && line.requestId === requestId);
}

describe('one trace across the supergraph', () => {
  test('without a client traceparent the gateway starts a trace, sends it, and both subgraphs log it', async () => {
    await graphqlData(gateway.url, CUSTOMERS_WITH_RESERVATIONS, { tenant: TENANT, headers: { 'x-request-id': 'trace-new' } });
    const [gatewayLine] = requestLines('gateway', 'trace-new');
    const traceId = gatewayLine?.traceId;
    expect(traceId).toMatch(/^(?!0+$)[0-9a-f]{32}$/);
    expect(gatewayLine).toMatchObject({ operation: 'CustomersWithReservations', tenant: TENANT, outcome: 'success' });
    for (const subgraph of ['customer', 'reservation'] as const) {
      const lines = requestLines(subgraph, 'trace-new');
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(line).toMatchObject({ traceId, tenant: TENANT, operation: 'CustomersWithReservations' });
    }
    const [sent] = customerProxy.graphqlRequests();
    expect(sent?.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-0[01]$`));
  });

  test("a client's traceparent is continued: its trace id is in every service's logs", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await graphqlData(gateway.url, CUSTOMERS_WITH_RESERVATIONS, {
      tenant: TENANT,
      headers: { 'x-request-id': 'trace-client', traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    for (const service of ['gateway', 'customer', 'reservation'] as const) {
      const lines = requestLines(service, 'trace-client');
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(line.traceId).toBe(traceId);
    }
  });

  test("the reservation subgraph's own call to the customer subgraph stays on the request's trace", async () => {
    await graphqlData(gateway.url, 'mutation Book($input: CreateReservationInput!) { createReservation(input: $input) { reservation { id } } }', {
      tenant: TENANT,
      headers: { 'x-request-id': 'trace-booking' },
      variables: { input: { customerId, startsAt: daysFromNow(30), partySize: 4 } },
    });
    const [gatewayLine] = requestLines('gateway', 'trace-booking');
    const lookup = requestLines('customer', 'trace-booking');
    expect(lookup.map((line) => line.operation)).toEqual(['CustomerExists']);
    expect(lookup[0]?.traceId).toBe(gatewayLine?.traceId);
    expect(requestLines('reservation', 'trace-booking')[0]?.traceId).toBe(gatewayLine?.traceId);
  });

  test('logs carry no personal data', () => {
    const everything = JSON.stringify([...logs.gateway.lines, ...logs.customer.lines, ...logs.reservation.lines]);
    expect(everything).not.toContain('katherine@example.com');
    expect(everything).not.toContain('+17575550100');
  });
});

async function scrape(url: string): Promise<Exposition> {
  const response = await fetch(new URL('/metrics', url));
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await response.text());
}

describe('GET /metrics', () => {
  test('parses as Prometheus text, with process metrics and this instance labelled by service', async () => {
    const metrics = await scrape(gateway.url);
    expect(metrics.types.get('graphql_requests_total')).toBe('counter');
    expect(metrics.types.get('graphql_request_duration_seconds')).toBe('histogram');
    expect(metrics.types.get('process_cpu_user_seconds_total')).toBe('counter');
    expect(metrics.value('gateway_circuit_breaker_state', { subgraph: 'customer', state: 'closed' })).toBe(1);
    expect(metrics.value('gateway_circuit_breaker_state', { subgraph: 'customer', state: 'open' })).toBe(0);
  });

  test('counts a request by operation and outcome, with its latency', async () => {
    const before = await scrape(gateway.url);
    const labels = { service: 'gateway', operation: 'CountedCustomers', type: 'query', outcome: 'success' };
    await graphqlData(gateway.url, 'query CountedCustomers { customers { totalCount } }', { tenant: TENANT });
    const { body } = await graphql(gateway.url, 'query CountedCustomer { customer(id: "not-a-uuid") { id } }', { tenant: TENANT });
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const after = await scrape(gateway.url);
    expect(before.value('graphql_requests_total', labels) ?? 0).toBe(0);
    expect(after.value('graphql_requests_total', labels)).toBe(1);
    expect(after.value('graphql_request_duration_seconds_count', labels)).toBe(1);
    expect(after.value('graphql_request_duration_seconds_bucket', { ...labels, le: '+Inf' })).toBe(1);
    expect(after.value('graphql_requests_total', { operation: 'CountedCustomer', outcome: 'client_error' })).toBe(1);

    // The subgraph counts the same operation under the client's name, and times its SQL.
    const subgraph = await scrape(customer.url);
    expect(subgraph.value('graphql_requests_total', { service: 'customer', operation: 'CountedCustomers', outcome: 'success' })).toBe(1);
    expect(subgraph.value('db_query_duration_seconds_count', { service: 'customer', statement: 'select', outcome: 'ok' })).toBeGreaterThan(0);
  });

  test('counts a retried subgraph request, its attempts and its latency', async () => {
    const before = await scrape(gateway.url);
    customerProxy.failNext(1, 503);
    await graphqlData(gateway.url, 'query RetriedCustomers { customers { totalCount } }', { tenant: TENANT });
    const after = await scrape(gateway.url);
    const delta = (name: string, labels: Record<string, string>): number => (after.value(name, labels) ?? 0) - (before.value(name, labels) ?? 0);
    expect(delta('gateway_subgraph_retries_total', { subgraph: 'customer' })).toBe(1);
    expect(delta('gateway_subgraph_attempts_total', { subgraph: 'customer', result: 'http_5xx' })).toBe(1);
    expect(delta('gateway_subgraph_attempts_total', { subgraph: 'customer', result: 'answered' })).toBe(1);
    expect(delta('gateway_subgraph_request_duration_seconds_count', { subgraph: 'customer', outcome: 'answered' })).toBe(1);
  });

  test('counts a persisted-query (APQ) cache miss and hit', async () => {
    const query = 'query PersistedCustomers { customers { totalCount } }';
    const extensions = { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') } };
    const send = (body: Record<string, unknown>): Promise<Response> =>
      fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-tenant-id': TENANT }, body: JSON.stringify(body) });
    const before = await scrape(gateway.url);
    await send({ extensions }); // unknown hash: a miss
    await send({ query, extensions }); // registers it (no lookup)
    const hit = (await (await send({ extensions })).json()) as { data?: unknown };
    expect(hit.data).toEqual({ customers: { totalCount: 1 } });
    const after = await scrape(gateway.url);
    const delta = (result: string): number =>
      (after.value('gateway_cache_lookups_total', { cache: 'apq', result }) ?? 0) -
      (before.value('gateway_cache_lookups_total', { cache: 'apq', result }) ?? 0);
    expect(delta('hit')).toBe(1);
    expect(delta('miss')).toBe(1);
  });
});
