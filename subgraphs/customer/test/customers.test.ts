/**
 * Customers, at the customer subgraph's own Apollo Server in-process (no HTTP, no gateway):
 * search, the full set of mutations and their error codes, and tenant isolation.
 */
import { graphql, graphqlData } from '@reservations/test-support/graphql';
import { createTestDatabase, type TestDatabase } from '@reservations/test-support/postgres';
import { startInProcessSubgraph, type InProcessSubgraph } from '@reservations/test-support/subgraph-operations';
import type { CustomerPrisma } from '../src/database';
import { customerSubgraph } from '../src/server';

let database: TestDatabase;
let subgraph: InProcessSubgraph<CustomerPrisma>;

beforeAll(async () => {
  database = await createTestDatabase('customers');
  subgraph = await startInProcessSubgraph(customerSubgraph, database);
});

afterAll(async () => {
  await subgraph?.stop();
  await database?.drop();
});

const MISSING_ID = '0190a5f0-0000-7000-8000-00000000dead';
const CUSTOMER = 'id name email phone notes createdAt updatedAt';

interface CustomerNode {
  id: string;
  name: string;
  email: string;
  phone: string | null;
  notes: string | null;
  createdAt: string;
  updatedAt: string;
}

function call<T>(tenant: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  return graphqlData<T>(subgraph, query, { tenant, variables });
}

async function failure(tenant: string, query: string, variables: Record<string, unknown> = {}) {
  const { body } = await graphql(subgraph, query, { tenant, variables });
  const error = body.errors?.[0];
  if (!error) throw new Error(`expected an error, got ${JSON.stringify(body)}`);
  return error;
}

async function createCustomer(tenant: string, input: Record<string, unknown>): Promise<CustomerNode> {
  const data = await call<{ createCustomer: { customer: CustomerNode } }>(
    tenant,
    `mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { ${CUSTOMER} } } }`,
    { input },
  );
  return data.createCustomer.customer;
}

const UPDATE = `mutation ($input: UpdateCustomerInput!) { updateCustomer(input: $input) { customer { ${CUSTOMER} } } }`;
const DELETE = 'mutation ($id: ID!) { deleteCustomer(input: { id: $id }) { deletedId } }';
const READ = `query ($id: ID!) { customer(id: $id) { ${CUSTOMER} } }`;

test('create with phone and notes, update some fields, clear others, delete', async () => {
  const tenant = 'crm';
  const created = await createCustomer(tenant, {
    name: ' Mary Jackson ',
    email: 'Mary@Example.com',
    phone: '+1 (757) 555-0100',
    notes: '  Birthday in April. ',
  });
  expect(created).toMatchObject({ name: 'Mary Jackson', email: 'mary@example.com', phone: '+17575550100', notes: 'Birthday in April.' });
  expect(created.createdAt).toBe(created.updatedAt);

  const {
    updateCustomer: { customer: renamed },
  } = await call<{ updateCustomer: { customer: CustomerNode } }>(tenant, UPDATE, {
    input: { id: created.id, name: 'Mary W. Jackson', email: 'MWJ@example.com' },
  });
  expect(renamed).toMatchObject({
    id: created.id,
    name: 'Mary W. Jackson',
    email: 'mwj@example.com',
    phone: '+17575550100',
    notes: 'Birthday in April.',
  });
  expect(new Date(renamed.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(created.updatedAt).getTime());
  expect(renamed.createdAt).toBe(created.createdAt);

  const {
    updateCustomer: { customer: cleared },
  } = await call<{ updateCustomer: { customer: CustomerNode } }>(tenant, UPDATE, {
    input: { id: created.id, phone: null, notes: '  ' },
  });
  expect(cleared).toMatchObject({ name: 'Mary W. Jackson', phone: null, notes: null });

  expect(await call(tenant, READ, { id: created.id })).toMatchObject({ customer: { name: 'Mary W. Jackson', phone: null } });
  expect(await call(tenant, DELETE, { id: created.id })).toEqual({ deleteCustomer: { deletedId: created.id } });
  expect(await call(tenant, READ, { id: created.id })).toEqual({ customer: null });
});

test('customers(search:) matches name or email, ignoring case, and paginates', async () => {
  const tenant = 'crm-search';
  await createCustomer(tenant, { name: 'Dorothy Vaughan', email: 'dv@nasa.example' });
  await createCustomer(tenant, { name: 'Annie Easley', email: 'annie@glenn.example' });
  await createCustomer(tenant, { name: 'Christine Darden', email: 'cd@NASA.example' });
  await createCustomer(tenant, { name: 'Nasaria Smith', email: 'ns@example.com' });
  type Customers = { customers: { totalCount: number; nodes: { name: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
  const Q =
    'query ($s: String, $after: String) { customers(search: $s, first: 2, after: $after) { totalCount nodes { name } pageInfo { hasNextPage endCursor } } }';

  const first = await call<Customers>(tenant, Q, { s: 'NASA' });
  expect(first.customers.totalCount).toBe(3);
  expect(first.customers.nodes.map((node) => node.name)).toEqual(['Dorothy Vaughan', 'Christine Darden']);
  const second = await call<Customers>(tenant, Q, { s: 'nasa', after: first.customers.pageInfo.endCursor });
  expect(second.customers).toMatchObject({ nodes: [{ name: 'Nasaria Smith' }], pageInfo: { hasNextPage: false } });

  expect((await call<Customers>(tenant, Q, { s: 'easley' })).customers.nodes).toEqual([{ name: 'Annie Easley' }]);
  expect((await call<Customers>(tenant, Q, { s: 'glenn.EX' })).customers.nodes).toEqual([{ name: 'Annie Easley' }]);
  expect((await call<Customers>(tenant, Q, { s: '_' })).customers.totalCount).toBe(0);
  expect((await call<Customers>(tenant, Q, { s: '' })).customers.totalCount).toBe(4);
  expect((await call<Customers>('crm-nobody', Q, { s: 'nasa' })).customers).toMatchObject({
    totalCount: 0,
    nodes: [],
    pageInfo: { hasNextPage: false, endCursor: null },
  });
});

describe('errors', () => {
  const tenant = 'crm-errors';
  let id: string;
  let foreignId: string;

  beforeAll(async () => {
    id = (await createCustomer(tenant, { name: 'Taken', email: 'taken@example.com' })).id;
    await createCustomer(tenant, { name: 'Other', email: 'other@example.com' });
    foreignId = (await createCustomer('crm-elsewhere', { name: 'Elsewhere', email: 'taken@example.com' })).id;
  });

  test.each([
    [{ name: 'Bad', email: 'no-at-sign' }, 'input.email'],
    [{ name: 'Bad', email: 'bad@example.com', phone: '020 7946 0958' }, 'input.phone'],
    [{ name: 'Bad', email: 'bad@example.com', phone: '+0123' }, 'input.phone'],
    [{ name: 'Bad', email: 'bad@example.com', phone: '+1234567890123456' }, 'input.phone'],
    [{ name: 'Bad', email: 'bad@example.com', phone: '+44 20 7946 0958 ext 2' }, 'input.phone'],
    [{ name: 'Bad', email: 'bad@example.com', notes: 'x'.repeat(2001) }, 'input.notes'],
    [{ name: '', email: 'bad@example.com' }, 'input.name'],
  ])('createCustomer %j is BAD_USER_INPUT naming %s', async (input, field) => {
    const error = await failure(tenant, 'mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }', { input });
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  test.each([
    [{ name: null }, 'input.name'],
    [{ email: null }, 'input.email'],
    [{ email: 'nope' }, 'input.email'],
    [{ phone: '12345' }, 'input.phone'],
    [{ name: ' ' }, 'input.name'],
  ])('updateCustomer %j is BAD_USER_INPUT naming %s, and changes nothing', async (input, field) => {
    const error = await failure(tenant, UPDATE, { input: { id, ...input } });
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await call(tenant, READ, { id })).toMatchObject({ customer: { name: 'Taken', email: 'taken@example.com' } });
  });

  test('a malformed id is BAD_USER_INPUT on input.id', async () => {
    expect((await failure(tenant, UPDATE, { input: { id: 'taken', name: 'X' } })).extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.id',
    });
    expect((await failure(tenant, DELETE, { id: 'taken' })).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.id' });
  });

  test("unknown and other tenants' ids are NOT_FOUND, and the other tenant's customer is untouched", async () => {
    for (const target of [MISSING_ID, foreignId]) {
      expect((await failure(tenant, UPDATE, { input: { id: target, name: 'Hijack' } })).extensions).toMatchObject({
        code: 'NOT_FOUND',
        field: 'input.id',
      });
      expect((await failure(tenant, DELETE, { id: target })).extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.id' });
    }
    expect(await call('crm-elsewhere', READ, { id: foreignId })).toMatchObject({ customer: { name: 'Elsewhere' } });
  });

  test('an email another customer of the tenant has, in any case, is a CONFLICT on input.email', async () => {
    const created = await failure(tenant, 'mutation { createCustomer(input: { name: "Dup", email: "TAKEN@example.com" }) { customer { id } } }');
    expect(created.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.email' });
    const other = await call<{ customers: { nodes: { id: string; email: string }[] } }>(
      tenant,
      '{ customers(search: "other@") { nodes { id email } } }',
    );
    const updated = await failure(tenant, UPDATE, { input: { id: other.customers.nodes[0]!.id, email: 'Taken@Example.com' } });
    expect(updated.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.email' });
    // Keeping one's own email is not a conflict.
    await expect(call(tenant, UPDATE, { input: { id, email: 'TAKEN@example.com' } })).resolves.toBeTruthy();
  });
});

test("deleting a customer leaves other tenants' customers with the same email intact", async () => {
  const a = await createCustomer('crm-a', { name: 'Same', email: 'same@example.com' });
  const b = await createCustomer('crm-b', { name: 'Same', email: 'same@example.com' });
  await call('crm-a', DELETE, { id: a.id });
  expect(await call('crm-a', '{ customers { totalCount } }')).toEqual({ customers: { totalCount: 0 } });
  expect(await call('crm-b', READ, { id: b.id })).toMatchObject({ customer: { id: b.id, email: 'same@example.com' } });
});
