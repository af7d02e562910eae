/**
 * Hostile input against the whole supergraph in production mode, one row per kind: each is
 * refused with its documented HTTP status and `extensions.code`, and none of them is a server
 * fault (no error-level log line in any service, no `server_error` in any service's metrics).
 */
import { createHash, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { daysFromNow } from '@reservations/test-support/dates';
import { capturingLogger } from '@reservations/test-support/logs';
import { parsePrometheusText } from '@reservations/test-support/prometheus';
import { slowClient } from '@reservations/test-support/slow-client';
import { startTestGateway, startTestSupergraph, type TestSupergraph } from '@reservations/test-support/supergraph';

const SIGNING_SECRET = 'hostile-signing-secret-0123456789abcdef';
const JWT_SECRET = 'hostile-jwt-secret-0123456789abcdef-0123';
const METRICS_TOKEN = 'hostile-metrics-token-0123456789';
const TENANT = 'tenant-h';
const PRODUCTION = { NODE_ENV: 'production', GATEWAY_SIGNING_SECRET: SIGNING_SECRET, JWT_SECRET };

const logs = capturingLogger('hostile');
let supergraph: TestSupergraph;
let bearer: string;
let customerId: string;

function jwt(
  claims: Record<string, unknown>,
  configure: (token: SignJWT) => SignJWT = (token) => token.setIssuedAt().setExpirationTime('5m'),
): Promise<string> {
  return configure(new SignJWT({ tenant: TENANT, ...claims }).setProtectedHeader({ alg: 'HS256' })).sign(new TextEncoder().encode(JWT_SECRET));
}

interface Answer {
  status: number;
  code: unknown;
  /** `extensions.field` of the first error, when there is one. */
  field?: unknown;
  text: string;
}

/** POSTs a GraphQL request body (an object, sent as JSON) to the gateway as the test tenant. */
async function send(body: Record<string, unknown>, headers: Record<string, string> = {}, url = supergraph.gatewayUrl): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}`, ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let extensions: Record<string, unknown> | undefined;
  try {
    extensions = (JSON.parse(text) as { errors?: { extensions?: Record<string, unknown> }[] }).errors?.[0]?.extensions;
  } catch {
    extensions = undefined;
  }
  return { status: response.status, code: extensions?.['code'], field: extensions?.['field'], text };
}

const QUERY = { query: '{ customers { totalCount } }' };
const nowSeconds = (): number => Math.floor(Date.now() / 1000);
const booking = (startsAt: string, { withKey = true } = {}): Record<string, unknown> => ({
  query: 'mutation ($input: CreateReservationInput!) { createReservation(input: $input) { reservation { id } } }',
  variables: { input: { customerId, startsAt, partySize: 2, ...(withKey ? { idempotencyKey: randomUUID() } : {}) } },
});
/** An APQ registration: the document with its SHA-256. */
const persisted = (query: string): Record<string, unknown> => ({
  query,
  extensions: { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') } },
});
const cursor = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');
const NUL = '\u0000';

interface Row {
  name: string;
  request: () => Promise<Answer>;
  status: number;
  /** Absent where Node's HTTP server answers before any GraphQL (a 408 has no body). */
  code?: string;
  /** The input `extensions.field` names, where the refusal names one. */
  field?: string;
}

/** A gateway in front of this suite's subgraphs with `env` added, for the length of `use`. */
async function withGateway(env: Record<string, string>, use: (url: string) => Promise<Answer>): Promise<Answer> {
  const gateway = await startTestGateway(
    { customer: supergraph.customer.url, reservation: supergraph.reservation.url },
    { ...PRODUCTION, ...env },
    logs.logger,
  );
  try {
    return await use(gateway.url);
  } finally {
    await gateway.stop();
  }
}

/** `levels` fragments, each selecting `selection` and spreading the next one twice: 2^levels copies. */
function fragmentFanOut(levels: number, selection: string): string {
  let document = 'query FanOut { customer(id: "0193a5d2-0000-7000-8000-000000000001") { ...F0 } }\n';
  for (let i = 0; i < levels; i++) document += `fragment F${i} on Customer { ${selection} ${i + 1 < levels ? `...F${i + 1} ...F${i + 1}` : ''} }\n`;
  return document;
}

/** `customer { reservations { customer { ... } } } }`, `levels` fields deep. */
function deepNesting(levels: number): string {
  const pairs = Math.floor(levels / 2);
  return `{ customer(id: "a") { ${'reservations { customer { '.repeat(pairs)}id ${'} } '.repeat(pairs)}} }`;
}

const rows: Row[] = [
  // Client mistakes that reached the database or the gateway's planner as server faults.
  {
    name: 'NUL in a search (variable)',
    request: () => send({ query: 'query ($s: String) { customers(search: $s) { totalCount } }', variables: { s: `a${NUL}b` } }),
    status: 400,
    code: 'BAD_USER_INPUT',
    field: '$s',
  },
  {
    name: 'NUL in a search (literal escape)',
    request: () => send({ query: '{ products(search: "a\\u0000b") { totalCount } }' }),
    status: 400,
    code: 'BAD_USER_INPUT',
    field: 'search',
  },
  {
    name: 'NUL in a variable default, used through a fragment',
    request: () => send({ query: 'query ($s: String = "x\\u{0}y") { ...Search } fragment Search on Query { customers(search: $s) { totalCount } }' }),
    status: 400,
    code: 'BAD_USER_INPUT',
    field: '$s',
  },
  {
    name: 'NUL in a nested input literal',
    request: () => send({ query: 'mutation { createCustomer(input: { name: "Eve\\u0000", email: "eve@h.example" }) { customer { id } } }' }),
    status: 400,
    code: 'BAD_USER_INPUT',
    field: 'input.name',
  },
  {
    name: 'NUL in a name (nested input variable)',
    request: () =>
      send({
        query: 'mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }',
        variables: { input: { name: `Eve${NUL}`, email: 'eve@h.example' } },
      }),
    status: 400,
    code: 'BAD_USER_INPUT',
    field: '$input.name',
  },
  {
    name: 'NUL in reservation notes and idempotency key',
    request: () =>
      send({
        query:
          'mutation ($c: ID!, $k: String) { createReservation(input: { customerId: $c, startsAt: "2033-05-05T19:00:00Z", partySize: 2, notes: "x\\u0000", idempotencyKey: $k }) { reservation { id } } }',
        variables: { c: customerId, k: `key${NUL}` },
      }),
    status: 400,
    code: 'BAD_USER_INPUT',
    field: '$k',
  },
  {
    name: 'cursor whose position overflows the column',
    request: () =>
      send({
        query: 'query ($a: String) { categories(after: $a) { totalCount } }',
        variables: { a: cursor('c1:9999999999:0190a0a0-0000-7000-8000-000000000000') },
      }),
    status: 200,
    code: 'BAD_USER_INPUT',
    field: 'after',
  },
  {
    name: 'subscription operation',
    request: () => send({ query: 'subscription { customers { totalCount } }' }),
    status: 400,
    code: 'OPERATION_RESOLUTION_FAILURE',
  },
  {
    name: 'operationName naming no operation',
    request: () => send({ query: 'query A { customers { totalCount } } query B { products { totalCount } }', operationName: 'C' }),
    status: 400,
    code: 'OPERATION_RESOLUTION_FAILURE',
  },
  {
    name: 'operationName with a single anonymous operation',
    request: () => send({ query: '{ customers { totalCount } }', operationName: 'Missing' }),
    status: 400,
    code: 'OPERATION_RESOLUTION_FAILURE',
  },
  // Bookings beyond the tenant's horizon (the default 365 days here).
  {
    name: 'booking in the year 9999',
    request: () => send(booking('9999-12-31T19:00:00Z')),
    status: 200,
    code: 'BAD_USER_INPUT',
    field: 'input.startsAt',
  },
  {
    name: 'booking without an idempotency key (required in production)',
    request: () => send(booking(daysFromNow(7), { withKey: false })),
    status: 200,
    code: 'BAD_USER_INPUT',
    field: 'input.idempotencyKey',
  },
  {
    name: 'booking two years ahead',
    request: () => send(booking(daysFromNow(730))),
    status: 200,
    code: 'BAD_USER_INPUT',
    field: 'input.startsAt',
  },
  // Automatic persisted queries: documents are stored for a day, shared by every gateway.
  {
    name: 'persisted query padded past APQ_MAX_DOCUMENT_BYTES (32 KiB)',
    request: () => send(persisted(`{ customers { totalCount } } # ${'x'.repeat(40_000)}`)),
    status: 400,
    code: 'PERSISTED_QUERY_LIMIT_EXCEEDED',
  },
  {
    name: 'persisted query registrations past the tenant quota (3 in this suite)',
    request: async () => {
      for (let i = 0; i < 3; i++) await send(persisted(`{ customers { totalCount } } # quota ${i}`));
      return send(persisted('{ customers { totalCount } } # quota 3'));
    },
    status: 429,
    code: 'PERSISTED_QUERY_LIMIT_EXCEEDED',
  },
  // Slow clients and answers too large to buffer (the defaults are 10 s, 30 s and 16 MiB).
  {
    name: 'client that never finishes its headers (HTTP_HEADERS_TIMEOUT_MS 300 here)',
    request: () =>
      withGateway({ HTTP_HEADERS_TIMEOUT_MS: '300', HTTP_REQUEST_TIMEOUT_MS: '600' }, async (url) => {
        const text = await slowClient(url, 'headers');
        return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), code: undefined, text };
      }),
    status: 408,
  },
  {
    name: 'subgraph answer over SERVICE_MAX_RESPONSE_BYTES (1 KiB here)',
    request: () =>
      withGateway({ SERVICE_MAX_RESPONSE_BYTES: '1024' }, (url) =>
        send({ query: '{ customers(first: 100) { nodes { id name email notes } } }' }, {}, url),
      ),
    status: 200,
    code: 'RESPONSE_TOO_LARGE',
  },
  // Tokens that would stay usable for ever, or for longer than JWT_MAX_LIFETIME_SECONDS (24 h).
  {
    name: 'JWT without exp',
    request: async () => send(QUERY, { authorization: `Bearer ${await jwt({}, (token) => token.setIssuedAt())}` }),
    status: 401,
    code: 'UNAUTHENTICATED',
  },
  {
    name: 'JWT expiring in 30 days',
    request: async () => send(QUERY, { authorization: `Bearer ${await jwt({}, (token) => token.setExpirationTime('30d'))}` }),
    status: 401,
    code: 'UNAUTHENTICATED',
  },
  {
    name: 'JWT issued 2 days before it expires (exp - iat over the maximum)',
    request: async () =>
      send(QUERY, {
        authorization: `Bearer ${await jwt({}, (token) => token.setIssuedAt(nowSeconds() - 2 * 86_400 + 3_600).setExpirationTime(nowSeconds() + 3_600))}`,
      }),
    status: 401,
    code: 'UNAUTHENTICATED',
  },
  // Admission: analysis linear in the document, cost from the values execution uses, budgets.
  {
    name: 'fragment fan-out, 32 levels of lists (2^32 copies)',
    request: () => send({ query: fragmentFanOut(32, 'name reservations { id }') }),
    status: 400,
    code: 'OPERATION_LIMIT_EXCEEDED',
  },
  {
    name: 'fragment fan-out, 40 levels of scalars (costs 1, answered)',
    request: () => send({ query: fragmentFanOut(40, 'name') }),
    status: 200,
  },
  {
    name: 'fragment fan-out, 32 levels of aliases',
    request: () => send({ query: fragmentFanOut(32, 'alias: name') }),
    status: 400,
    code: 'OPERATION_LIMIT_EXCEEDED',
  },
  {
    name: 'cost bypass through a variable default',
    request: () => send({ query: 'query ($f: Int = 100) { customers(first: $f) { nodes { reservations { customer { reservations { id } } } } } }' }),
    status: 400,
    code: 'OPERATION_LIMIT_EXCEEDED',
  },
  {
    name: 'nested connections multiplied by large first values',
    request: () =>
      send({
        query: '{ categories(first: 100) { nodes { products(first: 100) { nodes { category { products(first: 100) { nodes { id } } } } } } } }',
      }),
    status: 400,
    code: 'OPERATION_LIMIT_EXCEEDED',
  },
  {
    name: 'nesting 1000 levels deep',
    request: () => send({ query: deepNesting(1000) }),
    status: 400,
    code: 'OPERATION_LIMIT_EXCEEDED',
  },
  {
    name: 'a tenant over its cost budget',
    request: () =>
      withGateway({ TENANT_COST_BUDGETS: JSON.stringify({ [TENANT]: 20 }), REDIS_ENABLED: 'false' }, (url) =>
        send({ query: '{ customers(first: 50) { nodes { id } } }' }, {}, url),
      ),
    status: 429,
    code: 'RATE_LIMITED',
  },
];

async function serverErrors(url: string): Promise<number> {
  const response = await fetch(new URL('/metrics', url), { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  const metrics = parsePrometheusText(await response.text());
  return metrics.samples
    .filter((sample) => sample.name === 'graphql_requests_total' && sample.labels.outcome === 'server_error')
    .reduce((sum, sample) => sum + sample.value, 0);
}

beforeAll(async () => {
  supergraph = await startTestSupergraph('hostile', {
    env: { ...PRODUCTION, METRICS_TOKEN, APQ_TENANT_MAX_DOCUMENTS: '3' },
    // The product's default horizon, not the test suites' longer one.
    reservationEnv: { BOOKING_HORIZON_DAYS: '365' },
    logger: logs.logger,
  });
  bearer = await jwt({});
  // Long notes make one customer's answer larger than the 1 KiB cap of the response-size row.
  const created = await send({
    query: 'mutation ($notes: String) { createCustomer(input: { name: "Hal", email: "hal@h.example", notes: $notes }) { customer { id } } }',
    variables: { notes: 'n'.repeat(1_500) },
  });
  customerId = (JSON.parse(created.text) as { data: { createCustomer: { customer: { id: string } } } }).data.createCustomer.customer.id;
});

afterAll(async () => {
  await supergraph?.stop();
});

test('/ready tells callers without the metrics token only the status', async () => {
  const ready = new URL('/ready', supergraph.gatewayUrl);
  for (const authorization of [undefined, 'Bearer wrong-token-0123456789', `Bearer ${bearer}`]) {
    const response = await fetch(ready, { headers: authorization ? { authorization } : {} });
    expect({ authorization, status: response.status, body: await response.json() }).toEqual({
      authorization,
      status: 200,
      body: { status: 'ready' },
    });
  }
  const operator = await fetch(ready, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(await operator.json()).toMatchObject({ status: 'ready', subgraphs: { customer: { url: supergraph.customer.url, breaker: 'closed' } } });
});

test('JWT_REQUIRE_EXP=false accepts a token without exp; by default it is refused', async () => {
  const noExp = await jwt({}, (token) => token.setIssuedAt());
  for (const [extra, status] of [
    [{ JWT_REQUIRE_EXP: 'false' }, 200],
    [{}, 401],
  ] as const) {
    const answer = await withGateway(extra, (url) => send(QUERY, { authorization: `Bearer ${noExp}` }, url));
    expect({ extra, status: answer.status }).toEqual({ extra, status });
  }
});

describe('hostile input gets its coded refusal, never a server fault', () => {
  const services = (): string[] => [supergraph.gatewayUrl, supergraph.customer.url, supergraph.reservation.url];

  test.each(rows.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    const errorsBefore = await Promise.all(services().map(serverErrors));
    const linesBefore = logs.lines.length;
    const answer = await row.request();
    expect({ status: answer.status, code: answer.code }).toEqual({ status: row.status, code: row.code });
    if (row.field !== undefined) expect(answer.field).toBe(row.field);
    expect(answer.text).not.toMatch(/prisma|postgres|SELECT |at .*\.ts:\d+|127\.0\.0\.1|localhost/i);
    const errorLines = logs.lines.slice(linesBefore).filter((line) => (line.level ?? 0) >= 50);
    expect(errorLines).toEqual([]);
    expect(await Promise.all(services().map(serverErrors))).toEqual(errorsBefore);
  });
});
