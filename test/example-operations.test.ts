/**
 * Every operation in examples/operations runs against the supergraph seeded with the demo
 * tenant, so the examples front-end teams copy (and the example web app ships) never rot.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { demoCategories, demoCustomers } from '@reservations/customer-subgraph/demo-tenant';
import { graphql } from '@reservations/test-support/graphql';
import { startTestSupergraph, type TestSupergraph } from '@reservations/test-support/supergraph';

const EXAMPLES = path.resolve(__dirname, '..', 'examples', 'operations');
const TENANT = 'demo';

let supergraph: TestSupergraph;

/** The file's operation, with the fragments of examples/operations it spreads appended, as a client's build would. */
function operation(file: string): string {
  const text = readFileSync(path.join(EXAMPLES, file), 'utf8');
  const fragments = readdirSync(EXAMPLES)
    .map((name) => readFileSync(path.join(EXAMPLES, name), 'utf8'))
    .filter((other) => other !== text && [...other.matchAll(/^fragment (\w+)/gm)].some(([, name]) => text.includes(`...${name}`)));
  return [text, ...fragments].join('\n');
}

async function run<T>(file: string, variables: Record<string, unknown>): Promise<T> {
  const { body } = await graphql<T>(supergraph.gatewayUrl, operation(file), { tenant: TENANT, variables });
  expect(body.errors).toBeUndefined();
  return body.data as T;
}

/** A day comfortably in the future, as YYYY-MM-DD (UTC). */
function futureDay(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

beforeAll(async () => {
  supergraph = await startTestSupergraph('examples', { env: { SEED_DEMO_DATA: 'true' } });
});

afterAll(async () => {
  await supergraph?.stop();
});

test('every example file is covered by this test', () => {
  expect(readdirSync(EXAMPLES).sort()).toEqual([
    'booking-availability.graphql',
    'booking-by-key.graphql',
    'booking-cancel.graphql',
    'booking-confirm.graphql',
    'booking-create.graphql',
    'booking-fields.graphql',
    'catalogue-page.graphql',
    'customer-choices.graphql',
    'customer-profile.graphql',
    'customers-with-upcoming.graphql',
  ]);
});

test('catalogue page: categories in order, active products of one category', async () => {
  const data = await run<{
    categories: { nodes: { id: string; name: string }[] };
    products: { totalCount: number; nodes: { priceCents: number; category: { id: string } | null }[] };
  }>('catalogue-page.graphql', { categoryId: demoCategories[1].id });
  expect(data.categories.nodes.map((category) => category.name)).toEqual(demoCategories.map((category) => category.name));
  expect(data.products.totalCount).toBeGreaterThan(0);
  for (const product of data.products.nodes) expect(product.category?.id).toBe(demoCategories[1].id);
});

test('customer profile: the customer and their reservations across both subgraphs', async () => {
  const data = await run<{ customer: { name: string; reservations: { status: string }[] } }>('customer-profile.graphql', {
    id: demoCustomers[0].id,
  });
  expect(data.customer.name).toBe(demoCustomers[0].name);
  expect(data.customer.reservations.length).toBeGreaterThan(0);
});

test('customers with upcoming bookings, and the choices of a booking form', async () => {
  const upcoming = await run<{ customers: { totalCount: number; nodes: { name: string; reservations: { status: string }[] | null }[] } }>(
    'customers-with-upcoming.graphql',
    { from: new Date(0).toISOString() },
  );
  expect(upcoming.customers.totalCount).toBe(demoCustomers.length);
  const first = upcoming.customers.nodes.find((customer) => customer.name === demoCustomers[0].name);
  expect(first?.reservations?.length).toBeGreaterThan(0);
  for (const reservation of first?.reservations ?? []) expect(['PENDING', 'CONFIRMED']).toContain(reservation.status);

  const choices = await run<{ customers: { nodes: { id: string; name: string }[] } }>('customer-choices.graphql', {});
  expect(choices.customers.nodes.map((customer) => customer.id).sort()).toEqual(demoCustomers.map((customer) => customer.id).sort());
});

test('booking flow: availability, book an available slot, find it by its key, confirm it, cancel it', async () => {
  const date = futureDay(30);
  const { availability } = await run<{ availability: { startsAt: string; available: boolean; remainingCapacity: number }[] }>(
    'booking-availability.graphql',
    { date, partySize: 2 },
  );
  const slot = availability.find((candidate) => candidate.available);
  expect(slot).toBeDefined();

  type Booking = { id: string; status: string; customer: { name: string } };
  const {
    createReservation: { reservation: booked },
  } = await run<{ createReservation: { reservation: Booking } }>('booking-create.graphql', {
    input: { customerId: demoCustomers[1].id, startsAt: slot!.startsAt, partySize: 2, idempotencyKey: `example-${date}` },
  });
  expect(booked).toMatchObject({ status: 'PENDING', customer: { name: demoCustomers[1].name } });

  // A client that lost the answer finds the booking by its key; an unused key finds nothing.
  const { reservationByIdempotencyKey: found } = await run<{ reservationByIdempotencyKey: Booking | null }>('booking-by-key.graphql', {
    key: `example-${date}`,
  });
  expect(found).toMatchObject({ id: booked.id, status: 'PENDING' });
  const { reservationByIdempotencyKey: missing } = await run<{ reservationByIdempotencyKey: Booking | null }>('booking-by-key.graphql', {
    key: `never-used-${date}`,
  });
  expect(missing).toBeNull();

  const after = await run<{ availability: { startsAt: string; remainingCapacity: number }[] }>('booking-availability.graphql', {
    date,
    partySize: 2,
  });
  expect(after.availability.find((candidate) => candidate.startsAt === slot!.startsAt)?.remainingCapacity).toBe(slot!.remainingCapacity - 2);

  const { confirmReservation } = await run<{ confirmReservation: { reservation: { id: string; status: string } } }>('booking-confirm.graphql', {
    input: { id: booked.id },
  });
  expect(confirmReservation).toEqual({ reservation: { id: booked.id, status: 'CONFIRMED' } });

  const { cancelReservation } = await run<{ cancelReservation: { reservation: { id: string; status: string; cancellationReason: string | null } } }>(
    'booking-cancel.graphql',
    { input: { id: booked.id, reason: 'Plans changed' } },
  );
  expect(cancelReservation).toEqual({ reservation: { id: booked.id, status: 'CANCELLED', cancellationReason: 'Plans changed' } });
});
