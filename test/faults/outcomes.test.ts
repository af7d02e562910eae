import { FaultProxy } from '@reservations/test-support/fault-proxy';
import { graphql, graphqlData, type GraphQLResponseBody } from '@reservations/test-support/graphql';
import { freePort } from '@reservations/test-support/net';
import { startTestGateway, startTestReservationSubgraph, startTestSupergraph, type TestSupergraph } from '@reservations/test-support/supergraph';
import { bindReservationTenant } from '@reservations/reservation-subgraph/database';
import type { StartedGateway } from '@reservations/gateway/server';
import { bookingByKey, createBookingCustomer, CREATE } from './bookings';

/**
 * Mutations whose outcome the gateway cannot know. Every answer a client gets for a booking
 * must be true: a success (stored), SERVICE_UNAVAILABLE (nothing stored), or OUTCOME_UNKNOWN
 * (maybe stored; the same idempotency key or a read settles it). Never "failed" for a booking
 * that exists.
 */

const TENANT = 'outcomes';

let supergraph: TestSupergraph;
let proxy: FaultProxy;
let gateway: StartedGateway;
let customerId: string;
let slot = 0;

beforeAll(async () => {
  supergraph = await startTestSupergraph('faults_outcomes');
  proxy = await FaultProxy.start(supergraph.reservation.url);
  // One attempt of 1 s and no retries: each answer is about one attempt.
  gateway = await startTestGateway(
    { customer: supergraph.customer.url, reservation: proxy.url },
    { SERVICE_TIMEOUT: '1000', SERVICE_MAX_RETRIES: '0' },
  );
  customerId = await createBookingCustomer(supergraph.gatewayUrl, TENANT, 'Otto Outcome', 'otto@example.com');
  await graphqlData(supergraph.gatewayUrl, 'mutation { updateReservationSettings(input: { capacity: 1000 }) { reservationSettings { capacity } } }', {
    tenant: TENANT,
  });
});

afterEach(() => proxy.reset());

afterAll(async () => {
  await gateway?.stop();
  await proxy?.stop();
  await supergraph?.stop();
});

/** A booking on its own day, marked by its notes so it can be found without a key too. */
function newBooking(mark: string, key: string | null) {
  slot += 1;
  const day = String(1 + (slot % 28)).padStart(2, '0');
  const month = String(1 + Math.floor(slot / 28)).padStart(2, '0');
  return { customerId, startsAt: `2032-${month}-${day}T19:00:00Z`, partySize: 2, notes: mark, ...(key ? { idempotencyKey: key } : {}) };
}

async function storedIds(mark: string): Promise<string[]> {
  const rows = await bindReservationTenant(supergraph.reservation.client, TENANT).reservation.findMany({
    where: { notes: mark },
    select: { id: true },
  });
  return rows.map((row) => row.id);
}

type Verdict = 'success' | 'not applied' | 'outcome unknown' | 'false failure' | 'other';

/** Checks one answer against what the database holds. */
async function judge(mark: string, body: GraphQLResponseBody<{ createReservation: { reservation: { id: string } } }>): Promise<Verdict> {
  const ids = await storedIds(mark);
  const code = body.errors?.[0]?.extensions?.['code'];
  if (body.data?.createReservation.reservation)
    return ids.length === 1 && ids[0] === body.data.createReservation.reservation.id ? 'success' : 'other';
  if (code === 'SERVICE_UNAVAILABLE') return ids.length === 0 ? 'not applied' : 'false failure';
  if (code === 'OUTCOME_UNKNOWN') return ids.length <= 1 ? 'outcome unknown' : 'other';
  return 'other';
}

test('a subgraph that commits and dies before answering: OUTCOME_UNKNOWN saying what to do; the key finds the booking and a retry returns it', async () => {
  proxy.mode = 'lose-answer';
  const input = newBooking('lost-answer', 'lost-answer-key');
  const { body } = await graphql<{ createReservation: { reservation: { id: string } } }>(gateway.url, CREATE, {
    tenant: TENANT,
    variables: { input },
  });
  expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'OUTCOME_UNKNOWN', subgraph: 'reservation' });
  expect(body.errors?.[0]?.message).toMatch(/same idempotencyKey/);
  expect(body.errors?.[0]?.message).toMatch(/reservationByIdempotencyKey/);
  await proxy.settled();
  expect(await judge('lost-answer', body)).toBe('outcome unknown');

  proxy.mode = 'forward';
  const [stored] = await storedIds('lost-answer');
  expect(await bookingByKey(gateway.url, TENANT, 'lost-answer-key')).toBe(stored);
  const retried = await graphqlData<{ createReservation: { reservation: { id: string } } }>(gateway.url, CREATE, {
    tenant: TENANT,
    variables: { input },
  });
  expect(retried.createReservation.reservation.id).toBe(stored);
  expect(await storedIds('lost-answer')).toEqual([stored]);
});

test('a slow subgraph: every answer is a success, "not applied" or "outcome unknown", never a false failure', async () => {
  const verdicts: Verdict[] = [];
  // Around the attempt's 1 s: well inside, at its edge, and beyond it; with and without keys.
  for (const delayMs of [0, 800, 950, 1_500]) {
    proxy.delayMs = delayMs;
    const bookings = [0, 1, 2].map((n) => {
      const mark = `slow-${delayMs}-${n}`;
      return { mark, input: newBooking(mark, n === 2 ? null : mark) };
    });
    const answers = await Promise.all(
      bookings.map(({ input }) =>
        graphql<{ createReservation: { reservation: { id: string } } }>(gateway.url, CREATE, { tenant: TENANT, variables: { input } }),
      ),
    );
    await proxy.settled();
    for (const [index, { mark }] of bookings.entries()) verdicts.push(await judge(mark, answers[index]!.body));
  }
  expect(verdicts.filter((verdict) => verdict === 'false failure' || verdict === 'other')).toEqual([]);
  expect(verdicts).toContain('success');
  expect(verdicts).toContain('outcome unknown');
});

test('failures before the booking reached the subgraph stay SERVICE_UNAVAILABLE: a refused connection, an open circuit', async () => {
  const closedPort = await freePort();
  const nowhere = await startTestGateway(
    { customer: supergraph.customer.url, reservation: `http://127.0.0.1:${closedPort}/graphql` },
    { SERVICE_MAX_RETRIES: '0', SERVICE_BREAKER_THRESHOLD: '1', SERVICE_BREAKER_RESET_MS: '600000' },
  );
  try {
    for (const message of [/connection failed/, /circuit open/]) {
      const input = newBooking(`refused-${String(message)}`, `refused-${String(message)}`);
      const { body } = await graphql(nowhere.url, CREATE, { tenant: TENANT, variables: { input } });
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', subgraph: 'reservation' });
      expect(body.errors?.[0]?.message).toMatch(message);
    }
  } finally {
    await nowhere.stop();
  }
});

test('with REQUIRE_IDEMPOTENCY_KEY a booking without a key is BAD_USER_INPUT and stores nothing; with one it is booked', async () => {
  const strict = await startTestReservationSubgraph(supergraph.databases.reservation, supergraph.customer.url, { REQUIRE_IDEMPOTENCY_KEY: 'true' });
  try {
    const { body } = await graphql(strict.url, CREATE, { tenant: TENANT, variables: { input: newBooking('keyless', null) } });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.idempotencyKey' });
    expect(await storedIds('keyless')).toEqual([]);
    await graphqlData(strict.url, CREATE, { tenant: TENANT, variables: { input: newBooking('keyed', 'keyed') } });
    expect(await storedIds('keyed')).toHaveLength(1);
  } finally {
    await strict.stop();
  }
});
