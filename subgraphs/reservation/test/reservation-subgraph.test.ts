import { countQueries } from '@reservations/test-support/query-counter';
import { graphql, graphqlData } from '@reservations/test-support/graphql';
import { demoCustomers } from '@reservations/customer-subgraph/demo-tenant';
import type { StartedSubgraph } from '@reservations/platform/subgraph/start-subgraph';
import type { CustomerPrisma } from '@reservations/customer-subgraph/database';
import type { OperationRunner } from '@reservations/test-support/graphql';
import { createTestDatabase, type TestDatabase } from '@reservations/test-support/postgres';
import { startInProcessSubgraph, type InProcessSubgraph } from '@reservations/test-support/subgraph-operations';
import { silentLogger, startTestCustomerSubgraph, testReservationSubgraph } from '@reservations/test-support/supergraph';
import type { ReservationPrisma } from '../src/database';
import { peakOccupancy } from '../src/rules';
import { seedDemoReservations } from '../src/seed';
import { book, createCustomer, errorCode, RESERVATION_FIELDS, setSettings, TestClock, tryBook, type ReservationView } from './support';
import { bindReservationTenant } from '../src/database';

/**
 * The reservation subgraph's operations at its own Apollo Server in-process (no HTTP, no
 * gateway), on a fresh PostgreSQL database, with the real customer subgraph (over HTTP, as in
 * production) answering its customer checks.
 */
const databases: TestDatabase[] = [];
let customer: StartedSubgraph<CustomerPrisma>;
let subgraph: InProcessSubgraph<ReservationPrisma>;
/** The same subgraph on the same database whose "now" is `clock`. */
let timed: OperationRunner;
const clock = new TestClock();

const customerIn = (tenant: string, name?: string): Promise<string> => createCustomer(customer.url, tenant, name);

async function mutate<T = Record<string, unknown>>(tenant: string, query: string, variables: Record<string, unknown> = {}) {
  return (await graphql<T>(subgraph, query, { tenant, variables })).body;
}

const UPDATE = `mutation ($input: UpdateReservationInput!) { updateReservation(input: $input) { reservation { ${RESERVATION_FIELDS} } } }`;

beforeAll(async () => {
  const [customerDb, reservationDb] = await Promise.all([
    createTestDatabase('reservation_subgraph_customer'),
    createTestDatabase('reservation_subgraph'),
  ]);
  databases.push(customerDb, reservationDb);
  customer = await startTestCustomerSubgraph(customerDb);
  subgraph = await startInProcessSubgraph(testReservationSubgraph(customer.url), reservationDb);
  timed = await subgraph.serve(testReservationSubgraph(customer.url, clock.now));
});

afterAll(async () => {
  await subgraph?.stop();
  await customer?.stop();
  for (const database of databases) await database.drop();
});

describe('creating and reading reservations', () => {
  test('a created reservation is pending, refers to its customer, lasts the default 120 minutes and reads back', async () => {
    const customerId = await customerIn('bistro');
    const created = await book(subgraph, 'bistro', { customerId, startsAt: '2030-05-01T19:30:00+02:00', partySize: 4, notes: '  Window seat  ' });
    expect(created).toMatchObject({
      startsAt: '2030-05-01T17:30:00.000Z',
      endsAt: '2030-05-01T19:30:00.000Z',
      partySize: 4,
      status: 'PENDING',
      notes: 'Window seat',
      cancellationReason: null,
      customer: { id: customerId },
    });
    expect(created.createdAt).toBe(created.updatedAt);

    const read = await graphqlData<{ reservation: ReservationView }>(
      subgraph,
      `query ($id: ID!) { reservation(id: $id) { ${RESERVATION_FIELDS} } }`,
      {
        tenant: 'bistro',
        variables: { id: created.id },
      },
    );
    expect(read.reservation).toEqual(created);
  });

  test('lists reservations with cursor pagination', async () => {
    const customerId = await customerIn('paged');
    for (let day = 1; day <= 3; day++) await book(subgraph, 'paged', { customerId, startsAt: `2030-06-0${day}T19:00:00Z` });
    const first = await graphqlData<{
      reservations: { nodes: { id: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string }; totalCount: number };
    }>(subgraph, '{ reservations(first: 2) { nodes { id } pageInfo { hasNextPage endCursor } totalCount } }', { tenant: 'paged' });
    expect(first.reservations.nodes).toHaveLength(2);
    expect(first.reservations.pageInfo.hasNextPage).toBe(true);
    expect(first.reservations.totalCount).toBe(3);
    const rest = await graphqlData<{ reservations: { nodes: { id: string }[]; pageInfo: { hasNextPage: boolean } } }>(
      subgraph,
      'query ($after: String) { reservations(first: 2, after: $after) { nodes { id } pageInfo { hasNextPage } } }',
      { tenant: 'paged', variables: { after: first.reservations.pageInfo.endCursor } },
    );
    expect(rest.reservations.nodes).toHaveLength(1);
    expect(rest.reservations.pageInfo.hasNextPage).toBe(false);
  });

  test('filters by time range, status and customer, and totalCount counts the filtered set', async () => {
    const [ada, bob] = [await customerIn('filters', 'Ada'), await customerIn('filters', 'Bob')];
    const a1 = await book(subgraph, 'filters', { customerId: ada, startsAt: '2030-07-01T19:00:00Z' });
    const a2 = await book(subgraph, 'filters', { customerId: ada, startsAt: '2030-07-02T19:00:00Z' });
    const b1 = await book(subgraph, 'filters', { customerId: bob, startsAt: '2030-07-02T20:00:00Z' });
    await mutate('filters', 'mutation ($id: ID!) { confirmReservation(input: { id: $id }) { reservation { id } } }', { id: a2.id });

    const types: Record<string, string> = { from: 'DateTime', to: 'DateTime', customerId: 'ID' };
    const list = async (args: string, variables: Record<string, unknown> = {}) => {
      const declared = Object.keys(variables).map((name) => `$${name}: ${types[name]}`);
      const data = await graphqlData<{ reservations: { nodes: { id: string }[]; totalCount: number } }>(
        subgraph,
        `query ${declared.length ? `(${declared.join(', ')})` : ''} { reservations(${args}) { nodes { id } totalCount } }`,
        { tenant: 'filters', variables },
      );
      expect(data.reservations.totalCount).toBe(data.reservations.nodes.length);
      return data.reservations.nodes.map((node) => node.id);
    };
    expect(await list('from: $from, to: $to', { from: '2030-07-02T00:00:00Z', to: '2030-07-02T20:00:00Z' })).toEqual([a2.id]);
    expect(await list('from: $from', { from: '2030-07-02T00:00:00Z' })).toEqual([a2.id, b1.id]);
    expect(await list('to: $to', { to: '2030-07-02T00:00:00Z' })).toEqual([a1.id]);
    expect(await list('status: [PENDING]')).toEqual([a1.id, b1.id]);
    expect(await list('status: CONFIRMED')).toEqual([a2.id]);
    expect(await list('customerId: $customerId', { customerId: ada })).toEqual([a1.id, a2.id]);
    expect(await list('customerId: $customerId, status: [PENDING]', { customerId: ada })).toEqual([a1.id]);
  });

  test.each([
    ['{ reservations(first: 101) { totalCount } }', 'first'],
    ['{ reservations(from: "2030-01-02T00:00:00Z", to: "2030-01-01T00:00:00Z") { totalCount } }', 'to'],
    ['{ reservations(from: "yesterday") { totalCount } }', 'from'],
    ['{ reservations(customerId: "nope") { totalCount } }', 'customerId'],
    ['{ reservation(id: "nope") { id } }', 'id'],
  ])('%s is BAD_USER_INPUT naming %s', async (query, field) => {
    const { body } = await graphql(subgraph, query, { tenant: 'invalid' });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  test.each([
    [{ customerId: 'abc' }, 'input.customerId'],
    [{ partySize: 0 }, 'input.partySize'],
    [{ partySize: 101 }, 'input.partySize'],
    [{ idempotencyKey: '   ' }, 'input.idempotencyKey'],
    [{ idempotencyKey: 'k'.repeat(201) }, 'input.idempotencyKey'],
    [{ notes: 'n'.repeat(2001) }, 'input.notes'],
    // Without an offset "19:00" could mean any zone; an impossible day is not a time at all.
    [{ startsAt: '2030-01-01T19:00' }, 'input.startsAt'],
    [{ startsAt: '2030-02-30T19:00:00Z' }, 'input.startsAt'],
    [{ startsAt: 1_893_524_400_000 }, 'input.startsAt'],
  ])('invalid input %j is BAD_USER_INPUT naming %s, and nothing is written', async (override, field) => {
    const customerId = await customerIn('invalid');
    const input = { customerId, startsAt: '2030-01-01T19:00:00Z', partySize: 2, ...override };
    const { body } = await graphql(
      subgraph,
      'mutation ($input: CreateReservationInput!) { createReservation(input: $input) { reservation { id } } }',
      {
        tenant: 'invalid',
        variables: { input },
      },
    );
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await bindReservationTenant(subgraph.client, 'invalid').reservation.count()).toBe(0);
  });

  test('a customer of another tenant is unknown here', async () => {
    const foreign = await customerIn('other-tenant');
    const body = await tryBook(subgraph, 'mine', { customerId: foreign, startsAt: '2030-01-01T19:00:00Z' });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.customerId' });
  });
});

describe('updating reservations', () => {
  test('moving a reservation keeps its length; omitted fields stay, notes: null clears', async () => {
    const customerId = await customerIn('update');
    await setSettings(subgraph, 'update', { defaultDurationMinutes: 90 });
    const created = await book(subgraph, 'update', { customerId, startsAt: '2030-08-01T19:00:00Z', notes: 'Cake' });
    await setSettings(subgraph, 'update', { defaultDurationMinutes: 150 });

    const moved = await mutate<{ updateReservation: { reservation: ReservationView } }>('update', UPDATE, {
      input: { id: created.id, startsAt: '2030-08-02T18:00:00Z' },
    });
    expect(moved.data?.updateReservation.reservation).toMatchObject({
      startsAt: '2030-08-02T18:00:00.000Z',
      endsAt: '2030-08-02T19:30:00.000Z',
      partySize: 2,
      notes: 'Cake',
    });
    expect(Date.parse(moved.data!.updateReservation.reservation.updatedAt)).toBeGreaterThan(Date.parse(created.updatedAt));

    const cleared = await mutate<{ updateReservation: { reservation: ReservationView } }>('update', UPDATE, {
      input: { id: created.id, partySize: 5, notes: null },
    });
    expect(cleared.data?.updateReservation.reservation).toMatchObject({ startsAt: '2030-08-02T18:00:00.000Z', partySize: 5, notes: null });
  });

  test('only PENDING and CONFIRMED reservations change; unknown and foreign ids are NOT_FOUND', async () => {
    const customerId = await customerIn('update-rules');
    const confirmed = await book(subgraph, 'update-rules', { customerId, startsAt: '2030-08-03T19:00:00Z' });
    await mutate('update-rules', 'mutation ($id: ID!) { confirmReservation(input: { id: $id }) { reservation { id } } }', { id: confirmed.id });
    const ok = await mutate('update-rules', UPDATE, { input: { id: confirmed.id, partySize: 3 } });
    expect(ok.errors).toBeUndefined();

    await mutate('update-rules', 'mutation ($id: ID!) { seatReservation(input: { id: $id }) { reservation { id } } }', { id: confirmed.id });
    const seated = await mutate('update-rules', UPDATE, { input: { id: confirmed.id, partySize: 4 } });
    expect(seated.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.id', status: 'SEATED' });

    const unknown = await mutate('update-rules', UPDATE, { input: { id: '0190a5f0-0000-7000-9999-000000000000', partySize: 3 } });
    expect(errorCode(unknown)).toBe('NOT_FOUND');
    const foreign = await mutate('someone-else', UPDATE, { input: { id: confirmed.id, partySize: 3 } });
    expect(errorCode(foreign)).toBe('NOT_FOUND');
  });
});

describe('capacity', () => {
  test('a booking that would put more guests than capacity at any moment is CAPACITY_EXCEEDED and writes nothing', async () => {
    const tenant = 'full-house';
    const customerId = await customerIn(tenant);
    await setSettings(subgraph, tenant, { capacity: 10, defaultDurationMinutes: 60 });
    await book(subgraph, tenant, { customerId, startsAt: '2030-09-01T18:00:00Z', partySize: 6 });
    await book(subgraph, tenant, { customerId, startsAt: '2030-09-01T19:00:00Z', partySize: 8 });
    // 18:30-19:30 overlaps 6 guests until 19:00 and 8 after: only 2 seats free throughout.
    const refused = await tryBook(subgraph, tenant, { customerId, startsAt: '2030-09-01T18:30:00Z', partySize: 3 });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'CAPACITY_EXCEEDED', capacity: 10, remainingCapacity: 2 });
    expect(await bindReservationTenant(subgraph.client, tenant).reservation.count()).toBe(2);
    // Back-to-back is fine: [18:00, 19:00) and [19:00, 20:00) do not overlap.
    await book(subgraph, tenant, { customerId, startsAt: '2030-09-01T18:30:00Z', partySize: 2 });
    await book(subgraph, tenant, { customerId, startsAt: '2030-09-01T17:00:00Z', partySize: 10 });
    // A party larger than the whole room never fits.
    expect(errorCode(await tryBook(subgraph, tenant, { customerId, startsAt: '2031-01-01T12:00:00Z', partySize: 11 }))).toBe('CAPACITY_EXCEEDED');
  });

  test('cancelled, completed and no-show reservations free their seats', async () => {
    const tenant = 'freed';
    const customerId = await customerIn(tenant);
    await setSettings(subgraph, tenant, { capacity: 4 });
    const startsAt = '2030-09-02T19:00:00Z';
    for (const path of [
      ['cancelReservation'],
      ['confirmReservation', 'markNoShow'],
      ['confirmReservation', 'seatReservation', 'completeReservation'],
    ]) {
      const held = await book(subgraph, tenant, { customerId, startsAt, partySize: 4 });
      expect(errorCode(await tryBook(subgraph, tenant, { customerId, startsAt, partySize: 1 }))).toBe('CAPACITY_EXCEEDED');
      for (const step of path) {
        const body = await mutate(tenant, `mutation ($id: ID!) { ${step}(input: { id: $id }) { reservation { id } } }`, { id: held.id });
        expect(body.errors).toBeUndefined();
      }
    }
    // Confirmed and seated ones keep holding theirs.
    const held = await book(subgraph, tenant, { customerId, startsAt, partySize: 4 });
    for (const step of ['confirmReservation', 'seatReservation']) {
      await mutate(tenant, `mutation ($id: ID!) { ${step}(input: { id: $id }) { reservation { id } } }`, { id: held.id });
      expect(errorCode(await tryBook(subgraph, tenant, { customerId, startsAt, partySize: 1 }))).toBe('CAPACITY_EXCEEDED');
    }
  });

  test('an update is checked without counting the reservation itself', async () => {
    const tenant = 'update-capacity';
    const customerId = await customerIn(tenant);
    await setSettings(subgraph, tenant, { capacity: 8 });
    const own = await book(subgraph, tenant, { customerId, startsAt: '2030-09-03T19:00:00Z', partySize: 4 });
    await book(subgraph, tenant, { customerId, startsAt: '2030-09-03T21:00:00Z', partySize: 6 });
    expect((await mutate(tenant, UPDATE, { input: { id: own.id, partySize: 8 } })).errors).toBeUndefined();
    const moved = await mutate(tenant, UPDATE, { input: { id: own.id, startsAt: '2030-09-03T20:00:00Z' } });
    expect(moved.errors?.[0]?.extensions).toMatchObject({ code: 'CAPACITY_EXCEEDED', remainingCapacity: 2 });
    const stored = await bindReservationTenant(subgraph.client, tenant).reservation.findUniqueOrThrow({ where: { id: own.id } });
    expect(stored.startsAt.toISOString()).toBe('2030-09-03T19:00:00.000Z');
  });
});

describe('settings', () => {
  const SETTINGS = '{ reservationSettings { capacity defaultDurationMinutes slotIntervalMinutes opensAt closesAt updatedAt } }';

  test('a tenant without settings gets the documented defaults; changes are partial and per tenant', async () => {
    expect((await graphqlData(subgraph, SETTINGS, { tenant: 'settings-a' })).reservationSettings).toEqual({
      capacity: 40,
      defaultDurationMinutes: 120,
      slotIntervalMinutes: 30,
      opensAt: '11:00',
      closesAt: '23:00',
      updatedAt: null,
    });
    const {
      updateReservationSettings: { reservationSettings: updated },
    } = await graphqlData<{ updateReservationSettings: { reservationSettings: Record<string, unknown> } }>(
      subgraph,
      'mutation { updateReservationSettings(input: { capacity: 12, closesAt: "01:30" }) { reservationSettings { capacity defaultDurationMinutes opensAt closesAt updatedAt } } }',
      { tenant: 'settings-a' },
    );
    expect(updated).toMatchObject({ capacity: 12, defaultDurationMinutes: 120, opensAt: '11:00', closesAt: '01:30' });
    expect(updated['updatedAt']).toEqual(expect.any(String));
    await setSettings(subgraph, 'settings-a', { defaultDurationMinutes: 45 });
    expect((await graphqlData(subgraph, SETTINGS, { tenant: 'settings-a' })).reservationSettings).toMatchObject({
      capacity: 12,
      defaultDurationMinutes: 45,
    });
    expect((await graphqlData(subgraph, SETTINGS, { tenant: 'settings-b' })).reservationSettings).toMatchObject({ capacity: 40, updatedAt: null });
  });

  test.each([
    [{ capacity: 0 }, 'input.capacity'],
    [{ capacity: 10_001 }, 'input.capacity'],
    [{ defaultDurationMinutes: 4 }, 'input.defaultDurationMinutes'],
    [{ slotIntervalMinutes: 1_441 }, 'input.slotIntervalMinutes'],
    [{ opensAt: '9:00' }, 'input.opensAt'],
    [{ closesAt: '24:00' }, 'input.closesAt'],
    [{ bookingHorizonDays: 0 }, 'input.bookingHorizonDays'],
    [{ bookingHorizonDays: 3_651 }, 'input.bookingHorizonDays'],
  ])('%j is BAD_USER_INPUT naming %s', async (input, field) => {
    const body = await mutate(
      'settings-invalid',
      'mutation ($input: UpdateReservationSettingsInput!) { updateReservationSettings(input: $input) { reservationSettings { capacity } } }',
      { input },
    );
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  test('lowering capacity keeps existing reservations and refuses new ones that no longer fit', async () => {
    const tenant = 'shrink';
    const customerId = await customerIn(tenant);
    await book(subgraph, tenant, { customerId, startsAt: '2030-10-01T19:00:00Z', partySize: 10 });
    await setSettings(subgraph, tenant, { capacity: 6 });
    expect(await bindReservationTenant(subgraph.client, tenant).reservation.count()).toBe(1);
    expect(errorCode(await tryBook(subgraph, tenant, { customerId, startsAt: '2030-10-01T20:00:00Z', partySize: 1 }))).toBe('CAPACITY_EXCEEDED');
    const slots = await graphqlData<{ availability: { startsAt: string; remainingCapacity: number }[] }>(
      subgraph,
      '{ availability(date: "2030-10-01", partySize: 1) { startsAt remainingCapacity } }',
      { tenant },
    );
    expect(slots.availability.find((slot) => slot.startsAt === '2030-10-01T19:00:00.000Z')?.remainingCapacity).toBe(0);
  });
});

describe('availability', () => {
  interface Slot {
    startsAt: string;
    endsAt: string;
    remainingCapacity: number;
    available: boolean;
  }
  const AVAILABILITY =
    'query ($date: Date!, $partySize: Int!) { availability(date: $date, partySize: $partySize) { startsAt endsAt remainingCapacity available } }';

  /** Independent of the implementation: guests present minute by minute, from the reservations list. */
  async function expectedRemaining(tenant: string, slot: Slot, capacity: number): Promise<number> {
    const data = await graphqlData<{ reservations: { nodes: { startsAt: string; endsAt: string; partySize: number; status: string }[] } }>(
      subgraph,
      '{ reservations(first: 100) { nodes { startsAt endsAt partySize status } } }',
      { tenant },
    );
    const holding = data.reservations.nodes.filter((node) => ['PENDING', 'CONFIRMED', 'SEATED'].includes(node.status));
    let peak = 0;
    for (let minute = Date.parse(slot.startsAt); minute < Date.parse(slot.endsAt); minute += 60_000) {
      const present = holding
        .filter((node) => Date.parse(node.startsAt) <= minute && minute < Date.parse(node.endsAt))
        .reduce((sum, node) => sum + node.partySize, 0);
      peak = Math.max(peak, present);
    }
    return Math.max(0, capacity - peak);
  }

  test('slots report exactly the seats a booking can still take, and change with bookings and cancellations', async () => {
    const tenant = 'availability';
    const customerId = await customerIn(tenant);
    await setSettings(subgraph, tenant, { capacity: 10, defaultDurationMinutes: 60, slotIntervalMinutes: 30, opensAt: '18:00', closesAt: '21:00' });
    await book(subgraph, tenant, { customerId, startsAt: '2030-11-05T18:00:00Z', partySize: 4 });
    const late = await book(subgraph, tenant, { customerId, startsAt: '2030-11-05T18:30:00Z', partySize: 3 });
    await book(subgraph, tenant, { customerId, startsAt: '2030-11-05T20:00:00Z', partySize: 10 });
    // Starts before the window and runs into it: it counts for the minutes it overlaps.
    await book(subgraph, tenant, { customerId, startsAt: '2030-11-05T17:30:00Z', partySize: 5 });

    const { availability } = await graphqlData<{ availability: Slot[] }>(subgraph, AVAILABILITY, {
      tenant,
      variables: { date: '2030-11-05', partySize: 3 },
    });
    expect(availability.map((slot) => [slot.startsAt.slice(11, 16), slot.remainingCapacity, slot.available])).toEqual([
      ['18:00', 1, false],
      ['18:30', 3, true],
      ['19:00', 7, true],
      ['19:30', 0, false],
      ['20:00', 0, false],
      ['20:30', 0, false],
    ]);
    for (const slot of availability) {
      expect(slot.remainingCapacity).toBe(await expectedRemaining(tenant, slot, 10));
      expect(Date.parse(slot.endsAt) - Date.parse(slot.startsAt)).toBe(60 * 60_000);
      // One more guest than reported never fits; that is what the booking check says too.
      expect(errorCode(await tryBook(subgraph, tenant, { customerId, startsAt: slot.startsAt, partySize: slot.remainingCapacity + 1 }))).toBe(
        'CAPACITY_EXCEEDED',
      );
    }
    // Exactly the reported number does fit.
    await book(subgraph, tenant, { customerId, startsAt: '2030-11-05T19:00:00Z', partySize: 7 });
    await mutate(tenant, 'mutation ($id: ID!) { cancelReservation(input: { id: $id, reason: "ill" }) { reservation { id } } }', { id: late.id });

    const after = await graphqlData<{ availability: Slot[] }>(subgraph, AVAILABILITY, { tenant, variables: { date: '2030-11-05', partySize: 3 } });
    expect(after.availability.map((slot) => slot.remainingCapacity)).toEqual([1, 3, 3, 0, 0, 0]);
    for (const slot of after.availability) expect(slot.remainingCapacity).toBe(await expectedRemaining(tenant, slot, 10));
  });

  test.each([
    [{ date: '2030-13-01', partySize: 2 }, 'date'],
    [{ date: '1 May 2030', partySize: 2 }, 'date'],
    [{ date: '2030-05-01', partySize: 0 }, 'partySize'],
  ])('%j is BAD_USER_INPUT naming %s', async (variables, field) => {
    const { body } = await graphql(subgraph, AVAILABILITY, { tenant: 'availability-invalid', variables });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });
});

describe('times that have passed', () => {
  const AVAILABILITY = 'query ($date: Date!) { availability(date: $date, partySize: 2) { startsAt endsAt remainingCapacity available } }';
  const slotsOn = async (tenant: string, date: string) =>
    (
      await graphqlData<{ availability: { startsAt: string; endsAt: string; remainingCapacity: number; available: boolean }[] }>(
        timed,
        AVAILABILITY,
        { tenant, variables: { date } },
      )
    ).availability;

  test('availability offers only slots that have not started: today from now on, a past day nothing, a later day all', async () => {
    const tenant = 'past-slots';
    await setSettings(timed, tenant, { capacity: 10, defaultDurationMinutes: 60, slotIntervalMinutes: 30, opensAt: '18:00', closesAt: '21:00' });
    clock.set('2030-11-20T19:10:00Z');
    const today = await slotsOn(tenant, '2030-11-20');
    expect(today.map((slot) => slot.startsAt)).toEqual(['2030-11-20T19:30:00.000Z', '2030-11-20T20:00:00.000Z', '2030-11-20T20:30:00.000Z']);
    // The slots still offered keep their whole shape.
    expect(today[0]).toEqual({ startsAt: '2030-11-20T19:30:00.000Z', endsAt: '2030-11-20T20:30:00.000Z', remainingCapacity: 10, available: true });
    expect(await slotsOn(tenant, '2030-11-19')).toEqual([]);
    expect(await slotsOn(tenant, '2030-11-21')).toHaveLength(6);

    // A slot starting this very moment has not started yet.
    clock.set('2030-11-20T20:30:00Z');
    expect((await slotsOn(tenant, '2030-11-20')).map((slot) => slot.startsAt)).toEqual(['2030-11-20T20:30:00.000Z']);
    clock.set('2030-11-20T20:30:00.001Z');
    expect(await slotsOn(tenant, '2030-11-20')).toEqual([]);
  });

  test('what availability leaves out cannot be booked either; what it offers can', async () => {
    const tenant = 'past-booking';
    const customerId = await customerIn(tenant);
    await setSettings(timed, tenant, { capacity: 10, defaultDurationMinutes: 60, slotIntervalMinutes: 30, opensAt: '18:00', closesAt: '21:00' });
    clock.set('2030-11-20T19:10:00Z');
    const offered = (await slotsOn(tenant, '2030-11-20')).map((slot) => slot.startsAt);
    for (const startsAt of ['2030-11-20T18:00:00.000Z', '2030-11-20T19:00:00.000Z', '2030-11-19T20:00:00.000Z']) {
      expect(offered).not.toContain(startsAt);
      const refused = await tryBook(timed, tenant, { customerId, startsAt });
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.startsAt' });
      expect(refused.errors?.[0]?.message).toMatch(/already passed/);
    }
    expect(await bindReservationTenant(subgraph.client, tenant).reservation.count()).toBe(0);
    for (const startsAt of offered) await book(timed, tenant, { customerId, startsAt });
  });

  test('a walk-in recorded up to five minutes late is booked; one older than that is refused', async () => {
    const tenant = 'walk-in';
    const customerId = await customerIn(tenant);
    clock.set('2030-11-20T19:10:00Z');
    expect((await book(timed, tenant, { customerId, startsAt: '2030-11-20T19:05:00Z' })).startsAt).toBe('2030-11-20T19:05:00.000Z');
    const late = await tryBook(timed, tenant, { customerId, startsAt: '2030-11-20T19:04:59Z' });
    expect(late.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.startsAt' });
  });

  test('a retry with its key still gets a booking whose start has since passed; a move into the past is refused', async () => {
    const tenant = 'past-retry';
    const customerId = await customerIn(tenant);
    clock.set('2030-11-20T19:10:00Z');
    const input = { customerId, startsAt: '2030-11-20T19:30:00Z', idempotencyKey: 'late-retry' };
    const first = await book(timed, tenant, input);
    const later = await book(timed, tenant, { customerId, startsAt: '2030-11-20T21:00:00Z' });

    clock.set('2030-11-20T19:40:00Z');
    expect((await book(timed, tenant, input)).id).toBe(first.id);
    const { idempotencyKey: _, ...withoutKey } = input;
    expect(errorCode(await tryBook(timed, tenant, withoutKey))).toBe('BAD_USER_INPUT');

    const update = (id: string, change: Record<string, unknown>) =>
      graphql<{ updateReservation: { reservation: ReservationView } }>(timed, UPDATE, { tenant, variables: { input: { id, ...change } } }).then(
        ({ body }) => body,
      );
    const moved = await update(later.id, { startsAt: '2030-11-20T19:30:00Z' });
    expect(moved.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.startsAt' });
    expect(
      (await bindReservationTenant(subgraph.client, tenant).reservation.findUniqueOrThrow({ where: { id: later.id } })).startsAt.toISOString(),
    ).toBe('2030-11-20T21:00:00.000Z');
    expect((await update(later.id, { startsAt: '2030-11-20T20:00:00Z' })).data?.updateReservation.reservation.startsAt).toBe(
      '2030-11-20T20:00:00.000Z',
    );
    // A reservation already under way still takes other changes, even with its start resent as it is.
    const grown = await update(first.id, { startsAt: '2030-11-20T19:30:00Z', partySize: 3 });
    expect(grown.errors).toBeUndefined();
    expect(grown.data?.updateReservation.reservation).toMatchObject({ startsAt: '2030-11-20T19:30:00.000Z', partySize: 3 });
  });
});

describe('the booking horizon', () => {
  test("starts past the tenant's horizon are refused, not offered, and not moved to; the horizon is a setting", async () => {
    const tenant = 'horizon';
    const customerId = await customerIn(tenant);
    clock.set('2030-01-01T12:00:00Z');
    // Without a setting of its own the tenant follows the service's BOOKING_HORIZON_DAYS (3650 in tests).
    const horizonOf = async () =>
      (
        await graphqlData<{ reservationSettings: { bookingHorizonDays: number } }>(timed, '{ reservationSettings { bookingHorizonDays } }', {
          tenant,
        })
      ).reservationSettings.bookingHorizonDays;
    expect(await horizonOf()).toBe(3650);
    expect(errorCode(await tryBook(timed, tenant, { customerId, startsAt: '9999-12-31T19:00:00Z' }))).toBe('BAD_USER_INPUT');

    await setSettings(timed, tenant, { bookingHorizonDays: 30, capacity: 20 });
    expect(await horizonOf()).toBe(30);
    const edge = await book(timed, tenant, { customerId, startsAt: '2030-01-31T12:00:00Z' });
    const beyond = await tryBook(timed, tenant, { customerId, startsAt: '2030-01-31T12:00:00.001Z' });
    expect(beyond.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.startsAt' });
    expect(beyond.errors?.[0]?.message).toMatch(/30 days ahead/);
    const moved = await graphql(timed, UPDATE, { tenant, variables: { input: { id: edge.id, startsAt: '2030-02-15T19:00:00Z' } } });
    expect(moved.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.startsAt' });
    const slots = (date: string) =>
      graphqlData<{ availability: unknown[] }>(timed, 'query ($date: Date!) { availability(date: $date, partySize: 2) { startsAt } }', {
        tenant,
        variables: { date },
      });
    expect((await slots('2030-01-30')).availability.length).toBeGreaterThan(0);
    expect((await slots('2030-02-01')).availability).toEqual([]);

    // Another setting saved later leaves the horizon as the tenant set it.
    await setSettings(timed, tenant, { capacity: 25 });
    expect(await horizonOf()).toBe(30);
    expect(await bindReservationTenant(subgraph.client, tenant).reservation.count()).toBe(1);
  });
});

describe('idempotency keys are kept for 24 hours', () => {
  const READ = `query ($id: ID!) { reservation(id: $id) { ${RESERVATION_FIELDS} } }`;

  test('within the window a repeat returns the booking and another payload is CONFLICT; after it the key books anew', async () => {
    const tenant = 'key-window';
    const customerId = await customerIn(tenant);
    clock.set('2030-06-01T12:00:00Z');
    const first = { customerId, startsAt: '2031-03-01T19:00:00Z', partySize: 2, idempotencyKey: 'checkout-7' };
    const original = await book(timed, tenant, first);
    expect(original.createdAt).toBe('2030-06-01T12:00:00.000Z');

    clock.set('2030-06-02T11:59:59.999Z');
    expect(await book(timed, tenant, first)).toEqual(original);
    const conflicting = await tryBook(timed, tenant, { ...first, partySize: 3 });
    expect(conflicting.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.idempotencyKey' });
    expect(await bindReservationTenant(subgraph.client, tenant).reservation.count()).toBe(1);

    // Exactly 24 hours later the key no longer answers with the old booking.
    clock.set('2030-06-02T12:00:00Z');
    const second = { ...first, startsAt: '2031-03-08T19:00:00Z', partySize: 5 };
    const rebooked = await book(timed, tenant, second);
    expect(rebooked.id).not.toBe(original.id);
    expect(rebooked).toMatchObject({ startsAt: '2031-03-08T19:00:00.000Z', partySize: 5, status: 'PENDING' });
    // The earlier booking is untouched, to the last timestamp.
    const read = await graphqlData<{ reservation: ReservationView }>(timed, READ, { tenant, variables: { id: original.id } });
    expect(read.reservation).toEqual(original);

    // The key now protects the new booking for its own 24 hours.
    clock.set('2030-06-03T11:00:00Z');
    expect((await book(timed, tenant, second)).id).toBe(rebooked.id);
    expect(errorCode(await tryBook(timed, tenant, first))).toBe('CONFLICT');
    clock.set('2030-11-01T12:00:00Z');
    const third = await book(timed, tenant, first);
    expect([original.id, rebooked.id]).not.toContain(third.id);
    expect(await bindReservationTenant(subgraph.client, tenant).reservation.count()).toBe(3);
  });

  test('a booking with an expired key that is refused leaves the key with its first booking', async () => {
    const tenant = 'key-window-refused';
    const customerId = await customerIn(tenant);
    await setSettings(timed, tenant, { capacity: 4 });
    clock.set('2030-06-01T12:00:00Z');
    const first = { customerId, startsAt: '2031-04-01T19:00:00Z', partySize: 4, idempotencyKey: 'full-room' };
    const original = await book(timed, tenant, first);

    clock.set('2030-06-02T13:00:00Z');
    expect(errorCode(await tryBook(timed, tenant, { ...first, partySize: 1 }))).toBe('CAPACITY_EXCEEDED');
    expect(await bindReservationTenant(subgraph.client, tenant).reservation.count()).toBe(1);
    const stored = await bindReservationTenant(subgraph.client, tenant).reservation.findUniqueOrThrow({ where: { id: original.id } });
    expect(stored).toMatchObject({ idempotencyKey: 'full-room', idempotencyFingerprint: expect.any(String) });
    // Seen from inside the window again, the key still answers with the first booking.
    clock.set('2030-06-01T13:00:00Z');
    expect((await book(timed, tenant, first)).id).toBe(original.id);
  });
});

describe('Customer.reservations contributed to the customer entity', () => {
  const ENTITIES = `query ($r: [_Any!]!) { _entities(representations: $r) {
    ... on Customer { id all: reservations { id } confirmed: reservations(status: [CONFIRMED]) { id }
      july: reservations(from: "2030-07-10T00:00:00Z", to: "2030-07-12T00:00:00Z") { id startsAt } }
    ... on Reservation { id partySize } } }`;

  test('N customers cost one query per distinct set of arguments, and each gets only its own reservations', async () => {
    const tenant = 'fanout';
    const customers: string[] = [];
    const booked = new Map<string, ReservationView[]>();
    for (let index = 0; index < 4; index++) {
      const customerId = await customerIn(tenant);
      customers.push(customerId);
      const list: ReservationView[] = [];
      for (let n = 0; n < index; n++) list.push(await book(subgraph, tenant, { customerId, startsAt: `2030-07-1${n}T19:00:00Z` }));
      if (list[0]) await mutate(tenant, 'mutation ($id: ID!) { confirmReservation(input: { id: $id }) { reservation { id } } }', { id: list[0].id });
      booked.set(customerId, list);
    }
    const { result, queries } = await countQueries(subgraph.client, () =>
      graphqlData<{ _entities: { id: string; all: { id: string }[]; confirmed: { id: string }[]; july: { id: string }[] }[] }>(subgraph, ENTITIES, {
        tenant,
        variables: { r: customers.map((id) => ({ __typename: 'Customer', id })) },
      }),
    );
    expect(queries).toHaveLength(3);
    for (const entity of result._entities) {
      const own = booked.get(entity.id)!;
      expect(entity.all.map((reservation) => reservation.id)).toEqual(own.map((reservation) => reservation.id));
      expect(entity.confirmed.map((reservation) => reservation.id)).toEqual(own.slice(0, 1).map((reservation) => reservation.id));
      expect(entity.july.map((reservation) => reservation.id)).toEqual(
        own.filter((reservation) => reservation.startsAt < '2030-07-12').map((reservation) => reservation.id),
      );
    }
  });

  test("another tenant's reservations are invisible through _entities", async () => {
    const customerId = await customerIn('owner');
    const reservation = await book(subgraph, 'owner', { customerId, startsAt: '2030-08-01T19:00:00Z' });
    const data = await graphqlData<{ _entities: unknown[] }>(subgraph, ENTITIES, {
      tenant: 'intruder',
      variables: {
        r: [
          { __typename: 'Customer', id: customerId },
          { __typename: 'Reservation', id: reservation.id },
        ],
      },
    });
    expect(data._entities).toEqual([{ id: customerId, all: [], confirmed: [], july: [] }, null]);
  });
});

test('the demo seed gives tenant demo settings and reservations in every status, within capacity, and is idempotent', async () => {
  const prisma = subgraph.client;
  await seedDemoReservations(prisma, silentLogger);
  const first = await bindReservationTenant(prisma, 'demo').reservation.findMany({ orderBy: { id: 'asc' } });
  await seedDemoReservations(prisma, silentLogger);
  expect(await bindReservationTenant(prisma, 'demo').reservation.findMany({ orderBy: { id: 'asc' } })).toEqual(first);

  expect(new Set(first.map((row) => row.status))).toEqual(new Set(['PENDING', 'CONFIRMED', 'SEATED', 'COMPLETED', 'CANCELLED', 'NO_SHOW']));
  const demoIds: string[] = demoCustomers.map((customer) => customer.id);
  for (const row of first) expect(demoIds).toContain(row.customerId);
  // Every demo customer has something to show.
  expect(new Set(first.map((row) => row.customerId)).size).toBe(demoCustomers.length);

  const settings = await graphqlData<{ reservationSettings: { capacity: number; updatedAt: string | null } }>(
    subgraph,
    '{ reservationSettings { capacity updatedAt } }',
    { tenant: 'demo' },
  );
  expect(settings.reservationSettings.updatedAt).not.toBeNull();
  const holding = first.filter((row) => ['PENDING', 'CONFIRMED', 'SEATED'].includes(row.status));
  expect(peakOccupancy(holding, new Date(0), new Date(8_640_000_000_000))).toBeLessThanOrEqual(settings.reservationSettings.capacity);
});
