/**
 * The in-process layer answers as the subgraph does over HTTP: same data, same refusals, same
 * masking, for the same database. Its tests are only worth their speed if that holds.
 */
import type { StartedSubgraph } from '@reservations/platform/subgraph/start-subgraph';
import type { CustomerPrisma } from '@reservations/customer-subgraph/database';
import { customerSubgraph } from '@reservations/customer-subgraph/server';
import { graphql, graphqlData } from '../src/graphql';
import { createTestDatabase, type TestDatabase } from '../src/postgres';
import { startInProcessSubgraph, type InProcessSubgraph } from '../src/subgraph-operations';
import { startTestCustomerSubgraph } from '../src/supergraph';

let database: TestDatabase;
let inProcess: InProcessSubgraph<CustomerPrisma>;
let overHttp: StartedSubgraph<CustomerPrisma>;

beforeAll(async () => {
  database = await createTestDatabase('in_process');
  inProcess = await startInProcessSubgraph(customerSubgraph, database);
  overHttp = await startTestCustomerSubgraph(database);
});

afterAll(async () => {
  await inProcess?.stop();
  await overHttp?.stop();
  await database?.drop();
});

const CUSTOMERS = '{ customers { totalCount nodes { id name email } } }';
const ENTITIES = 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id name } } }';

test('reads what the HTTP subgraph reads: rows of the tenant only, entities in request order', async () => {
  const tenant = 'same-answers';
  const ids: string[] = [];
  for (const name of ['Ada', 'Grace']) {
    const data = await graphqlData<{ createCustomer: { customer: { id: string } } }>(
      overHttp.url,
      'mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }',
      { tenant, variables: { input: { name, email: `${name.toLowerCase()}@example.com` } } },
    );
    ids.push(data.createCustomer.customer.id);
  }
  const [viaHttp, viaProcess] = await Promise.all([graphql(overHttp.url, CUSTOMERS, { tenant }), graphql(inProcess, CUSTOMERS, { tenant })]);
  expect(viaProcess.body).toEqual(viaHttp.body);
  expect(viaProcess.body.data).toMatchObject({ customers: { totalCount: 2 } });
  expect(await graphqlData(inProcess, CUSTOMERS, { tenant: 'someone-else' })).toEqual({ customers: { totalCount: 0, nodes: [] } });

  const representations = [...ids].reverse().map((id) => ({ __typename: 'Customer', id }));
  const entities = await graphqlData<{ _entities: { id: string }[] }>(inProcess, ENTITIES, { tenant, variables: { r: representations } });
  expect(entities._entities.map((entity) => entity.id)).toEqual([...ids].reverse());
  const foreign = await graphqlData<{ _entities: unknown[] }>(inProcess, ENTITIES, { tenant: 'someone-else', variables: { r: representations } });
  expect(foreign._entities).toEqual([null, null]);
});

test('refuses a data operation without a tenant as HTTP does, and answers schema-only ones', async () => {
  const [viaHttp, viaProcess] = await Promise.all([graphql(overHttp.url, CUSTOMERS), graphql(inProcess, CUSTOMERS)]);
  expect(viaProcess.status).toBe(400);
  expect(viaProcess.status).toBe(viaHttp.status);
  expect(viaProcess.body).toEqual(viaHttp.body);
  expect(viaProcess.body.errors?.[0]?.extensions?.code).toBe('TENANT_REQUIRED');
  const sdl = await graphqlData<{ _service: { sdl: string } }>(inProcess, '{ _service { sdl } }');
  expect(sdl._service.sdl).toContain('type Customer');
});

test('masks an unexpected database failure as HTTP does', async () => {
  await database.asOwner('ALTER TABLE customers RENAME TO customers_away');
  try {
    const [viaHttp, viaProcess] = await Promise.all([
      graphql(overHttp.url, CUSTOMERS, { tenant: 'broken' }),
      graphql(inProcess, CUSTOMERS, { tenant: 'broken' }),
    ]);
    expect(viaProcess.body.errors?.[0]).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(viaProcess.body).toEqual(viaHttp.body);
  } finally {
    await database.asOwner('ALTER TABLE customers_away RENAME TO customers');
  }
});
