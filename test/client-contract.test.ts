/**
 * The contract front-ends rely on, checked with the library they use: @apollo/client
 * against the running gateway (both subgraphs in-process on PostgreSQL).
 */
import { ApolloClient, CombinedGraphQLErrors, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { startTestSupergraph, type TestSupergraph } from '@reservations/test-support/supergraph';

let supergraph: TestSupergraph;

function clientFor(tenant: string): ApolloClient {
  return new ApolloClient({
    link: new HttpLink({ uri: supergraph.gatewayUrl, headers: { 'x-tenant-id': tenant } }),
    cache: new InMemoryCache(),
  });
}

const CREATE_CUSTOMER = gql`
  mutation CreateCustomer($input: CreateCustomerInput!) {
    createCustomer(input: $input) {
      customer {
        id
        name
        email
      }
    }
  }
`;

const CUSTOMER = gql`
  query Customer($id: ID!) {
    customer(id: $id) {
      id
      name
      reservations {
        id
        partySize
        customer {
          id
          name
        }
      }
    }
  }
`;

const CREATE_RESERVATION = gql`
  mutation CreateReservation($input: CreateReservationInput!) {
    createReservation(input: $input) {
      reservation {
        id
        partySize
        customer {
          id
        }
      }
    }
  }
`;

beforeAll(async () => {
  supergraph = await startTestSupergraph('client');
});

afterAll(async () => {
  await supergraph?.stop();
});

test('queries with variables, mutations, and one normalized Customer across both subgraphs', async () => {
  const client = clientFor('client-tenant');
  const created = await client.mutate<{ createCustomer: { customer: { id: string; name: string } } }>({
    mutation: CREATE_CUSTOMER,
    variables: { input: { name: 'Front End', email: 'front@example.com' } },
  });
  const customerId = created.data!.createCustomer.customer.id;
  await client.mutate({
    mutation: CREATE_RESERVATION,
    variables: { input: { customerId, startsAt: '2032-02-02T19:00:00Z', partySize: 3 } },
  });

  const { data } = await client.query<{
    customer: { id: string; name: string; reservations: { id: string; partySize: number; customer: { id: string; name: string } }[] };
  }>({ query: CUSTOMER, variables: { id: customerId } });
  expect(data?.customer.name).toBe('Front End');
  expect(data?.customer.reservations).toHaveLength(1);
  expect(data?.customer.reservations[0]?.customer.id).toBe(customerId);

  // The customer subgraph's Customer and the one reached through a reservation are one cache entry.
  const cacheId = client.cache.identify({ __typename: 'Customer', id: customerId });
  expect(cacheId).toBe(`Customer:${customerId}`);
  const extracted = client.cache.extract() as Record<string, Record<string, unknown>>;
  const reservationKey = `Reservation:${data!.customer.reservations[0]!.id}`;
  expect(extracted[reservationKey]?.['customer']).toEqual({ __ref: cacheId });
  expect(extracted[cacheId!]?.['name']).toBe('Front End');
});

test('an error reaches the client with its extensions.code', async () => {
  const client = clientFor('client-tenant');
  const failure = await client.mutate({ mutation: CREATE_CUSTOMER, variables: { input: { name: 'Bad', email: 'not-an-email' } } }).then(
    () => null,
    (error: unknown) => error,
  );
  expect(CombinedGraphQLErrors.is(failure)).toBe(true);
  const errors = (failure as CombinedGraphQLErrors).errors;
  expect(errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.email' });
});

test('another tenant sees none of it through the same client code', async () => {
  const client = clientFor('someone-else');
  const { data } = await client.query<{ customers: { totalCount: number } }>({
    query: gql`
      query Count {
        customers {
          totalCount
        }
      }
    `,
  });
  expect(data?.customers.totalCount).toBe(0);
});
