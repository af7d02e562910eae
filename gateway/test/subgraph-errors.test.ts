import { FaultProxy } from '@reservations/test-support/fault-proxy';
import { graphql } from '@reservations/test-support/graphql';
import { startTestGateway, startTestSupergraph, type TestSupergraph } from '@reservations/test-support/supergraph';
import type { StartedGateway } from '../src/server';

/**
 * What a client sees when a subgraph refuses the gateway's request with an HTTP 4xx. With the
 * default settings no client request makes a subgraph do that: the gateway checks variables and
 * the tenant the same way first, and the reservation subgraph turns its scalars' input errors
 * into resolver errors (platform graphql/scalar-input-errors). The one real case is a body the
 * gateway accepts (MAX_BODY_BYTES may be up to 10 MiB) and a subgraph (5 MiB) does not; for the
 * rest, a proxy in front of the reservation subgraph answers as Apollo Server answers a
 * variable it cannot coerce. Internals are stripped in every mode, so test mode shows what
 * production shows.
 */
let supergraph: TestSupergraph;
let reservationProxy: FaultProxy;
let gateway: StartedGateway;

beforeAll(async () => {
  supergraph = await startTestSupergraph('subgraph_errors');
  reservationProxy = await FaultProxy.start(supergraph.reservation.url);
  gateway = await startTestGateway({ customer: supergraph.customer.url, reservation: reservationProxy.url }, { MAX_BODY_BYTES: '10485760' });
});

beforeEach(() => reservationProxy.reset());

afterAll(async () => {
  await gateway?.stop();
  await reservationProxy?.stop();
  await supergraph?.stop();
});

const WEEK = 'query Week($from: DateTime, $to: DateTime) { reservations(from: $from, to: $to) { totalCount } }';
const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };
const noInternals = (text: string): void => expect(text).not.toMatch(/127\.0\.0\.1|localhost|stacktrace|\/srv\/|Bad Request/);

test("a subgraph's 400 with GraphQL errors reaches the client as the subgraph's errors: messages, codes and fields", async () => {
  const coercion = 'Variable "$from" got invalid value "tomorrow"; DateTime must be an ISO-8601 string with an offset';
  reservationProxy.failNext(
    1,
    400,
    JSON_HEADERS,
    JSON.stringify({
      errors: [
        {
          message: coercion,
          locations: [{ line: 1, column: 12 }],
          extensions: {
            code: 'BAD_USER_INPUT',
            field: 'from',
            stacktrace: ['GraphQLError: ...', '    at coerceVariableValues (/srv/reservation/node_modules/graphql/execution/values.js:1:1)'],
          },
        },
        { message: 'Variable "$to" got invalid value "soon"', extensions: { code: 'BAD_USER_INPUT', field: 'to' } },
      ],
    }),
  );
  const { status, body } = await graphql(gateway.url, WEEK, { tenant: 'acme', variables: { from: 'tomorrow', to: 'soon' } });
  expect(status).toBe(200);
  expect(body.data ?? null).toBeNull();
  expect(body.errors).toEqual([
    { message: coercion, extensions: { code: 'BAD_USER_INPUT', field: 'from', serviceName: 'reservation' } },
    { message: 'Variable "$to" got invalid value "soon"', extensions: { code: 'BAD_USER_INPUT', field: 'to', serviceName: 'reservation' } },
  ]);
  noInternals(JSON.stringify(body));
  expect(reservationProxy.graphqlRequests()).toHaveLength(1);
});

test('a body the gateway accepts but a subgraph finds too large is PAYLOAD_TOO_LARGE, as the subgraph said', async () => {
  const { body } = await graphql(gateway.url, 'query Find($search: String) { customers(search: $search) { totalCount } }', {
    tenant: 'acme',
    variables: { search: 'x'.repeat(5_500_000) },
  });
  expect(body.errors).toEqual([
    { message: 'Request body exceeds 5242880 bytes', extensions: { code: 'PAYLOAD_TOO_LARGE', serviceName: 'customer' } },
  ]);
});

test.each([
  ['an HTML page', 404, { 'content-type': 'text/html' }, '<h1>No such route</h1>', '404: Not Found'],
  ['JSON that is not a GraphQL response', 400, JSON_HEADERS, '{"error":"bad request"}', '400: Bad Request'],
])(
  "a 4xx without GraphQL errors (%s) is Apollo's generic error, without the subgraph's URL or body",
  async (_label, status, headers, answer, message) => {
    reservationProxy.failNext(1, status, headers, answer);
    const { body } = await graphql(gateway.url, WEEK, { tenant: 'acme' });
    expect(body.errors).toEqual([{ message, extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
    expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|localhost|No such route|bad request/);
  },
);

test("a 401 stays an internal error even with GraphQL errors: the gateway's signature was refused, not the caller", async () => {
  reservationProxy.failNext(
    1,
    401,
    JSON_HEADERS,
    JSON.stringify({ errors: [{ message: 'Only the gateway may call this service', extensions: { code: 'UNAUTHENTICATED' } }] }),
  );
  const { body } = await graphql(gateway.url, WEEK, { tenant: 'acme' });
  expect(body.errors).toEqual([{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
});

test("a subgraph rejecting the planned document itself (a supergraph out of step) is internal, not the caller's error", async () => {
  reservationProxy.failNext(
    1,
    400,
    JSON_HEADERS,
    JSON.stringify({
      errors: [{ message: 'Cannot query field "reservations" on type "Query".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }],
    }),
  );
  const { body } = await graphql(gateway.url, WEEK, { tenant: 'acme' });
  expect(body.errors).toEqual([{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
});
