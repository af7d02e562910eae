/**
 * Demand control through the gateway: the estimate from the supergraph's @cost/@listSize plus
 * the plan's entity fetches, refusals before any subgraph call, and the estimated and actual
 * cost in each response and in /metrics.
 */
import { QueryPlanner } from '@apollo/query-planner';
import { HEAVY_QUERY } from '@reservations/test-support/heavy-query';
import { parsePrometheusText } from '@reservations/test-support/prometheus';
import { startTestSupergraph, type TestSupergraph } from '@reservations/test-support/supergraph';
import { bindCustomerTenant } from '@reservations/customer-subgraph/database';
import { bindReservationTenant } from '@reservations/reservation-subgraph/database';

const TENANT = 'heavy';
let supergraph: TestSupergraph;

beforeAll(async () => {
  supergraph = await startTestSupergraph('demand');
  const customers = await bindCustomerTenant(supergraph.customer.client, TENANT).customer.createManyAndReturn({
    data: Array.from({ length: 100 }, (_, i) => ({
      name: `Guest number ${i + 1}`,
      email: `guest${i + 1}@venue.example.com`,
      phoneE164: '+31611234567',
      notes: 'Prefers a table by the window; allergic to peanuts.',
    })),
    select: { id: true },
  });
  const start = Date.UTC(2027, 0, 1, 18);
  await bindReservationTenant(supergraph.reservation.client, TENANT).reservation.createMany({
    data: customers.flatMap(({ id }, c) =>
      Array.from({ length: 3 }, (_, r) => ({
        customerId: id,
        startsAt: new Date(start + (c * 3 + r) * 3_600_000),
        endsAt: new Date(start + (c * 3 + r + 2) * 3_600_000),
        partySize: 2 + r,
        notes: 'Birthday dinner, bring the cake at 21:00.',
      })),
    ),
  });
});

afterAll(async () => {
  await supergraph?.stop();
});

type Cost = { estimated: number; actual: number };
const costOf = (extensions: unknown): Cost | undefined => (extensions as { cost?: Cost } | undefined)?.cost;

async function call(query: string, variables?: Record<string, unknown>) {
  const response = await fetch(supergraph.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tenant-id': TENANT },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  const body = JSON.parse(text) as { data?: unknown; errors?: { extensions?: Record<string, unknown> }[]; extensions?: unknown };
  return { status: response.status, bytes: text.length, body };
}

it('accepts an honest multi-entity query answering ~100 KB, and reports its cost', async () => {
  const { status, bytes, body } = await call(HEAVY_QUERY);
  expect(body.errors).toBeUndefined();
  expect(status).toBe(200);
  expect(bytes).toBeGreaterThan(90_000);
  const cost = costOf(body.extensions)!;
  expect(cost.estimated).toBeLessThanOrEqual(10_000);
  // The data's objects: 3 connections and a pageInfo, 100 customers, 300 reservations and their customers.
  expect(cost.actual).toBe(4 + 100 + 300 + 300);
});

it('adds the entity fetches of the query plan to the fields', async () => {
  // Fields: the connection, 5 customers, 20 assumed reservations each; one _entities call for 5 customers.
  const { body } = await call('{ customers(first: 5) { nodes { reservations { id } } } }');
  expect(costOf(body.extensions)).toEqual({ estimated: 1 + 5 * (1 + 20) + 5, actual: 1 + 5 + 5 * 3 });
});

it('refuses nested connections multiplied by large first values, before any subgraph call', async () => {
  const { status, body } = await call(
    '{ categories(first: 100) { nodes { products(first: 100) { nodes { category { products(first: 100) { nodes { id } } } } } } } }',
  );
  expect(status).toBe(400);
  expect(body.errors?.[0]?.extensions).toMatchObject({
    code: 'OPERATION_LIMIT_EXCEEDED',
    limit: 'maxCost',
    costResult: 'COST_ESTIMATED_TOO_EXPENSIVE',
  });
});

describe('cost from the values execution uses', () => {
  const amplifying = 'query Amplify($f: Int = 100) { customers(first: $f) { nodes { reservations { customer { reservations { id } } } } } }';

  it('refuses a large first given as a variable default, as it refuses the literal', async () => {
    const byDefault = await call(amplifying);
    const literal = await call(amplifying.replace('($f: Int = 100)', '').replace('$f', '100'));
    expect([byDefault.status, literal.status]).toEqual([400, 400]);
    expect(byDefault.body.errors?.[0]?.extensions?.actual).toBe(literal.body.errors?.[0]?.extensions?.actual);
  });

  it('accepts the same operation with a small first sent as a variable', async () => {
    const { status, body } = await call(amplifying, { f: 2 });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
  });
});

it('records estimated and actual costs in /metrics', async () => {
  await call('{ customers(first: 5) { nodes { id } } }');
  const metrics = parsePrometheusText(await (await fetch(new URL('/metrics', supergraph.gatewayUrl))).text());
  expect(metrics.types.get('gateway_operation_cost_estimated')).toBe('histogram');
  expect(metrics.value('gateway_operation_cost_estimated_count')).toBeGreaterThan(0);
  expect(metrics.value('gateway_operation_cost_actual_count')).toBeGreaterThan(0);
});

it('plans each operation once: the gateway executes the plan admission costed', async () => {
  const original = QueryPlanner.prototype.buildQueryPlan;
  let plans = 0;
  QueryPlanner.prototype.buildQueryPlan = function (this: QueryPlanner, ...args: Parameters<QueryPlanner['buildQueryPlan']>) {
    plans++;
    return original.apply(this, args);
  };
  try {
    for (let i = 0; i < 2; i++) {
      await call('query OncePlanned { customers(first: 2) { nodes { reservations { id } } } }');
      await call('{ customers(first: 3) { nodes { reservations { id } } } }');
    }
  } finally {
    QueryPlanner.prototype.buildQueryPlan = original;
  }
  expect(plans).toBe(2);
});
