import { randomUUID } from 'node:crypto';
import { createLogger } from '@reservations/platform/logger';
import { countQueries } from '@reservations/test-support/query-counter';
import { graphql, graphqlData } from '@reservations/test-support/graphql';
import { createTestDatabase, type TestDatabase } from '@reservations/test-support/postgres';
import { readReservationConfig } from '../src/config';
import { startReservationSubgraph } from '../src/server';

type Started = Awaited<ReturnType<typeof startReservationSubgraph>>;

let database: TestDatabase;
let subgraph: Started;
let url: string;

const CREATE = `mutation ($input: CreateReservationInput!) {
  createReservation(input: $input) { id startsAt partySize status customer { id } } }`;

interface Created {
  createReservation: { id: string; startsAt: string; partySize: number; status: string; customer: { id: string } };
}

async function book(tenant: string, customerId: string, startsAt: string, partySize = 2): Promise<Created['createReservation']> {
  const data = await graphqlData<Created>(url, CREATE, { tenant, variables: { input: { customerId, startsAt, partySize } } });
  return data.createReservation;
}

const ENTITIES = `query ($r: [_Any!]!) { _entities(representations: $r) {
  ... on Customer { id reservations { id startsAt } }
  ... on Reservation { id partySize } } }`;

beforeAll(async () => {
  database = await createTestDatabase('reservation_subgraph');
  subgraph = await startReservationSubgraph(
    readReservationConfig({ NODE_ENV: 'test', HOST: '127.0.0.1', RESERVATION_PORT: '0', RESERVATION_DATABASE_URL: database.url, MIGRATE_ON_START: 'true' }),
    createLogger('reservation-test', process.env.TEST_LOG_LEVEL ?? 'silent'),
  );
  url = subgraph.url;
});

afterAll(async () => {
  await subgraph?.stop();
  await database?.drop();
});

describe('reservations', () => {
  test('a created reservation is pending, refers to its customer, and can be read back', async () => {
    const customerId = randomUUID();
    const created = await book('bistro', customerId, '2030-05-01T19:30:00+02:00', 4);
    expect(created).toMatchObject({ startsAt: '2030-05-01T17:30:00.000Z', partySize: 4, status: 'PENDING', customer: { id: customerId } });

    const read = await graphqlData<{ reservation: { id: string } }>(url, `query ($id: ID!) { reservation(id: $id) { id } }`, {
      tenant: 'bistro',
      variables: { id: created.id },
    });
    expect(read.reservation.id).toBe(created.id);
  });

  test('lists reservations with cursor pagination', async () => {
    const customerId = randomUUID();
    for (let day = 1; day <= 3; day++) await book('paged', customerId, `2030-06-0${day}T19:00:00Z`);
    const first = await graphqlData<{ reservations: { nodes: { id: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } ; totalCount: number } }>(
      url,
      '{ reservations(first: 2) { nodes { id } pageInfo { hasNextPage endCursor } totalCount } }',
      { tenant: 'paged' },
    );
    expect(first.reservations.nodes).toHaveLength(2);
    expect(first.reservations.pageInfo.hasNextPage).toBe(true);
    expect(first.reservations.totalCount).toBe(3);
    const rest = await graphqlData<{ reservations: { nodes: { id: string }[]; pageInfo: { hasNextPage: boolean } } }>(
      url,
      'query ($after: String) { reservations(first: 2, after: $after) { nodes { id } pageInfo { hasNextPage } } }',
      { tenant: 'paged', variables: { after: first.reservations.pageInfo.endCursor } },
    );
    expect(rest.reservations.nodes).toHaveLength(1);
    expect(rest.reservations.pageInfo.hasNextPage).toBe(false);
  });

  test.each([
    [{ customerId: 'abc', startsAt: '2030-01-01T19:00:00Z', partySize: 2 }, 'input.customerId'],
    [{ customerId: randomUUID(), startsAt: '2030-01-01T19:00:00Z', partySize: 0 }, 'input.partySize'],
    [{ customerId: randomUUID(), startsAt: '2030-01-01T19:00:00Z', partySize: 101 }, 'input.partySize'],
  ])('invalid input %j is BAD_USER_INPUT naming %s', async (input, field) => {
    const { body } = await graphql(url, CREATE, { tenant: 'invalid', variables: { input } });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  test('a start time without a UTC offset is refused as BAD_USER_INPUT, nothing written', async () => {
    const { body } = await graphql(url, CREATE, {
      tenant: 'invalid',
      variables: { input: { customerId: randomUUID(), startsAt: '2030-01-01T19:00', partySize: 2 } },
    });
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const count = await graphqlData<{ reservations: { totalCount: number } }>(url, '{ reservations { totalCount } }', { tenant: 'invalid' });
    expect(count.reservations.totalCount).toBe(0);
  });
});

describe('Customer.reservations contributed to the customer entity', () => {
  test('N customer representations cost one query and each gets only its own reservations', async () => {
    const customers = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const booked = new Map<string, string[]>();
    for (const [index, customerId] of customers.entries()) {
      const ids: string[] = [];
      for (let n = 0; n < index; n++) ids.push((await book('fanout', customerId, `2030-07-1${n}T19:00:00Z`)).id);
      booked.set(customerId, ids);
    }
    const { result, queries } = await countQueries(subgraph.client, () =>
      graphqlData<{ _entities: { id: string; reservations: { id: string }[] }[] }>(url, ENTITIES, {
        tenant: 'fanout',
        variables: { r: customers.map((id) => ({ __typename: 'Customer', id })) },
      }),
    );
    expect(queries).toHaveLength(1);
    for (const entity of result._entities) {
      expect(entity.reservations.map((reservation) => reservation.id)).toEqual(booked.get(entity.id));
    }
  });

  test("another tenant's reservations are invisible through _entities", async () => {
    const customerId = randomUUID();
    const reservation = await book('owner', customerId, '2030-08-01T19:00:00Z');
    const data = await graphqlData<{ _entities: unknown[] }>(url, ENTITIES, {
      tenant: 'intruder',
      variables: { r: [{ __typename: 'Customer', id: customerId }, { __typename: 'Reservation', id: reservation.id }] },
    });
    expect(data._entities).toEqual([{ id: customerId, reservations: [] }, null]);
  });
});
