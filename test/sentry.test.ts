import http from 'node:http';
import pg from 'pg';
import { graphql, graphqlData } from '@reservations/test-support/graphql';
import { createTestDatabase, type TestDatabase } from '@reservations/test-support/postgres';
import { FakeSentry } from '@reservations/test-support/sentry-ingest';
import { daysFromNow } from '@reservations/test-support/dates';
import { startServiceProcess, type ServiceProcess } from '@reservations/test-support/service-process';
import { waitFor } from '@reservations/test-support/wait';

/**
 * Sentry end to end: the three services as child processes (Sentry is per process), each
 * reporting to a local stand-in for Sentry's ingestion endpoint. Everything is asserted after
 * the services stopped, because stopping flushes what the SDK still holds (spans, profiles).
 */

const TENANT = 'sentry-co';
const SECRET_TOKEN = 'bearer-secret-4e1f9c';
const SECRET_COOKIE = 'session=cookie-secret-77ab';
const SIGNING_SECRET = 'observability-test-signing-secret-0123456789';

let sentry: FakeSentry;
let databases: TestDatabase[] = [];
let services: ServiceProcess[] = [];
let customer: ServiceProcess;
let reservation: ServiceProcess;
let gateway: ServiceProcess;

const common = (dsn: string): Record<string, string> => ({
  NODE_ENV: 'test',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'info',
  GATEWAY_SIGNING_SECRET: SIGNING_SECRET,
  SENTRY_DSN: dsn,
  SENTRY_ENVIRONMENT: 'ci',
  SENTRY_RELEASE: 'reservations@test',
  SENTRY_TRACES_SAMPLE_RATE: '1',
});

/** What a browser would send: credentials that must never reach Sentry. */
const clientHeaders = (requestId: string): Record<string, string> => ({
  'x-request-id': requestId,
  authorization: `Bearer ${SECRET_TOKEN}`,
  cookie: SECRET_COOKIE,
});

let bookingTraceId: string | undefined;

beforeAll(async () => {
  sentry = await FakeSentry.start();
  const [customerDb, reservationDb] = await Promise.all([createTestDatabase('sentry_customer'), createTestDatabase('sentry_reservation')]);
  databases = [customerDb, reservationDb];
  const env = common(sentry.dsn);
  customer = await startServiceProcess('customer', 'subgraphs/customer/src/index.ts', {
    ...env,
    CUSTOMER_PORT: '0',
    ...customerDb.env('CUSTOMER'),
    MIGRATE_ON_START: 'true',
    SEED_DEMO_DATA: 'false',
    // The profiler's native module loads on this machine: one service profiles.
    SENTRY_PROFILE_SESSION_SAMPLE_RATE: '1',
  });
  services.push(customer);
  reservation = await startServiceProcess('reservation', 'subgraphs/reservation/src/index.ts', {
    ...env,
    RESERVATION_PORT: '0',
    ...reservationDb.env('RESERVATION'),
    CUSTOMER_SUBGRAPH_URL: customer.url,
    MIGRATE_ON_START: 'true',
    SEED_DEMO_DATA: 'false',
  });
  services.push(reservation);
  gateway = await startServiceProcess('gateway', 'gateway/src/index.ts', {
    ...env,
    GATEWAY_PORT: '0',
    CUSTOMER_SUBGRAPH_URL: customer.url,
    RESERVATION_SUBGRAPH_URL: reservation.url,
    SERVICE_MAX_RETRIES: '1',
    SERVICE_RETRY_DELAY_MS: '20',
  });
  services.push(gateway);

  // A customer, then a booking that crosses all three services (the reservation subgraph
  // checks the customer with the customer subgraph).
  const {
    createCustomer: { customer: createCustomer },
  } = await graphqlData<{ createCustomer: { customer: { id: string } } }>(
    gateway.url,
    'mutation AddCustomer($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }',
    { tenant: TENANT, variables: { input: { name: 'Ada Lovelace', email: 'ada.lovelace@example.com' } }, headers: clientHeaders('sentry-setup') },
  );
  await graphqlData(gateway.url, 'mutation BookTable($input: CreateReservationInput!) { createReservation(input: $input) { reservation { id } } }', {
    tenant: TENANT,
    variables: { input: { customerId: createCustomer.id, startsAt: daysFromNow(30), partySize: 2, idempotencyKey: 'sentry-booking' } },
    headers: clientHeaders('sentry-booking'),
  });

  // A user error: must not be reported.
  const invalid = await graphql(
    gateway.url,
    'mutation AddCustomer($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }',
    { tenant: TENANT, variables: { input: { name: 'Bad Email', email: 'not-an-email' } }, headers: clientHeaders('sentry-user-error') },
  );
  expect(invalid.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

  // An unexpected error: the customer table is gone, the customer subgraph's resolver fails.
  const admin = new pg.Client({ connectionString: customerDb.url });
  await admin.connect();
  try {
    await admin.query('ALTER TABLE customers RENAME TO customers_away');
    const broken = await graphql(
      gateway.url,
      'mutation AddCustomer($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }',
      { tenant: TENANT, variables: { input: { name: 'Grace Hopper', email: 'grace.hopper@example.com' } }, headers: clientHeaders('sentry-broken') },
    );
    expect(broken.body.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    await sentry.waitFor(() => sentry.events().length >= 1);
  } finally {
    await admin.query('ALTER TABLE IF EXISTS customers_away RENAME TO customers').catch(() => undefined);
    await admin.end();
  }

  // A subgraph goes away: the gateway reports it (once, though asked twice).
  expect(await reservation.stop()).toBe(0);
  services = services.filter((service) => service !== reservation);
  for (const requestId of ['sentry-outage-1', 'sentry-outage-2']) {
    const partial = await graphql(gateway.url, 'query ListWithReservations { customers { nodes { name reservations { id } } } }', {
      tenant: TENANT,
      headers: clientHeaders(requestId),
    });
    expect(partial.body.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', subgraph: 'reservation' });
  }

  // Stopping flushes spans and profiles still buffered.
  for (const service of [...services].reverse()) expect(await service.stop()).toBe(0);
  services = [];

  const gatewayBooking = gateway.logs.find((line) => line.msg === 'graphql request' && line.requestId === 'sentry-booking');
  bookingTraceId = typeof gatewayBooking?.traceId === 'string' ? gatewayBooking.traceId : undefined;
}, 90_000);

afterAll(async () => {
  for (const service of services) await service.stop();
  for (const database of databases) await database.drop();
  await sentry?.stop();
});

function tagsOf(event: Record<string, unknown>): Record<string, unknown> {
  return (event.tags ?? {}) as Record<string, unknown>;
}

/** Captured errors; the other events are messages (a subgraph outage), which have a `message`. */
const exceptionEvents = (): Record<string, unknown>[] => sentry.events().filter((event) => event.message === undefined);

test('an unexpected resolver error in a subgraph is reported exactly once, tagged, with breadcrumbs', () => {
  const events = exceptionEvents();
  // Not by the gateway (it gets the subgraph's masked error), not for the BAD_USER_INPUT.
  expect(events).toHaveLength(1);
  const [event] = events as [Record<string, unknown>];
  expect(tagsOf(event)).toMatchObject({
    service: 'customer',
    subgraph: 'customer',
    tenant: TENANT,
    operationName: 'AddCustomer',
    requestId: 'sentry-broken',
  });
  expect(event).toMatchObject({ environment: 'ci', release: 'reservations@test', level: 'error' });
  const exception = (event.exception as { values: { type: string; value: string }[] }).values[0];
  expect(exception?.value).toMatch(/customers/);
  const breadcrumbs = (event.breadcrumbs ?? []) as { category?: string; message?: string }[];
  expect(breadcrumbs.some((crumb) => crumb.category === 'graphql' && crumb.message === 'mutation AddCustomer')).toBe(true);
  expect(breadcrumbs.some((crumb) => crumb.category === 'query' && /customers/.test(crumb.message ?? ''))).toBe(true);
  // Linked to the request's trace.
  const trace = (event.contexts as { trace?: { trace_id?: string } }).trace;
  const brokenLog = gateway.logs.find((line) => line.msg === 'graphql request' && line.requestId === 'sentry-broken');
  expect(trace?.trace_id).toBe(brokenLog?.traceId);
});

test('the gateway reports a subgraph it gave up on, once a minute at most', () => {
  const outages = sentry.events().filter((event) => event.message !== undefined);
  expect(outages).toHaveLength(1);
  const [outage] = outages as [Record<string, unknown>];
  expect(outage.message).toMatch(/^Subgraph "reservation" unavailable: connection failed/);
  expect(tagsOf(outage)).toMatchObject({
    service: 'gateway',
    subgraph: 'reservation',
    failure: 'retries_exhausted',
    tenant: TENANT,
    operationName: 'ListWithReservations',
    requestId: 'sentry-outage-1',
  });
});

test('no personal data or credentials leave any service', () => {
  const everything = sentry.envelopes.map((envelope) => envelope.raw).join('\n');
  expect(everything.length).toBeGreaterThan(0);
  for (const secret of ['ada.lovelace@example.com', 'grace.hopper@example.com', '@example.com', SECRET_TOKEN, 'cookie-secret', SIGNING_SECRET]) {
    expect(everything).not.toContain(secret);
  }
});

test('one trace id across the gateway and both subgraphs, in Sentry and in the logs', () => {
  expect(bookingTraceId).toMatch(/^[0-9a-f]{32}$/);
  const segments = sentry.spans().filter((span) => span.is_segment === true && span.trace_id === bookingTraceId);
  const serviceOf = (span: Record<string, unknown>): unknown =>
    (span.attributes as Record<string, { value?: unknown }> | undefined)?.['service.name']?.value;
  expect(new Set(segments.map(serviceOf))).toEqual(new Set(['gateway', 'reservation', 'customer']));
  expect(segments.find((span) => serviceOf(span) === 'gateway')?.name).toBe('mutation BookTable');

  for (const service of [gateway, reservation, customer]) {
    const lines = service.logs.filter((line) => line.msg === 'graphql request' && line.traceId === bookingTraceId);
    expect({ service: service.name, lines: lines.length > 0 }).toEqual({ service: service.name, lines: true });
    expect(lines[0]).toMatchObject({ requestId: 'sentry-booking', tenant: TENANT });
  }
});

test('the profiler runs where it loads (one service asked for it)', () => {
  expect(sentry.items('profile_chunk').length).toBeGreaterThan(0);
});

describe('a client that goes away mid-request', () => {
  let ingest: FakeSentry;
  let alone: ServiceProcess | null = null;

  beforeAll(async () => {
    ingest = await FakeSentry.start();
    // No subgraph is needed: the request fails before GraphQL.
    alone = await startServiceProcess(
      'gateway',
      'gateway/src/index.ts',
      {
        ...common(ingest.dsn),
        GATEWAY_PORT: '0',
        CUSTOMER_SUBGRAPH_URL: 'http://127.0.0.1:9/graphql',
        RESERVATION_SUBGRAPH_URL: 'http://127.0.0.1:9/graphql',
        // Without subgraphs it never gets ready; it listens, which is all this needs.
      },
      { until: 'listening' },
    );
  }, 60_000);

  afterAll(async () => {
    await alone?.stop();
    await ingest?.stop();
  });

  // A client that hangs up mid-body is the commonest failure a client can cause; it is no error.
  test('a client that cuts off its body is logged, not reported', async () => {
    const service = alone!;
    const request = http.request(service.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': '1000', 'x-request-id': 'sentry-cut-off' },
    });
    request.on('error', () => undefined);
    await new Promise<void>((resolve) => request.write('{"query":"{ customers', () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 100));
    request.destroy();
    const closed = () => service.logs.filter((line) => line.requestId === 'sentry-cut-off' && /client closed/.test(String(line.msg)));
    await waitFor(async () => closed().length > 0);
    expect(await service.stop()).toBe(0);
    alone = null;

    expect(closed()).toHaveLength(1);
    expect(closed()[0]?.level).toBe(30);
    expect(service.logs.filter((line) => line.msg === 'request failed')).toHaveLength(0);
    expect(ingest.events()).toHaveLength(0);
  });
});
