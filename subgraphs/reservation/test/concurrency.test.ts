import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { unavailableIfTimedOut } from '@reservations/platform/database/prisma-errors';
import { graphql } from '@reservations/test-support/graphql';
import type { StartedSubgraph } from '@reservations/platform/subgraph/start-subgraph';
import { startTestReservationSubgraph, startTestSubgraphs, type TestSubgraphs } from '@reservations/test-support/supergraph';
import { waitFor } from '@reservations/test-support/wait';
import { CAPACITY_LOCK_CLASS } from '../src/database';
import type { ReservationPrisma } from '../src/database';
import { peakOccupancy } from '../src/rules';
import { book, createCustomer, errorCode, setSettings, TestClock, tryBook } from './support';
import { bindReservationTenant } from '../src/database';

/**
 * Races against the machine's PostgreSQL, straight at the reservation subgraph: many requests
 * are in flight at once, each with its own connection from the subgraph's pool.
 */
let subgraphs: TestSubgraphs;
let url: string;
/** A second reservation subgraph on the same database, keeping keys 2 hours by a clock the test sets. */
let timed: StartedSubgraph<ReservationPrisma>;
const clock = new TestClock();

beforeAll(async () => {
  subgraphs = await startTestSubgraphs('reservation_races');
  url = subgraphs.reservation.url;
  timed = await startTestReservationSubgraph(subgraphs.databases.reservation, subgraphs.customer.url, { IDEMPOTENCY_KEY_TTL_HOURS: '2' }, clock.now);
});

afterAll(async () => {
  await timed?.stop();
  await subgraphs?.stop();
});

/**
 * A booking as the documented client makes it: with an idempotency key, sent again with the
 * same key while the answer is SERVICE_UNAVAILABLE (nothing applied; on a busy machine a burst
 * of 50 can outwait the capacity lock). Returns the first definitive answer.
 */
async function settleBooking(tenant: string, input: Parameters<typeof tryBook>[2]) {
  const withKey = { idempotencyKey: randomUUID(), ...input };
  for (let attempt = 1; ; attempt++) {
    const body = await tryBook(url, tenant, withKey);
    if (errorCode(body) !== 'SERVICE_UNAVAILABLE' || attempt === 5) return body;
  }
}

async function occupying(tenant: string) {
  return bindReservationTenant(subgraphs.reservation.client, tenant).reservation.findMany({
    where: { status: { in: ['PENDING', 'CONFIRMED', 'SEATED'] } },
    select: { startsAt: true, endsAt: true, partySize: true },
  });
}

test('50 simultaneous bookings for the last 10 seats: exactly 5 parties of 2 get in, never more', async () => {
  const tenant = 'last-seats';
  const customerId = await createCustomer(subgraphs.customer.url, tenant);
  await setSettings(url, tenant, { capacity: 100 });
  const startsAt = '2030-12-24T19:00:00Z';
  await book(url, tenant, { customerId, startsAt, partySize: 90 });

  const results = await Promise.all(Array.from({ length: 50 }, () => settleBooking(tenant, { customerId, startsAt, partySize: 2 })));
  const codes = results.map((body) => (body.errors ? errorCode(body) : 'OK'));
  expect(codes.filter((code) => code === 'OK')).toHaveLength(5);
  expect(codes.filter((code) => code === 'CAPACITY_EXCEEDED')).toHaveLength(45);

  const rows = await occupying(tenant);
  expect(rows.reduce((sum, row) => sum + row.partySize, 0)).toBe(100);
});

test('50 simultaneous bookings at staggered times never put more guests than capacity at any moment', async () => {
  const tenant = 'staggered';
  const customerId = await createCustomer(subgraphs.customer.url, tenant);
  await setSettings(url, tenant, { capacity: 20, defaultDurationMinutes: 90 });
  const requests = Array.from({ length: 50 }, (_, index) => ({
    customerId,
    startsAt: new Date(Date.UTC(2030, 11, 25, 18, (index % 7) * 20)).toISOString(),
    partySize: 1 + (index % 5),
  }));
  const results = await Promise.all(requests.map((input) => settleBooking(tenant, input)));
  const codes = new Set(results.map((body) => (body.errors ? errorCode(body) : 'OK')));
  expect([...codes].sort()).toEqual(['CAPACITY_EXCEEDED', 'OK']);

  const rows = await occupying(tenant);
  const from = new Date(Date.UTC(2030, 11, 25, 17));
  const to = new Date(Date.UTC(2030, 11, 26, 0));
  expect(peakOccupancy(rows, from, to)).toBeLessThanOrEqual(20);
  // And every refusal was real: none of the refused requests would fit now either.
  for (const [index, body] of results.entries()) {
    if (!body.errors) continue;
    const input = requests[index]!;
    const start = new Date(input.startsAt);
    const end = new Date(start.getTime() + 90 * 60_000);
    expect(peakOccupancy(rows, start, end) + input.partySize).toBeGreaterThan(20);
  }
});

test('20 racing requests with the same idempotency key create one reservation and all return it', async () => {
  const tenant = 'dupes';
  const customerId = await createCustomer(subgraphs.customer.url, tenant);
  const input = { customerId, startsAt: '2030-12-31T20:00:00Z', partySize: 4, idempotencyKey: 'checkout-42' };
  const results = await Promise.all(Array.from({ length: 20 }, () => tryBook(url, tenant, input)));
  for (const body of results) expect(body.errors).toBeUndefined();
  const ids = new Set(results.map((body) => body.data?.createReservation.reservation.id));
  expect(ids.size).toBe(1);
  expect(await bindReservationTenant(subgraphs.reservation.client, tenant).reservation.count()).toBe(1);

  // The key is per tenant: another tenant may use the same one.
  const otherCustomer = await createCustomer(subgraphs.customer.url, 'dupes-2');
  const elsewhere = await book(url, 'dupes-2', { ...input, customerId: otherCustomer });
  expect(ids.has(elsewhere.id)).toBe(false);
});

test('the same key with a different payload is CONFLICT and books nothing, even when racing', async () => {
  const tenant = 'dupes-conflict';
  const customerId = await createCustomer(subgraphs.customer.url, tenant);
  const base = { customerId, startsAt: '2030-12-30T20:00:00Z', idempotencyKey: 'k-1' };
  const results = await Promise.all(Array.from({ length: 10 }, (_, index) => tryBook(url, tenant, { ...base, partySize: 2 + (index % 2) })));
  const succeeded = results.filter((body) => !body.errors);
  const sizes = new Set(succeeded.map((body) => body.data?.createReservation.reservation.partySize));
  // Whichever payload won, every request with it got the reservation and every other one CONFLICT.
  expect(sizes.size).toBe(1);
  expect(succeeded).toHaveLength(5);
  for (const body of results.filter((result) => result.errors)) {
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.idempotencyKey' });
  }
  expect(await bindReservationTenant(subgraphs.reservation.client, tenant).reservation.count()).toBe(1);
});

test('20 racing bookings reusing an expired key make exactly one new reservation; the other payload is CONFLICT', async () => {
  const tenant = 'dupes-expired';
  const customerId = await createCustomer(subgraphs.customer.url, tenant);
  clock.set('2030-06-01T12:00:00Z');
  const old = await book(timed.url, tenant, { customerId, startsAt: '2031-01-05T19:00:00Z', idempotencyKey: 'k-reused' });

  clock.set('2030-06-01T14:00:00Z');
  const base = { customerId, startsAt: '2031-02-05T19:00:00Z', idempotencyKey: 'k-reused' };
  const results = await Promise.all(Array.from({ length: 20 }, (_, index) => tryBook(timed.url, tenant, { ...base, partySize: 2 + (index % 2) })));
  const succeeded = results.filter((body) => !body.errors);
  expect(succeeded).toHaveLength(10);
  const ids = new Set(succeeded.map((body) => body.data?.createReservation.reservation.id));
  expect(ids.size).toBe(1);
  expect(ids.has(old.id)).toBe(false);
  for (const body of results.filter((result) => result.errors)) {
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.idempotencyKey' });
  }
  const rows = await bindReservationTenant(subgraphs.reservation.client, tenant).reservation.findMany({ orderBy: { id: 'asc' } });
  expect(rows.map((row) => [row.id, row.idempotencyKey])).toEqual([
    [old.id, null],
    [[...ids][0], 'k-reused'],
  ]);
});

test('racing transitions: of 10 simultaneous confirms one wins; of seat versus no-show only one happens', async () => {
  const tenant = 'racing-status';
  const customerId = await createCustomer(subgraphs.customer.url, tenant);
  const reservation = await book(url, tenant, { customerId, startsAt: '2030-12-29T19:00:00Z' });
  const call = (mutation: string) =>
    graphql<Record<string, { reservation: { status: string } }>>(
      url,
      `mutation ($id: ID!) { ${mutation}(input: { id: $id }) { reservation { status } } }`,
      {
        tenant,
        variables: { id: reservation.id },
      },
    ).then(({ body }) => body);

  const confirms = await Promise.all(Array.from({ length: 10 }, () => call('confirmReservation')));
  expect(confirms.filter((body) => !body.errors)).toHaveLength(1);
  for (const body of confirms.filter((result) => result.errors)) {
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', status: 'CONFIRMED' });
  }

  const mixed = await Promise.all(Array.from({ length: 10 }, (_, index) => call(index % 2 ? 'seatReservation' : 'markNoShow')));
  const winners = mixed.filter((body) => !body.errors);
  expect(winners).toHaveLength(1);
  const final = await bindReservationTenant(subgraphs.reservation.client, tenant).reservation.findUniqueOrThrow({ where: { id: reservation.id } });
  expect(Object.values(winners[0]!.data!)[0]!.reservation.status).toBe(final.status);
});

describe('a database too busy to finish a write in time', () => {
  test('a booking that gets no connection within maxWait is SERVICE_UNAVAILABLE, says to retry, and writes nothing', async () => {
    const tenant = 'busy-pool';
    const customerId = await createCustomer(subgraphs.customer.url, tenant);
    const startsAt = '2030-12-28T19:00:00Z';
    // Another session holds the tenant's capacity lock: bookings queue on it as a burst would,
    // each holding one of the subgraph's 10 pooled connections.
    const holder = new pg.Client({ connectionString: subgraphs.databases.reservation.url });
    await holder.connect();
    let bookedNotes: (string | null)[];
    try {
      await holder.query('SELECT pg_advisory_lock($1::int4, hashtext($2))', [CAPACITY_LOCK_CLASS, tenant]);
      const queued = Array.from({ length: 10 }, (_, index) => tryBook(url, tenant, { customerId, startsAt, notes: `queued ${index}` }));
      await waitFor(async () => {
        const { rows } = await holder.query<{ waiting: number }>(
          "SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'advisory'",
        );
        return rows[0]?.waiting === 10;
      });

      const refused = await tryBook(url, tenant, { customerId, startsAt, notes: 'no connection left' });
      expect(refused.data ?? null).toBeNull();
      expect(refused.errors?.[0]?.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE' });
      expect(refused.errors?.[0]?.message).toMatch(/retry/);
      expect(refused.errors?.[0]?.message).not.toMatch(/prisma|transaction|P2028/i);

      await holder.query('SELECT pg_advisory_unlock($1::int4, hashtext($2))', [CAPACITY_LOCK_CLASS, tenant]);
      // The queued ones waited about as long as their transaction may last: each either got in
      // or was refused the same way, and exactly those that got in were written.
      const answers = await Promise.all(queued);
      const booked = answers.filter((body) => body.errors === undefined);
      for (const body of answers.filter((answer) => answer.errors !== undefined)) {
        expect(body.errors?.[0]?.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE' });
      }
      bookedNotes = booked.map((body) => body.data!.createReservation.reservation.notes).sort();
    } finally {
      await holder.end();
    }
    const rows = await bindReservationTenant(subgraphs.reservation.client, tenant).reservation.findMany({ select: { notes: true } });
    expect(rows.map((row) => row.notes).sort()).toEqual(bookedNotes);
    expect(rows.map((row) => row.notes)).not.toContain('no connection left');
  }, 20_000);

  test('a transaction past its timeout is rolled back, and that too is SERVICE_UNAVAILABLE', async () => {
    const tenant = 'slow-transaction';
    const prisma = bindReservationTenant(subgraphs.reservation.client, tenant);
    const slowWrite = prisma.$tenantTransaction(
      async (tx) => {
        await tx.reservation.create({
          data: {
            customerId: '0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b',
            startsAt: new Date('2030-12-27T19:00:00Z'),
            endsAt: new Date('2030-12-27T21:00:00Z'),
            partySize: 2,
          },
        });
        await new Promise((resolve) => setTimeout(resolve, 300));
        return tx.reservation.count();
      },
      { timeout: 100 },
    );
    await expect(unavailableIfTimedOut(slowWrite)).rejects.toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE' } });
    expect(await prisma.reservation.count()).toBe(0);
  });
});
