import { countQueries } from '@reservations/test-support/query-counter';
import { graphql, graphqlData } from '@reservations/test-support/graphql';
import { startTestSupergraph, type TestSupergraph } from '@reservations/test-support/supergraph';

let supergraph: TestSupergraph;

interface Seeded {
  customers: { id: string; name: string }[];
  reservations: { id: string; customerId: string }[];
}

/** Creates customers and reservations for a tenant through the gateway, as a front-end would. */
async function seed(tenant: string, names: string[], reservationsPerCustomer: number): Promise<Seeded> {
  const seeded: Seeded = { customers: [], reservations: [] };
  for (const [index, name] of names.entries()) {
    const {
      createCustomer: { customer: createCustomer },
    } = await graphqlData<{ createCustomer: { customer: { id: string; name: string } } }>(
      supergraph.gatewayUrl,
      'mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id name } } }',
      { tenant, variables: { input: { name, email: `${tenant}-${index}@example.com` } } },
    );
    seeded.customers.push(createCustomer);
    for (let n = 0; n < reservationsPerCustomer; n++) {
      const {
        createReservation: { reservation: createReservation },
      } = await graphqlData<{ createReservation: { reservation: { id: string } } }>(
        supergraph.gatewayUrl,
        'mutation ($input: CreateReservationInput!) { createReservation(input: $input) { reservation { id } } }',
        { tenant, variables: { input: { customerId: createCustomer.id, startsAt: `2031-01-${10 + n}T19:00:00Z`, partySize: 2 + n } } },
      );
      seeded.reservations.push({ id: createReservation.id, customerId: createCustomer.id });
    }
  }
  return seeded;
}

beforeAll(async () => {
  supergraph = await startTestSupergraph('gateway');
});

afterAll(async () => {
  await supergraph?.stop();
});

const NESTED = '{ customers { nodes { id name reservations { id partySize customer { name } } } } }';

interface Nested {
  customers: { nodes: { id: string; name: string; reservations: { id: string; partySize: number; customer: { name: string } }[] }[] };
}

test("customers with their reservations and each reservation's customer resolve across both subgraphs", async () => {
  const seeded = await seed('nested', ['Ada', 'Grace'], 2);
  const data = await graphqlData<Nested>(supergraph.gatewayUrl, NESTED, { tenant: 'nested' });
  expect(data.customers.nodes).toHaveLength(2);
  for (const customer of data.customers.nodes) {
    const expected = seeded.reservations.filter((reservation) => reservation.customerId === customer.id).map((r) => r.id);
    expect(customer.reservations.map((reservation) => reservation.id)).toEqual(expected);
    expect(customer.reservations.map((reservation) => reservation.partySize)).toEqual([2, 3]);
    for (const reservation of customer.reservations) expect(reservation.customer.name).toBe(customer.name);
  }
});

test('the fan-out costs one query per subgraph batch, not one per entity', async () => {
  await seed('fanout', ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'], 2);
  const customerQueries = countQueries(supergraph.customer.client, async () => {
    const reservationCount = await countQueries(supergraph.reservation.client, () =>
      graphqlData<Nested>(supergraph.gatewayUrl, NESTED, { tenant: 'fanout' }),
    );
    return reservationCount;
  });
  const { result: inner, queries: customerSql } = await customerQueries;
  expect(inner.result.customers.nodes).toHaveLength(8);
  // customer subgraph: the page of customers, then one batch for every reservation's customer
  expect(customerSql).toHaveLength(2);
  // reservation subgraph: one batch for all eight customers' reservations
  expect(inner.queries).toHaveLength(1);
});

test("tenant B never sees tenant A's rows, through queries or entity references", async () => {
  const a = await seed('tenant-a', ['Secret Sam'], 1);
  const b = await graphqlData<Nested>(supergraph.gatewayUrl, NESTED, { tenant: 'tenant-b' });
  expect(b.customers.nodes).toEqual([]);

  const customerId = a.customers[0]!.id;
  const reservationId = a.reservations[0]!.id;
  const direct = await graphqlData<{ customer: unknown; reservation: unknown }>(
    supergraph.gatewayUrl,
    'query ($c: ID!, $r: ID!) { customer(id: $c) { name } reservation(id: $r) { id customer { name } } }',
    { tenant: 'tenant-b', variables: { c: customerId, r: reservationId } },
  );
  expect(direct).toEqual({ customer: null, reservation: null });

  // What the gateway would send for tenant B if it ever carried A's ids: both subgraphs refuse.
  const entities = (type: string): string => `query ($r: [_Any!]!) { _entities(representations: $r) { ... on ${type} { id } } }`;
  const fromCustomer = await graphqlData<{ _entities: unknown[] }>(supergraph.customer.url, entities('Customer'), {
    tenant: 'tenant-b',
    variables: { r: [{ __typename: 'Customer', id: customerId }] },
  });
  expect(fromCustomer._entities).toEqual([null]);
  const fromReservation = await graphqlData<{ _entities: unknown[] }>(supergraph.reservation.url, entities('Reservation'), {
    tenant: 'tenant-b',
    variables: { r: [{ __typename: 'Reservation', id: reservationId }] },
  });
  expect(fromReservation._entities).toEqual([null]);

  const own = await graphqlData<Nested>(supergraph.gatewayUrl, NESTED, { tenant: 'tenant-a' });
  expect(own.customers.nodes.map((customer) => customer.name)).toEqual(['Secret Sam']);
});

test('without x-tenant-id the gateway answers TENANT_REQUIRED and sends nothing to subgraphs', async () => {
  const { result, queries } = await countQueries(supergraph.customer.client, () => graphql(supergraph.gatewayUrl, NESTED));
  expect(result.status).toBe(400);
  expect(result.body.errors?.[0]?.extensions?.code).toBe('TENANT_REQUIRED');
  expect(queries).toHaveLength(0);
});

test('a malformed x-tenant-id is INVALID_TENANT', async () => {
  const { status, body } = await graphql(supergraph.gatewayUrl, NESTED, { tenant: '../etc/passwd' });
  expect(status).toBe(400);
  expect(body.errors?.[0]?.extensions?.code).toBe('INVALID_TENANT');
});

test('introspection works without a tenant, so Sandbox can load the schema', async () => {
  const data = await graphqlData<{ __schema: { types: { name: string }[] } }>(supergraph.gatewayUrl, '{ __schema { types { name } } }');
  const names = data.__schema.types.map((type) => type.name);
  expect(names).toEqual(expect.arrayContaining(['Customer', 'Reservation', 'CustomerConnection']));
  expect(names).not.toContain('_Entity');
});

test('subgraph errors reach the client with their code through the gateway', async () => {
  const { body } = await graphql(supergraph.gatewayUrl, '{ customers(first: 500) { totalCount } }', { tenant: 'codes' });
  expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
});

test('a browser opening /graphql gets Apollo Sandbox, preset for tenant demo', async () => {
  const response = await fetch(supergraph.gatewayUrl, { headers: { accept: 'text/html' } });
  expect(response.status).toBe(200);
  const html = await response.text();
  expect(html).toMatch(/sandbox/i);
  expect(html).toMatch(/"sharedHeaders":\{"x-tenant-id":"demo"\}/);
  expect(html).toContain('query CustomersWithReservations');
});

test('GET /health answers ok on the gateway and both subgraphs', async () => {
  for (const url of [supergraph.gatewayUrl, supergraph.customer.url, supergraph.reservation.url]) {
    const response = await fetch(new URL('/health', url));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok' });
  }
});
