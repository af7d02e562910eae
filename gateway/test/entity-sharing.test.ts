import { bindCustomerTenant } from '@reservations/customer-subgraph/database';
import { FaultProxy } from '@reservations/test-support/fault-proxy';
import { graphql, graphqlData } from '@reservations/test-support/graphql';
import { startTestGateway, startTestSubgraphs, type TestSubgraphs } from '@reservations/test-support/supergraph';
import type { StartedGateway } from '../src/server';

/**
 * A page that reaches the same customer from several reservations: the gateway asks the
 * customer subgraph for each customer once, and the client gets exactly the answer of a
 * gateway that asks once per reservation (DEDUPLICATE_ENTITY_REPRESENTATIONS=false). Calls
 * are signed and the subgraphs verify them, so what is signed is what is sent.
 */
const SIGNING = { GATEWAY_SIGNING_SECRET: 'entity-representations-signing-secret-0123' };
// Each call must reach the subgraphs, not a cached or shared answer.
const FRESH = { ...SIGNING, RESPONSE_CACHE_ENABLED: 'false', DEDUPLICATE_CLIENT_QUERIES: 'false', DEDUPLICATE_SUBGRAPH_QUERIES: 'false' };

let subgraphs: TestSubgraphs;
let customerProxy: FaultProxy;
let sharing: StartedGateway;
let perOccurrence: StartedGateway;

beforeAll(async () => {
  subgraphs = await startTestSubgraphs('entity_representations', { env: SIGNING });
  customerProxy = await FaultProxy.start(subgraphs.customer.url);
  const urls = { customer: customerProxy.url, reservation: subgraphs.reservation.url };
  sharing = await startTestGateway(urls, FRESH);
  perOccurrence = await startTestGateway(urls, { ...FRESH, DEDUPLICATE_ENTITY_REPRESENTATIONS: 'false' });
});

afterAll(async () => {
  await perOccurrence?.stop();
  await sharing?.stop();
  await customerProxy?.stop();
  await subgraphs?.stop();
});

async function newCustomer(tenant: string, name: string): Promise<string> {
  const data = await graphqlData<{ createCustomer: { customer: { id: string } } }>(
    sharing.url,
    'mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }',
    { tenant, variables: { input: { name, email: `${name.toLowerCase().replace(/\W/g, '')}@example.com` } } },
  );
  return data.createCustomer.customer.id;
}

let hour = 0;
async function book(tenant: string, customerId: string): Promise<void> {
  hour += 3;
  const startsAt = new Date(Date.UTC(2033, 0, 1) + hour * 3_600_000).toISOString();
  await graphqlData(sharing.url, 'mutation ($input: CreateReservationInput!) { createReservation(input: $input) { reservation { id } } }', {
    tenant,
    variables: { input: { customerId, startsAt, partySize: 2 } },
  });
}

/** The representations of each `_entities` call the customer subgraph received since the last reset. */
function representationsSent(): unknown[][] {
  return customerProxy
    .graphqlRequests()
    .map((request) => JSON.parse(request.body) as { variables?: { representations?: unknown[] } })
    .filter((body) => Array.isArray(body.variables?.representations))
    .map((body) => body.variables!.representations!);
}

async function bothWays(
  tenant: string,
  query: string,
): Promise<{ shared: unknown; unshared: unknown; sent: { shared: unknown[][]; unshared: unknown[][] } }> {
  customerProxy.reset();
  const shared = (await graphql(sharing.url, query, { tenant })).body;
  const sentShared = representationsSent();
  customerProxy.reset();
  const unshared = (await graphql(perOccurrence.url, query, { tenant })).body;
  return { shared, unshared, sent: { shared: sentShared, unshared: representationsSent() } };
}

const PAGE = '{ reservations { nodes { id partySize customer { id name email reservations { id } } } } }';

test('each customer is asked for once, and the page is the one a gateway asking per reservation answers', async () => {
  const tenant = 'entity-sharing';
  const ada = await newCustomer(tenant, 'Ada Repeat');
  const bob = await newCustomer(tenant, 'Bob Repeat');
  for (const customer of [ada, bob, ada, ada, bob]) await book(tenant, customer);

  const { shared, unshared, sent } = await bothWays(tenant, PAGE);
  expect(shared).toEqual(unshared);
  const nodes = (shared as { data: { reservations: { nodes: { customer: { id: string; name: string; reservations: unknown[] } }[] } } }).data
    .reservations.nodes;
  expect(nodes.map((node) => node.customer.name)).toEqual(['Ada Repeat', 'Bob Repeat', 'Ada Repeat', 'Ada Repeat', 'Bob Repeat']);
  expect(nodes.map((node) => node.customer.reservations.length)).toEqual([3, 2, 3, 3, 2]);
  expect(sent.unshared).toEqual([expect.any(Array)]);
  expect(sent.unshared[0]).toHaveLength(5);
  expect(sent.shared).toEqual([[expect.objectContaining({ id: ada }), expect.objectContaining({ id: bob })]]);
});

test('a customer the subgraph no longer has nulls the page exactly as it does without sharing', async () => {
  const tenant = 'entity-sharing-gone';
  const gone = await newCustomer(tenant, 'Gone Repeat');
  const kept = await newCustomer(tenant, 'Kept Repeat');
  for (const customer of [gone, kept, gone]) await book(tenant, customer);
  await bindCustomerTenant(subgraphs.customer.client, tenant).customer.deleteMany({ where: { id: gone } });

  const { shared, unshared, sent } = await bothWays(tenant, '{ reservations { nodes { id customer { id name } } } }');
  expect(shared).toEqual(unshared);
  expect((shared as { data: unknown }).data).toBeNull();
  expect(sent.shared[0]).toHaveLength(2);
  expect(sent.unshared[0]).toHaveLength(3);
});
