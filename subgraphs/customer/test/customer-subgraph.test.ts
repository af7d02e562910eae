import { createLogger } from '@reservations/platform/logger';
import { countQueries } from '@reservations/test-support/query-counter';
import { graphql, graphqlData } from '@reservations/test-support/graphql';
import { createTestDatabase, type TestDatabase } from '@reservations/test-support/postgres';
import { readCustomerConfig } from '../src/config';
import { startCustomerSubgraph } from '../src/server';

type Started = Awaited<ReturnType<typeof startCustomerSubgraph>>;

let database: TestDatabase;
let subgraph: Started;
let url: string;

const CREATE = `mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id name email createdAt } } }`;

interface CreatedCustomer {
  createCustomer: { customer: { id: string; name: string; email: string; createdAt: string } };
}

async function createCustomer(tenant: string, name: string, email: string): Promise<string> {
  const data = await graphqlData<CreatedCustomer>(url, CREATE, { tenant, variables: { input: { name, email } } });
  return data.createCustomer.customer.id;
}

beforeAll(async () => {
  database = await createTestDatabase('customer_subgraph');
  subgraph = await startCustomerSubgraph(
    readCustomerConfig({ NODE_ENV: 'test', HOST: '127.0.0.1', CUSTOMER_PORT: '0', ...database.env('CUSTOMER'), MIGRATE_ON_START: 'true' }),
    createLogger('customer-test', process.env.TEST_LOG_LEVEL ?? 'silent'),
  );
  url = subgraph.url;
});

afterAll(async () => {
  await subgraph?.stop();
  await database?.drop();
});

describe('customers', () => {
  test('a created customer can be read back by id, with its email normalised', async () => {
    const created = await graphqlData<CreatedCustomer>(url, CREATE, {
      tenant: 'acme',
      variables: { input: { name: '  Marie Curie ', email: 'Marie@Example.COM' } },
    });
    expect(created.createCustomer.customer).toMatchObject({ name: 'Marie Curie', email: 'marie@example.com' });
    expect(new Date(created.createCustomer.customer.createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000);

    const read = await graphqlData<{ customer: { name: string } }>(url, `query ($id: ID!) { customer(id: $id) { name } }`, {
      tenant: 'acme',
      variables: { id: created.createCustomer.customer.id },
    });
    expect(read.customer).toEqual({ name: 'Marie Curie' });
  });

  test('pages through customers in a stable order with cursors and a total count', async () => {
    const tenant = 'paging';
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await createCustomer(tenant, `Guest ${i}`, `guest${i}@example.com`));
    const PAGE = `query ($after: String) { customers(first: 2, after: $after) {
      nodes { id } edges { cursor node { id } } pageInfo { hasNextPage endCursor } totalCount } }`;
    type Page = {
      customers: {
        nodes: { id: string }[];
        edges: { cursor: string; node: { id: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
        totalCount: number;
      };
    };

    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const data: Page = await graphqlData<Page>(url, PAGE, { tenant, variables: { after } });
      expect(data.customers.totalCount).toBe(5);
      expect(data.customers.edges.map((edge) => edge.node.id)).toEqual(data.customers.nodes.map((node) => node.id));
      seen.push(...data.customers.nodes.map((node) => node.id));
      after = data.customers.pageInfo.hasNextPage ? data.customers.pageInfo.endCursor : null;
      pages++;
    } while (after !== null);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].sort());
  });

  test('a duplicate email in the same tenant is a CONFLICT; another tenant may reuse it', async () => {
    await createCustomer('dupes', 'First', 'same@example.com');
    const { body } = await graphql(url, CREATE, { tenant: 'dupes', variables: { input: { name: 'Second', email: 'SAME@example.com' } } });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.email' });
    await expect(createCustomer('other-tenant', 'Third', 'same@example.com')).resolves.toBeTruthy();
  });

  test.each([
    [{ name: 'Bad Email', email: 'not-an-email' }, 'input.email'],
    [{ name: '   ', email: 'blank@example.com' }, 'input.name'],
    [{ name: 'x'.repeat(201), email: 'long@example.com' }, 'input.name'],
  ])('invalid input %j is BAD_USER_INPUT naming %s, and nothing is written', async (input, field) => {
    const { body } = await graphql(url, CREATE, { tenant: 'invalid', variables: { input } });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    const count = await graphqlData<{ customers: { totalCount: number } }>(url, '{ customers { totalCount } }', { tenant: 'invalid' });
    expect(count.customers.totalCount).toBe(0);
  });

  test.each([
    ['{ customers(first: 101) { totalCount } }', 'first'],
    ['{ customers(first: -1) { totalCount } }', 'first'],
    ['{ customers(after: "bm90LWEtY3Vyc29y") { totalCount } }', 'after'],
    ['{ customer(id: "42; DROP TABLE customers") { id } }', 'id'],
  ])('%s is BAD_USER_INPUT naming %s', async (query, field) => {
    const { body } = await graphql(url, query, { tenant: 'acme' });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });
});

describe('tenancy', () => {
  test('a request without x-tenant-id is refused before touching data', async () => {
    const { status, body } = await graphql(url, '{ customers { totalCount } }');
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('TENANT_REQUIRED');
  });

  test('a malformed x-tenant-id is refused', async () => {
    const { status, body } = await graphql(url, '{ customers { totalCount } }', { tenant: 'Acme Corp!' });
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('INVALID_TENANT');
  });

  test('schema-only operations (introspection, _service) need no tenant', async () => {
    const data = await graphqlData<{ _service: { sdl: string }; __schema: { queryType: { name: string } } }>(
      url,
      '{ _service { sdl } __schema { queryType { name } } }',
    );
    expect(data._service.sdl).toContain('type Customer');
    expect(data.__schema.queryType.name).toBe('Query');
  });

  test("another tenant's customer is invisible by id and through _entities", async () => {
    const id = await createCustomer('tenant-a', 'Private Person', 'private@example.com');
    const byId = await graphqlData<{ customer: unknown }>(url, `query ($id: ID!) { customer(id: $id) { id } }`, {
      tenant: 'tenant-b',
      variables: { id },
    });
    expect(byId.customer).toBeNull();
    const entities = await graphqlData<{ _entities: unknown[] }>(
      url,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id name } } }`,
      { tenant: 'tenant-b', variables: { r: [{ __typename: 'Customer', id }] } },
    );
    expect(entities._entities).toEqual([null]);
  });
});

describe('entity references', () => {
  test('N customer references resolve with one database query, in request order', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(await createCustomer('batch', `Batch ${i}`, `batch${i}@example.com`));
    const representations = [...ids].reverse().map((id) => ({ __typename: 'Customer', id }));
    representations.push({ __typename: 'Customer', id: 'not-a-uuid' });

    const { result, queries, statements } = await countQueries(subgraph.client, () =>
      graphqlData<{ _entities: ({ id: string } | null)[] }>(
        url,
        `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id name } } }`,
        { tenant: 'batch', variables: { r: representations } },
      ),
    );
    expect(result._entities.map((entity) => entity?.id ?? null)).toEqual([...[...ids].reverse(), null]);
    expect(queries).toHaveLength(1);
    // Prisma sends the query alone, in no transaction of its own: the driver adapter binds the
    // tenant in the same round trip (what reaches PostgreSQL: test/tenant-round-trips.test.ts).
    expect(statements).toEqual(queries);
  });
});

describe('unexpected failures', () => {
  test('a database failure reaches the client as INTERNAL_SERVER_ERROR without SQL or Prisma text', async () => {
    const tenant = 'broken';
    await database.asOwner('ALTER TABLE customers RENAME TO customers_away');
    try {
      const { body } = await graphql(url, '{ customers { nodes { id } } }', { tenant });
      expect(body.errors?.[0]).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      expect(JSON.stringify(body)).not.toMatch(/customers_away|relation|prisma|SELECT/i);
    } finally {
      await database.asOwner('ALTER TABLE customers_away RENAME TO customers');
    }
  });
});
