/**
 * Every operation in examples/operations runs against the supergraph seeded with the demo
 * tenant, so the examples front-end teams copy never rot.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { demoCategories, demoCustomers } from '@reservations/customer-subgraph/demo-tenant';
import { graphql } from '@reservations/test-support/graphql';
import { startTestSupergraph, type TestSupergraph } from '@reservations/test-support/supergraph';

const EXAMPLES = path.resolve(__dirname, '..', 'examples', 'operations');
const TENANT = 'demo';

let supergraph: TestSupergraph;

function operation(file: string): string {
  return readFileSync(path.join(EXAMPLES, file), 'utf8');
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
    'booking-confirm.graphql',
    'booking-create.graphql',
    'catalogue-page.graphql',
    'customer-profile.graphql',
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

test('booking flow: availability, book an available slot, confirm it', async () => {
  const date = futureDay(30);
  const { availability } = await run<{ availability: { startsAt: string; available: boolean; remainingCapacity: number }[] }>(
    'booking-availability.graphql',
    { date, partySize: 2 },
  );
  const slot = availability.find((candidate) => candidate.available);
  expect(slot).toBeDefined();

  const { createReservation } = await run<{ createReservation: { id: string; status: string; customer: { name: string } } }>(
    'booking-create.graphql',
    { input: { customerId: demoCustomers[1].id, startsAt: slot!.startsAt, partySize: 2, idempotencyKey: `example-${date}` } },
  );
  expect(createReservation).toMatchObject({ status: 'PENDING', customer: { name: demoCustomers[1].name } });

  // A client that lost the answer finds the booking by its key; an unused key finds nothing.
  const { reservationByIdempotencyKey: found } = await run<{ reservationByIdempotencyKey: { id: string } | null }>(
    'booking-by-key.graphql',
    { key: `example-${date}` },
  );
  expect(found?.id).toBe(createReservation.id);
  const { reservationByIdempotencyKey: missing } = await run<{ reservationByIdempotencyKey: { id: string } | null }>(
    'booking-by-key.graphql',
    { key: `never-used-${date}` },
  );
  expect(missing).toBeNull();

  const after = await run<{ availability: { startsAt: string; remainingCapacity: number }[] }>('booking-availability.graphql', {
    date,
    partySize: 2,
  });
  expect(after.availability.find((candidate) => candidate.startsAt === slot!.startsAt)?.remainingCapacity).toBe(
    slot!.remainingCapacity - 2,
  );

  const { confirmReservation } = await run<{ confirmReservation: { id: string; status: string } }>('booking-confirm.graphql', {
    id: createReservation.id,
  });
  expect(confirmReservation).toEqual({ id: createReservation.id, status: 'CONFIRMED' });
});
