import pg from 'pg';
import { openDatabase, type OpenDatabase } from '@reservations/platform/database/connection';
import { guardDeadlines } from '@reservations/platform/database/deadline-guard';
import { DEADLINE_HEADER, runWithDeadline } from '@reservations/platform/http/deadline';
import { SIGNATURE_HEADER, signatureFor } from '@reservations/platform/security/request-signing';
import { FaultProxy } from '@reservations/test-support/fault-proxy';
import { graphql } from '@reservations/test-support/graphql';
import { startTestGateway, startTestSupergraph, type TestSupergraph } from '@reservations/test-support/supergraph';
import { waitFor } from '@reservations/test-support/wait';
import type { StartedGateway } from '@reservations/gateway/server';
import { bindReservationTenant, CAPACITY_LOCK_CLASS, createReservationPrisma } from '@reservations/reservation-subgraph/database';
import { bookingByKey, createBookingCustomer, CREATE } from './bookings';

/**
 * Deadlines that reach the subgraphs: the gateway signs each attempt's end into the request,
 * and the reservation subgraph neither starts nor commits work after it. "Paused" subgraphs are
 * made with a proxy that holds requests back, and with a lock that holds a booking mid-way.
 */

const SECRET = 'deadline-test-signing-secret-0123456789';

let supergraph: TestSupergraph;
let proxy: FaultProxy;
let gateway: StartedGateway;
let customerId: string;
const TENANT = 'deadlines';

beforeAll(async () => {
  supergraph = await startTestSupergraph('faults_deadlines', { env: { GATEWAY_SIGNING_SECRET: SECRET } });
  proxy = await FaultProxy.start(supergraph.reservation.url);
  // One attempt of at most 1 s, so a held-back request outlives its deadline.
  gateway = await startTestGateway(
    { customer: supergraph.customer.url, reservation: proxy.url },
    { GATEWAY_SIGNING_SECRET: SECRET, SERVICE_TIMEOUT: '1000', SERVICE_MAX_RETRIES: '0' },
  );
  customerId = await createBookingCustomer(supergraph.gatewayUrl, TENANT, 'Dee Dline', 'dee@example.com');
});

afterEach(() => proxy.reset());

afterAll(async () => {
  await gateway?.stop();
  await proxy?.stop();
  await supergraph?.stop();
});

const booking = (key: string, startsAt: string) => ({ input: { customerId, startsAt, partySize: 2, idempotencyKey: key } });

async function stored(key: string): Promise<boolean> {
  return (await bookingByKey(supergraph.gatewayUrl, TENANT, key)) !== null;
}

describe('the database guard, with a clock the test moves', () => {
  let database: OpenDatabase;
  let now = 0;
  let prisma: ReturnType<typeof createReservationPrisma>;

  beforeAll(async () => {
    // As the owner: these tests are about deadlines, and row-level security does not bind it.
    database = await openDatabase({ url: supergraph.databases.reservation.url, embeddedDir: '' });
    prisma = createReservationPrisma(guardDeadlines(database, () => now));
  });

  afterAll(async () => {
    await prisma?.$disconnect();
    await database?.close();
  });

  const settings = (tenantId: string) => ({
    tenantId,
    capacity: 10,
    defaultDurationMinutes: 60,
    slotIntervalMinutes: 30,
    opensAtMinute: 600,
    closesAtMinute: 1200,
  });

  test('a transaction whose deadline passes before COMMIT is rolled back: SERVICE_UNAVAILABLE, nothing stored, the connection clean', async () => {
    now = 0;
    const attempt = runWithDeadline(1_000, () =>
      prisma.$transaction(async (tx) => {
        await tx.reservationSettings.create({ data: settings('guard-commit') });
        now = 1_000; // the request's time runs out while the transaction is open
      }),
    );
    await expect(attempt).rejects.toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE' } });
    expect(await prisma.reservationSettings.findUnique({ where: { tenantId: 'guard-commit' } })).toBeNull();
    // No session was handed back to the pool inside a transaction.
    const idle = await prisma.$queryRaw<{ count: number }[]>`
      SELECT count(*)::int AS count FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`;
    expect(idle[0]?.count).toBe(0);
  });

  test('no statement is sent once the deadline has passed; without a deadline or before it, work goes on', async () => {
    now = 5_000;
    await expect(runWithDeadline(4_999, async () => await prisma.reservationSettings.create({ data: settings('guard-late') }))).rejects.toMatchObject(
      {
        extensions: { code: 'SERVICE_UNAVAILABLE' },
      },
    );
    expect(await prisma.reservationSettings.findUnique({ where: { tenantId: 'guard-late' } })).toBeNull();
    await runWithDeadline(5_001, async () => await prisma.reservationSettings.create({ data: settings('guard-in-time') }));
    expect(await prisma.reservationSettings.findUnique({ where: { tenantId: 'guard-in-time' } })).not.toBeNull();
  });
});

test('the deadline is signed: a request whose deadline was changed in transit is refused', async () => {
  const body = JSON.stringify({ query: '{ reservationSettings { capacity } }' });
  const headers = { 'content-type': 'application/json', 'x-tenant-id': TENANT, [DEADLINE_HEADER]: String(Date.now() + 1_000) };
  const signature = signatureFor(SECRET, 'reservation', supergraph.reservation.url, 'POST', headers, body);
  const send = (deadline: string) =>
    fetch(supergraph.reservation.url, { method: 'POST', headers: { ...headers, [DEADLINE_HEADER]: deadline, [SIGNATURE_HEADER]: signature }, body });
  expect((await send(String(Date.now() + 60_000))).status).toBe(401);
  expect((await send(headers[DEADLINE_HEADER])).status).toBe(200);
});

test('a request that reaches the subgraph after its deadline is refused before it runs: 503 SERVICE_UNAVAILABLE', async () => {
  const body = JSON.stringify({ query: 'mutation { updateReservationSettings(input: { capacity: 3 }) { reservationSettings { capacity } } }' });
  const headers = { 'content-type': 'application/json', 'x-tenant-id': 'late-settings', [DEADLINE_HEADER]: String(Date.now() - 1) };
  const response = await fetch(supergraph.reservation.url, {
    method: 'POST',
    headers: { ...headers, [SIGNATURE_HEADER]: signatureFor(SECRET, 'reservation', supergraph.reservation.url, 'POST', headers, body) },
    body,
  });
  expect(response.status).toBe(503);
  expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe('SERVICE_UNAVAILABLE');
  expect(
    await bindReservationTenant(supergraph.reservation.client, 'late-settings').reservationSettings.findUnique({
      where: { tenantId: 'late-settings' },
    }),
  ).toBeNull();
});

test('a booking held back past its deadline (the subgraph paused before reading it) stores nothing once it arrives', async () => {
  proxy.delayMs = 1_500;
  const { body } = await graphql(gateway.url, CREATE, { tenant: TENANT, variables: booking('held-back', '2031-02-03T19:00:00Z') });
  // The gateway sent it and heard nothing: not "failed", but "unknown".
  expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'OUTCOME_UNKNOWN', subgraph: 'reservation' });
  await proxy.settled(); // the subgraph has now had the booking and answered it
  expect(await stored('held-back')).toBe(false);
});

test('a booking paused inside its transaction past its deadline (behind the capacity lock) is rolled back once it resumes', async () => {
  const holder = new pg.Client({ connectionString: supergraph.databases.reservation.url });
  await holder.connect();
  try {
    await holder.query('SELECT pg_advisory_lock($1::int4, hashtext($2))', [CAPACITY_LOCK_CLASS, TENANT]);
    const answer = graphql(gateway.url, CREATE, { tenant: TENANT, variables: booking('paused-inside', '2031-02-04T19:00:00Z') });
    await waitFor(async () => {
      const { rows } = await holder.query<{ waiting: number }>(
        "SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'advisory'",
      );
      return rows[0]?.waiting === 1;
    });
    const { body } = await answer;
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'OUTCOME_UNKNOWN' });
    // Resumed within its transaction's own time limit (1.5 s), but after the gateway gave up.
    await holder.query('SELECT pg_advisory_unlock($1::int4, hashtext($2))', [CAPACITY_LOCK_CLASS, TENANT]);
    await proxy.settled();
  } finally {
    await holder.end();
  }
  expect(await stored('paused-inside')).toBe(false);
});
