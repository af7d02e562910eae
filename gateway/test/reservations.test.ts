import net from 'node:net';
import type { StartedSubgraph } from '@reservations/platform/subgraph/start-subgraph';
import { bindCustomerTenant } from '@reservations/customer-subgraph/database';
import { bindReservationTenant, type ReservationPrisma } from '@reservations/reservation-subgraph/database';
import { graphql, graphqlData, type GraphQLResponseBody } from '@reservations/test-support/graphql';
import { startTestGateway, startTestReservationSubgraph, startTestSupergraph, type TestSupergraph } from '@reservations/test-support/supergraph';
import type { StartedGateway } from '../src/server';

/**
 * The reservation contract as clients see it: through the gateway, with both subgraphs on
 * PostgreSQL in-process. Every status transition, every error code, and what a reservation
 * of a since-deleted customer looks like.
 */
let supergraph: TestSupergraph;
let gatewayUrl: string;

const TENANT = 'reservations-gw';
let customerId: string;

type Body = GraphQLResponseBody<Record<string, unknown>>;

async function call(query: string, variables: Record<string, unknown> = {}, tenant = TENANT, url = gatewayUrl): Promise<Body> {
  return (await graphql<Record<string, unknown>>(url, query, { tenant, variables })).body;
}

async function newCustomer(tenant: string, name: string): Promise<string> {
  const data = await graphqlData<{ createCustomer: { customer: { id: string } } }>(
    gatewayUrl,
    'mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }',
    { tenant, variables: { input: { name, email: `${name.toLowerCase().replace(/\W/g, '')}-${tenant}@example.com` } } },
  );
  return data.createCustomer.customer.id;
}

const CREATE =
  'mutation ($input: CreateReservationInput!) { createReservation(input: $input) { reservation { id status startsAt endsAt partySize customer { id name } } } }';

let slot = 0;
/** A fresh PENDING reservation at its own hour, so tests never compete for seats. */
async function pending(tenant = TENANT, customer = customerId): Promise<string> {
  slot += 1;
  const startsAt = new Date(Date.UTC(2032, 0, 1, 0) + slot * 3 * 3_600_000).toISOString();
  const body = await call(CREATE, { input: { customerId: customer, startsAt, partySize: 2 } }, tenant);
  expect(body.errors).toBeUndefined();
  return (body.data as { createReservation: { reservation: { id: string } } }).createReservation.reservation.id;
}

const MUTATION_OF = {
  confirm: 'confirmReservation',
  seat: 'seatReservation',
  complete: 'completeReservation',
  cancel: 'cancelReservation',
  noShow: 'markNoShow',
} as const;
type Step = keyof typeof MUTATION_OF;

function transition(step: Step, id: string, tenant = TENANT): Promise<Body> {
  const reason = step === 'cancel' ? ', reason: "Changed plans"' : '';
  return call(
    `mutation ($id: ID!) { ${MUTATION_OF[step]}(input: { id: $id${reason} }) { reservation { id status cancellationReason } } }`,
    { id },
    tenant,
  );
}

/** How to reach each status from PENDING through allowed transitions. */
const PATH_TO: Record<string, Step[]> = {
  PENDING: [],
  CONFIRMED: ['confirm'],
  SEATED: ['confirm', 'seat'],
  COMPLETED: ['confirm', 'seat', 'complete'],
  CANCELLED: ['cancel'],
  NO_SHOW: ['confirm', 'noShow'],
};

async function reservationIn(status: string): Promise<string> {
  const id = await pending();
  for (const step of PATH_TO[status]!) expect((await transition(step, id)).errors).toBeUndefined();
  return id;
}

const ALLOWED: Record<Step, { from: string[]; to: string }> = {
  confirm: { from: ['PENDING'], to: 'CONFIRMED' },
  seat: { from: ['CONFIRMED'], to: 'SEATED' },
  complete: { from: ['SEATED'], to: 'COMPLETED' },
  cancel: { from: ['PENDING', 'CONFIRMED'], to: 'CANCELLED' },
  noShow: { from: ['CONFIRMED'], to: 'NO_SHOW' },
};

const cases = Object.keys(PATH_TO).flatMap((status) =>
  (Object.keys(MUTATION_OF) as Step[]).map((step) => [step, status, ALLOWED[step].from.includes(status)] as const),
);

beforeAll(async () => {
  supergraph = await startTestSupergraph('reservations_gateway');
  gatewayUrl = supergraph.gatewayUrl;
  customerId = await newCustomer(TENANT, 'Transition Tess');
  const settings = await call('mutation { updateReservationSettings(input: { capacity: 1000 }) { reservationSettings { capacity } } }');
  expect(settings.errors).toBeUndefined();
});

afterAll(async () => {
  await supergraph?.stop();
});

describe('status transitions through the gateway', () => {
  test.each(cases)('%s on a %s reservation: allowed = %s', async (step, status, allowed) => {
    const id = await reservationIn(status);
    const body = await transition(step, id);
    if (allowed) {
      expect(body.errors).toBeUndefined();
      expect(body.data?.[MUTATION_OF[step]]).toMatchObject({ reservation: { id, status: ALLOWED[step].to } });
    } else {
      expect(body.data).toBeNull();
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.id', status });
      const read = await call('query ($id: ID!) { reservation(id: $id) { status } }', { id });
      expect(read.data).toEqual({ reservation: { status } });
    }
  });

  test('a cancellation keeps its reason', async () => {
    const body = await transition('cancel', await pending());
    expect(body.data?.['cancelReservation']).toMatchObject({ reservation: { status: 'CANCELLED', cancellationReason: 'Changed plans' } });
  });
});

describe('error codes through the gateway', () => {
  const UNKNOWN_ID = '0190a5f0-0000-7000-9999-000000000000';

  test.each([...Object.values(MUTATION_OF), 'updateReservation'])('%s on an unknown or foreign id is NOT_FOUND', async (mutation) => {
    const fields = mutation === 'updateReservation' ? ', partySize: 3' : '';
    const query = `mutation ($id: ID!) { ${mutation}(input: { id: $id${fields} }) { reservation { id } } }`;
    expect((await call(query, { id: UNKNOWN_ID })).errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', serviceName: 'reservation' });
    const foreign = await call(query, { id: await pending() }, 'another-tenant');
    expect(foreign.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    // Reads answer null instead.
    expect((await call('query ($id: ID!) { reservation(id: $id) { id } }', { id: UNKNOWN_ID })).data).toEqual({ reservation: null });
  });

  test.each([
    ['an unknown customer', { customerId: UNKNOWN_ID }, 'input.customerId'],
    ['a time without offset', { startsAt: '2032-06-01T19:00' }, 'input.startsAt'],
    ['an impossible day', { startsAt: '2032-02-30T19:00:00Z' }, 'input.startsAt'],
    ['a party of 0', { partySize: 0 }, 'input.partySize'],
    ['a blank idempotency key', { idempotencyKey: ' ' }, 'input.idempotencyKey'],
  ])('createReservation with %s is BAD_USER_INPUT naming the field', async (_, override, field) => {
    const input = { customerId, startsAt: '2032-06-01T19:00:00Z', partySize: 2, ...override };
    const body = await call(CREATE, { input });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  test('other invalid arguments are BAD_USER_INPUT naming the field', async () => {
    const expectField = async (query: string, field: string, variables: Record<string, unknown> = {}) =>
      expect((await call(query, variables)).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    await expectField('{ availability(date: "2032-02-30", partySize: 2) { startsAt } }', 'date');
    await expectField('query ($d: Date!) { availability(date: $d, partySize: 2) { startsAt } }', 'date', { d: 'tomorrow' });
    await expectField('{ reservations(first: 101) { totalCount } }', 'first');
    await expectField('{ reservations(from: "2032-01-01") { totalCount } }', 'from');
    await expectField('mutation { updateReservationSettings(input: { capacity: -1 }) { reservationSettings { capacity } } }', 'input.capacity');
    await expectField('mutation { updateReservationSettings(input: { opensAt: "25:00" }) { reservationSettings { capacity } } }', 'input.opensAt');
  });

  test('CAPACITY_EXCEEDED on create and on update; nothing changes', async () => {
    const tenant = 'gw-capacity';
    const guest = await newCustomer(tenant, 'Full Fiona');
    await call('mutation { updateReservationSettings(input: { capacity: 6 }) { reservationSettings { capacity } } }', {}, tenant);
    const first = await call(CREATE, { input: { customerId: guest, startsAt: '2032-03-01T19:00:00Z', partySize: 4 } }, tenant);
    const second = await call(CREATE, { input: { customerId: guest, startsAt: '2032-03-01T22:00:00Z', partySize: 4 } }, tenant);
    const over = await call(CREATE, { input: { customerId: guest, startsAt: '2032-03-01T20:00:00Z', partySize: 3 } }, tenant);
    expect(over.errors?.[0]?.extensions).toMatchObject({ code: 'CAPACITY_EXCEEDED', capacity: 6, remainingCapacity: 2, serviceName: 'reservation' });

    const secondId = (second.data as { createReservation: { reservation: { id: string } } }).createReservation.reservation.id;
    const moved = await call(
      'mutation ($id: ID!) { updateReservation(input: { id: $id, startsAt: "2032-03-01T20:00:00Z" }) { reservation { id } } }',
      { id: secondId },
      tenant,
    );
    expect(moved.errors?.[0]?.extensions?.['code']).toBe('CAPACITY_EXCEEDED');
    expect(first.errors).toBeUndefined();
    const list = await graphqlData<{ reservations: { nodes: { startsAt: string }[] } }>(gatewayUrl, '{ reservations { nodes { startsAt } } }', {
      tenant,
    });
    expect(list.reservations.nodes.map((node) => node.startsAt)).toEqual(['2032-03-01T19:00:00.000Z', '2032-03-01T22:00:00.000Z']);
  });

  test('an idempotency key returns the first reservation; reused with another payload it is CONFLICT', async () => {
    const input = { customerId, startsAt: '2032-04-01T19:00:00Z', partySize: 2, idempotencyKey: 'gw-key-1' };
    const first = await call(CREATE, { input });
    const again = await call(CREATE, { input });
    expect(again.data).toEqual(first.data);
    const changed = await call(CREATE, { input: { ...input, partySize: 3 } });
    expect(changed.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.idempotencyKey' });
  });

  describe('with the customer subgraph unreachable from the reservation subgraph', () => {
    let isolated: StartedSubgraph<ReservationPrisma>;
    let gateway: StartedGateway;

    beforeAll(async () => {
      const probe = net.createServer();
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      const { port } = probe.address() as net.AddressInfo;
      await new Promise((resolve) => probe.close(resolve));
      isolated = await startTestReservationSubgraph(supergraph.databases.reservation, `http://127.0.0.1:${port}/graphql`);
      gateway = await startTestGateway({ customer: supergraph.customer.url, reservation: isolated.url });
    });

    afterAll(async () => {
      await gateway?.stop();
      await isolated?.stop();
    });

    test('createReservation is SERVICE_UNAVAILABLE naming the customer subgraph, and nothing is written', async () => {
      const tenant = 'gw-unavailable';
      const guest = await newCustomer(tenant, 'Patient Pat');
      const body = await call(CREATE, { input: { customerId: guest, startsAt: '2032-05-01T19:00:00Z', partySize: 2 } }, tenant, gateway.url);
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', subgraph: 'customer' });
      expect(await bindReservationTenant(supergraph.reservation.client, tenant).reservation.count()).toBe(0);
    });
  });
});

describe('reservations of a customer deleted in the customer subgraph', () => {
  test('customer { id } still resolves; asking for its other fields nulls the reservation (gateway value completion)', async () => {
    const tenant = 'gw-deleted';
    const gone = await newCustomer(tenant, 'Gone Gary');
    const id = await pending(tenant, gone);
    expect(await bindCustomerTenant(supergraph.customer.client, tenant).customer.deleteMany({ where: { id: gone } })).toEqual({ count: 1 });

    // The reference needs no customer subgraph call: the id is the reservation subgraph's own data.
    const byId = await call('query ($id: ID!) { reservation(id: $id) { id status customer { id } } }', { id }, tenant);
    expect(byId).toEqual({ data: { reservation: { id, status: 'PENDING', customer: { id: gone } } }, extensions: { cost: expect.anything() } });

    // Customer.name is non-null and the customer subgraph returns null for the entity: null
    // propagates to the nearest nullable field, here `reservation`. The gateway reports it in
    // extensions.valueCompletion, not in errors.
    const withName = await call('query ($id: ID!) { reservation(id: $id) { id customer { id name } } }', { id }, tenant);
    expect(withName.errors).toBeUndefined();
    expect(withName.data).toEqual({ reservation: null });
    expect((withName as { extensions?: { valueCompletion?: unknown[] } }).extensions?.valueCompletion).toEqual([
      expect.objectContaining({
        message: 'Cannot return null for non-nullable field Customer.name.',
        path: ['reservation', 'customer', 'name'],
      }),
    ]);

    // In a list every level is non-null, so the whole answer becomes null.
    const list = await call('{ reservations { nodes { id customer { name } } } }', {}, tenant);
    expect(list.data).toBeNull();
    expect((list as { extensions?: { valueCompletion?: unknown[] } }).extensions?.valueCompletion).toHaveLength(1);

    // The reservation itself is intact and can still be managed.
    const cancelled = await call(
      'mutation ($id: ID!) { cancelReservation(input: { id: $id, reason: "Customer left" }) { reservation { id status } } }',
      { id },
      tenant,
    );
    expect(cancelled.data).toEqual({ cancelReservation: { reservation: { id, status: 'CANCELLED' } } });
  });
});

test('Customer.reservations takes status and time filters through the gateway', async () => {
  const tenant = 'gw-customer-filters';
  const guest = await newCustomer(tenant, 'Filter Flo');
  const early = await pending(tenant, guest);
  const late = await pending(tenant, guest);
  await transition('confirm', late, tenant);
  const data = await graphqlData<{ customer: { name: string; confirmed: { id: string }[]; all: { id: string; customer: { name: string } }[] } }>(
    gatewayUrl,
    'query ($id: ID!) { customer(id: $id) { name confirmed: reservations(status: [CONFIRMED]) { id } all: reservations { id customer { name } } } }',
    { tenant, variables: { id: guest } },
  );
  expect(data.customer.confirmed.map((reservation) => reservation.id)).toEqual([late]);
  expect(data.customer.all.map((reservation) => reservation.id)).toEqual([early, late]);
  expect(data.customer.all[0]?.customer.name).toBe('Filter Flo');
});
