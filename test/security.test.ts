/**
 * Hostile requests against the supergraph in production mode: each has a documented
 * outcome, and afterwards every service still answers and no data changed.
 */
import http from 'node:http';
import { SignJWT } from 'jose';
import { systemClock, type GatewayClock } from '@reservations/gateway/clock';
import { SIGNATURE_HEADER, signatureFor } from '@reservations/platform/security/request-signing';
import { graphql, graphqlData } from '@reservations/test-support/graphql';
import { capturingLogger } from '@reservations/test-support/logs';
import { parsePrometheusText, type Exposition } from '@reservations/test-support/prometheus';
import { startTestCustomerSubgraph, startTestGateway, startTestSupergraph, type TestSupergraph } from '@reservations/test-support/supergraph';

const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef-xyz';
const JWT_SECRET = 'test-jwt-secret-0123456789abcdef-0123456';
const ALLOWED_ORIGIN = 'https://app.example.com';
const METRICS_TOKEN = 'test-metrics-token-0123456789';

let supergraph: TestSupergraph;
/** The gateway's clock runs `aheadMs` ahead of the system's: a token can expire without a wait. */
const gatewayTime = { aheadMs: 0 };
const gatewayClock: GatewayClock = { ...systemClock, now: () => Date.now() + gatewayTime.aheadMs };
let tokenA: string;
let tokenB: string;
const owned: { customerId?: string; reservationId?: string; productId?: string } = {};

async function token(tenant: string, options: { expiresIn?: string; secret?: string } = {}): Promise<string> {
  return new SignJWT({ tenant })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '5m')
    .sign(new TextEncoder().encode(options.secret ?? JWT_SECRET));
}

interface Raw {
  status: number;
  body: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] } | null;
  text: string;
  headers: Headers;
}

async function raw(url: string, init: RequestInit): Promise<Raw> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: Raw['body'];
  try {
    body = JSON.parse(text) as Raw['body'];
  } catch {
    body = null;
  }
  return { status: response.status, body, text, headers: response.headers };
}

/** A GET with the request target exactly as given, which fetch would normalise. */
function rawStatus(url: string, path: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const { hostname, port } = new URL(url);
    http
      .get({ hostname, port, path }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', reject);
  });
}

function post(body: string, headers: Record<string, string> = {}, url = supergraph.gatewayUrl): Promise<Raw> {
  return raw(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}

function asA(extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${tokenA}`, ...extra };
}

/** Every tenant's rows, read as the owner (row-level security would show the services' role none). */
async function snapshot(): Promise<string> {
  const [customers, reservations] = await Promise.all([
    supergraph.databases.customer.asOwner('SELECT * FROM customers ORDER BY id'),
    supergraph.databases.reservation.asOwner('SELECT * FROM reservations ORDER BY id'),
  ]);
  return JSON.stringify({ customers, reservations });
}

beforeAll(async () => {
  supergraph = await startTestSupergraph('security', {
    env: {
      NODE_ENV: 'production',
      GATEWAY_SIGNING_SECRET: SIGNING_SECRET,
      JWT_SECRET,
      CORS_ORIGINS: ALLOWED_ORIGIN,
      METRICS_TOKEN,
    },
    gatewayClock,
  });
  tokenA = await token('tenant-a');
  tokenB = await token('tenant-b');
  const headers = { headers: asA() };
  const {
    createCustomer: { customer: createCustomer },
  } = await graphqlData<{ createCustomer: { customer: { id: string } } }>(
    supergraph.gatewayUrl,
    'mutation { createCustomer(input: { name: "Alice A", email: "alice@a.example" }) { customer { id } } }',
    headers,
  );
  owned.customerId = createCustomer.id;
  const {
    createReservation: { reservation: createReservation },
  } = await graphqlData<{ createReservation: { reservation: { id: string } } }>(
    supergraph.gatewayUrl,
    'mutation ($c: ID!) { createReservation(input: { customerId: $c, startsAt: "2033-03-03T19:00:00Z", partySize: 2, idempotencyKey: "security-setup" }) { reservation { id } } }',
    { ...headers, variables: { c: createCustomer.id } },
  );
  owned.reservationId = createReservation.id;
});

afterAll(async () => {
  await supergraph?.stop();
});

type Expectation = { status: number; code?: string };

const deep = (levels: number): string => {
  let selection = 'id';
  for (let i = 0; i < levels; i++)
    selection = i % 2 === 0 ? `reservations { customer { ${selection} } }` : `reservations { id customer { ${selection} } }`;
  return `{ customers { nodes { ${selection} } } }`;
};

const cases: [name: string, request: () => Promise<Raw>, expected: Expectation][] = [
  ['malformed JSON', () => post('{"query": "{ customers { totalCount } ', asA()), { status: 400, code: 'BAD_REQUEST' }],
  [
    'wrong content type (text/plain, a CSRF vector)',
    () =>
      raw(supergraph.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', ...asA() },
        body: '{"query":"{ customers { totalCount } }"}',
      }),
    { status: 400 },
  ],
  [
    'oversized body',
    () => post(JSON.stringify({ query: `{ customers { totalCount } } # ${'x'.repeat(300_000)}` }), asA()),
    { status: 413, code: 'PAYLOAD_TOO_LARGE' },
  ],
  ['depth bomb', () => post(JSON.stringify({ query: deep(10) }), asA()), { status: 400, code: 'OPERATION_LIMIT_EXCEEDED' }],
  [
    'alias bomb',
    () => post(JSON.stringify({ query: `{ ${Array.from({ length: 200 }, (_, i) => `a${i}: customers { totalCount }`).join(' ')} }` }), asA()),
    { status: 400, code: 'OPERATION_LIMIT_EXCEEDED' },
  ],
  ['batch flood', () => post(JSON.stringify(Array.from({ length: 100 }, () => ({ query: '{ customers { totalCount } }' }))), asA()), { status: 400 }],
  [
    'huge first (over the page limit)',
    () => post(JSON.stringify({ query: '{ customers(first: 101) { totalCount } }' }), asA()),
    { status: 200, code: 'BAD_USER_INPUT' },
  ],
  [
    'enormous first (over the cost budget)',
    () => post(JSON.stringify({ query: '{ customers(first: 1000000) { nodes { reservations { id } } } }' }), asA()),
    { status: 400, code: 'OPERATION_LIMIT_EXCEEDED' },
  ],
  ['invalid id', () => post(JSON.stringify({ query: '{ customer(id: "1 OR 1=1") { id } }' }), asA()), { status: 200, code: 'BAD_USER_INPUT' }],
  [
    'overlong string input',
    () =>
      post(
        JSON.stringify({
          query: 'mutation ($n: String!) { createCustomer(input: { name: $n, email: "x@y.example" }) { customer { id } } }',
          variables: { n: 'n'.repeat(5000) },
        }),
        asA(),
      ),
    { status: 200, code: 'BAD_USER_INPUT' },
  ],
  [
    'missing token',
    () => post(JSON.stringify({ query: '{ customers { totalCount } }' }), { 'x-tenant-id': 'tenant-a' }),
    { status: 401, code: 'UNAUTHENTICATED' },
  ],
  [
    'malformed tenant header',
    () => post(JSON.stringify({ query: '{ customers { totalCount } }' }), asA({ 'x-tenant-id': "a' OR '1'='1" })),
    { status: 400, code: 'INVALID_TENANT' },
  ],
  [
    'forged tenant (header differs from token)',
    () => post(JSON.stringify({ query: '{ customers { totalCount } }' }), asA({ 'x-tenant-id': 'tenant-b' })),
    { status: 403, code: 'FORBIDDEN' },
  ],
  [
    'expired token',
    async () =>
      post(JSON.stringify({ query: '{ customers { totalCount } }' }), { authorization: `Bearer ${await token('tenant-a', { expiresIn: '-1m' })}` }),
    { status: 401, code: 'UNAUTHENTICATED' },
  ],
  [
    'token signed with another key',
    async () =>
      post(JSON.stringify({ query: '{ customers { totalCount } }' }), {
        authorization: `Bearer ${await token('tenant-a', { secret: 'another-secret-another-secret-123456' })}`,
      }),
    { status: 401, code: 'UNAUTHENTICATED' },
  ],
  [
    'not a bearer token',
    () => post(JSON.stringify({ query: '{ customers { totalCount } }' }), { authorization: 'Basic YWRtaW46YWRtaW4=' }),
    { status: 401, code: 'UNAUTHENTICATED' },
  ],
  [
    'introspection in production',
    () => post(JSON.stringify({ query: '{ __schema { types { name } } }' }), asA()),
    { status: 400, code: 'GRAPHQL_VALIDATION_FAILED' },
  ],
  [
    'direct unsigned call to the customer subgraph',
    () => post(JSON.stringify({ query: '{ customers { totalCount } }' }), { 'x-tenant-id': 'tenant-a' }, supergraph.customer.url),
    { status: 401, code: 'UNAUTHENTICATED' },
  ],
  [
    'direct unsigned call to the reservation subgraph',
    () => post(JSON.stringify({ query: '{ reservations { totalCount } }' }), { 'x-tenant-id': 'tenant-a' }, supergraph.reservation.url),
    { status: 401, code: 'UNAUTHENTICATED' },
  ],
  [
    'direct call signed with another secret',
    () => {
      const body = JSON.stringify({ query: '{ customers { totalCount } }' });
      const headers = { 'content-type': 'application/json', 'x-tenant-id': 'tenant-a' };
      return post(
        body,
        {
          ...headers,
          [SIGNATURE_HEADER]: signatureFor('wrong-secret-wrong-secret-wrong-secret', 'customer', supergraph.customer.url, 'POST', headers, body),
        },
        supergraph.customer.url,
      );
    },
    { status: 401, code: 'UNAUTHENTICATED' },
  ],
];

describe('hostile requests get their documented outcome', () => {
  let before: string;
  beforeAll(async () => {
    before = await snapshot();
    // Something to protect: the comparison at the end would be empty otherwise.
    expect((JSON.parse(before) as { customers: unknown[] }).customers.length).toBeGreaterThan(0);
  });

  test.each(cases)('%s', async (_name, request, expected) => {
    const response = await request();
    expect(response.status).toBe(expected.status);
    if (expected.code) expect(response.body?.errors?.[0]?.extensions?.['code']).toBe(expected.code);
    expect(response.text).not.toMatch(/prisma|postgres|SELECT |at .*\.ts:\d+|127\.0\.0\.1|localhost/i);
  });

  test('a gateway whose signing secret is out of step gets no data, and the caller is not blamed', async () => {
    const misconfigured = await startTestGateway(
      { customer: supergraph.customer.url, reservation: supergraph.reservation.url },
      { NODE_ENV: 'production', GATEWAY_SIGNING_SECRET: 'another-signing-secret-0123456789abcdef', JWT_SECRET, CORS_ORIGINS: ALLOWED_ORIGIN },
    );
    try {
      const response = await post(JSON.stringify({ query: '{ customers { totalCount } }' }), asA(), misconfigured.url);
      expect(response.body?.data ?? null).toBeNull();
      expect(response.body?.errors?.[0]?.extensions?.['code']).toBe('INTERNAL_SERVER_ERROR');
      expect(response.text).not.toMatch(/127\.0\.0\.1|localhost|401/);
    } finally {
      await misconfigured.stop();
    }
  });

  test('a replayed signed subgraph call is refused', async () => {
    const body = JSON.stringify({ query: '{ customers { totalCount } }' });
    const headers = { 'content-type': 'application/json', 'x-tenant-id': 'tenant-a' };
    const signed = { ...headers, [SIGNATURE_HEADER]: signatureFor(SIGNING_SECRET, 'customer', supergraph.customer.url, 'POST', headers, body) };
    const first = await post(body, signed, supergraph.customer.url);
    expect(first.status).toBe(200);
    const replay = await post(body, signed, supergraph.customer.url);
    expect(replay.status).toBe(401);
    expect(replay.body?.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
  });

  test('a signed request whose tenant was swapped in transit is refused', async () => {
    const body = JSON.stringify({ query: '{ customers { totalCount } }' });
    const signature = signatureFor(SIGNING_SECRET, 'customer', supergraph.customer.url, 'POST', { 'x-tenant-id': 'tenant-b' }, body);
    const swapped = await post(body, { 'x-tenant-id': 'tenant-a', [SIGNATURE_HEADER]: signature }, supergraph.customer.url);
    expect(swapped.status).toBe(401);
  });

  test("another tenant's ids answer as if they did not exist, in queries and mutations", async () => {
    const asB = { headers: { authorization: `Bearer ${tokenB}` } };
    const reads = await graphql<{ customer: unknown; reservation: unknown }>(
      supergraph.gatewayUrl,
      'query ($c: ID!, $r: ID!) { customer(id: $c) { id } reservation(id: $r) { id } }',
      { ...asB, variables: { c: owned.customerId, r: owned.reservationId } },
    );
    expect(reads.body.data).toEqual({ customer: null, reservation: null });
    const mutations: [string, Record<string, unknown>][] = [
      ['mutation ($id: ID!) { updateCustomer(input: { id: $id, name: "Mallory" }) { customer { id } } }', { id: owned.customerId }],
      ['mutation ($id: ID!) { deleteCustomer(input: { id: $id }) { __typename } }', { id: owned.customerId }],
      ['mutation ($id: ID!) { confirmReservation(input: { id: $id }) { reservation { id } } }', { id: owned.reservationId }],
      ['mutation ($id: ID!) { cancelReservation(input: { id: $id, reason: "spite" }) { reservation { id } } }', { id: owned.reservationId }],
      ['mutation ($id: ID!) { updateReservation(input: { id: $id, partySize: 9 }) { reservation { id } } }', { id: owned.reservationId }],
    ];
    for (const [query, variables] of mutations) {
      const { body } = await graphql(supergraph.gatewayUrl, query, { ...asB, variables });
      expect(body.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    }
    const booking = await graphql(
      supergraph.gatewayUrl,
      'mutation ($c: ID!) { createReservation(input: { customerId: $c, startsAt: "2033-04-04T19:00:00Z", partySize: 2, idempotencyKey: "security-cross-tenant" }) { reservation { id } } }',
      { ...asB, variables: { c: owned.customerId } },
    );
    expect(booking.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.customerId' });
  });

  test('SQL and regex metacharacters in search are plain text', async () => {
    for (const search of ["' OR '1'='1", '%', '_', '.*', '(a+)+$', '\\', 'Alice%']) {
      const data = await graphqlData<{ customers: { totalCount: number } }>(
        supergraph.gatewayUrl,
        'query ($s: String) { customers(search: $s) { totalCount } }',
        { headers: asA(), variables: { s: search } },
      );
      expect(data.customers.totalCount).toBe(0);
    }
  });

  test('browsers: only the allowed origin may read responses', async () => {
    const allowed = await raw(supergraph.gatewayUrl, {
      method: 'OPTIONS',
      headers: { origin: ALLOWED_ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    const other = await raw(supergraph.gatewayUrl, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('no landing page in production', async () => {
    const page = await raw(supergraph.gatewayUrl, { headers: { accept: 'text/html' } });
    expect(page.text).not.toMatch(/sandbox/i);
  });

  test('a token accepted before is refused once it expires, and an altered copy of it never', async () => {
    const shortLived = await new SignJWT({ tenant: 'tenant-a' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(Math.floor(Date.now() / 1000) + 2)
      .sign(new TextEncoder().encode(JWT_SECRET));
    const query = JSON.stringify({ query: '{ customers { totalCount } }' });
    expect((await post(query, { authorization: `Bearer ${shortLived}` })).body?.data).toEqual({ customers: { totalCount: 1 } });
    // Same header and payload, another signature: must be verified, not matched to the one above.
    const altered = `${shortLived.slice(0, shortLived.lastIndexOf('.') + 1)}${'A'.repeat(43)}`;
    expect((await post(query, { authorization: `Bearer ${altered}` })).body?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // Three seconds later on the gateway's clock, the token has expired (exp is in whole seconds).
    gatewayTime.aheadMs = 3_000;
    try {
      expect((await post(query, { authorization: `Bearer ${shortLived}` })).body?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    } finally {
      gatewayTime.aheadMs = 0;
    }
  });

  test('a request target no URL parser accepts gets 400 from every service, which keeps running', async () => {
    for (const url of [supergraph.gatewayUrl, supergraph.customer.url, supergraph.reservation.url]) {
      expect(await rawStatus(url, '//')).toBe(400);
      expect(await rawStatus(url, '//:x/graphql')).toBe(400);
      expect((await fetch(new URL('/health', url))).status).toBe(200);
    }
  });

  test('afterwards every service still answers and no data changed', async () => {
    expect(await snapshot()).toBe(before);
    const data = await graphqlData<{ customers: { nodes: { reservations: unknown[] }[] } }>(
      supergraph.gatewayUrl,
      '{ customers { nodes { reservations { id } } } }',
      { headers: asA() },
    );
    expect(data.customers.nodes).toHaveLength(1);
    expect(data.customers.nodes[0]?.reservations).toHaveLength(1);
  });
});

async function scrape(url: string): Promise<Exposition> {
  const response = await raw(new URL('/metrics', url).href, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(response.status).toBe(200);
  return parsePrometheusText(response.text);
}

describe('/metrics in production', () => {
  const serviceUrl = (service: string): string =>
    ({ gateway: supergraph.gatewayUrl, customer: supergraph.customer.url, reservation: supergraph.reservation.url })[service]!;

  test.each(['gateway', 'customer', 'reservation'])('the %s serves /metrics only to a bearer of METRICS_TOKEN', async (service) => {
    const metricsUrl = new URL('/metrics', serviceUrl(service));
    const refusedCredentials = [
      undefined,
      'Bearer wrong-token-0123456789',
      `Bearer ${METRICS_TOKEN}x`,
      METRICS_TOKEN,
      `Basic ${btoa(`prometheus:${METRICS_TOKEN}`)}`,
    ];
    for (const method of ['GET', 'HEAD']) {
      for (const authorization of refusedCredentials) {
        const refused = await raw(metricsUrl.href, { method, headers: authorization ? { authorization } : {} });
        expect({ method, authorization, status: refused.status }).toEqual({ method, authorization, status: 401 });
        expect(refused.headers.get('www-authenticate')).toBe('Bearer');
        expect(refused.text).toBe(method === 'GET' ? JSON.stringify({ error: 'unauthorized' }) : '');
      }
      const served = await raw(metricsUrl.href, { method, headers: { authorization: `bearer ${METRICS_TOKEN}` } });
      expect(served.status).toBe(200);
      if (method === 'GET') expect(parsePrometheusText(served.text).types.get('graphql_requests_total')).toBe('counter');
    }
    // Only /metrics: health checks and GraphQL need no metrics token.
    expect((await fetch(new URL('/health', metricsUrl))).status).toBe(200);
  });

  test('a service started without METRICS_TOKEN warns once that /metrics is public, and serves it', async () => {
    const production = { NODE_ENV: 'production', GATEWAY_SIGNING_SECRET: SIGNING_SECRET, JWT_SECRET };
    const subgraphs = { customer: supergraph.customer.url, reservation: supergraph.reservation.url };
    const publicWarnings = (lines: { level?: number; msg?: string }[]) =>
      lines.filter((line) => line.level === 40 && /\/metrics is public/.test(line.msg ?? '')).map((line) => line.msg);
    for (const [extra, warned] of [
      [{}, true],
      [{ METRICS_TOKEN }, false],
      [{ METRICS_ENABLED: 'false' }, false],
    ] as const) {
      const logs = { gateway: capturingLogger('gateway'), customer: capturingLogger('customer') };
      const gateway = await startTestGateway(subgraphs, { ...production, ...extra }, logs.gateway.logger);
      try {
        const customer = await startTestCustomerSubgraph(supergraph.databases.customer, { ...production, ...extra }, logs.customer.logger);
        await customer.stop();
        for (const service of ['gateway', 'customer'] as const) {
          const warnings = publicWarnings(logs[service].lines);
          expect({ service, extra, warnings: warnings.length }).toEqual({ service, extra, warnings: warned ? 1 : 0 });
          if (warned) expect(warnings[0]).toMatch(/METRICS_TOKEN[\s\S]*ingress/);
        }
        if (warned) expect((await fetch(new URL('/metrics', gateway.url))).status).toBe(200);
      } finally {
        await gateway.stop();
      }
    }
  });

  test('requests refused before GraphQL runs are counted by reason where they were refused, never by path', async () => {
    const total = (metrics: Exposition, name: string) =>
      metrics.samples.filter((sample) => sample.name === name).reduce((sum, sample) => sum + sample.value, 0);
    const [gatewayBefore, customerBefore] = await Promise.all([scrape(supergraph.gatewayUrl), scrape(supergraph.customer.url)]);

    expect(await rawStatus(supergraph.gatewayUrl, '//')).toBe(400);
    expect((await post(JSON.stringify({ query: `{ customers { totalCount } } # ${'x'.repeat(300_000)}` }), asA())).status).toBe(413);
    expect((await post('{"query": ', asA())).status).toBe(400);
    expect((await raw(supergraph.gatewayUrl, { method: 'PUT', headers: asA(), body: '{}' })).status).toBe(405);
    expect((await raw(new URL('/admin/secret-path-4711', supergraph.gatewayUrl).href, {})).status).toBe(404);
    expect((await raw(new URL('/metrics', supergraph.gatewayUrl).href, {})).status).toBe(401);
    expect(
      (await post(JSON.stringify({ query: '{ customers { totalCount } }' }), { 'x-tenant-id': 'tenant-a' }, supergraph.customer.url)).status,
    ).toBe(401);
    const anyQuery = JSON.stringify({ query: '{ customers { totalCount } }' });
    expect((await post(anyQuery, { authorization: 'Bearer not-a-token' })).status).toBe(401);
    expect((await post(anyQuery, {})).status).toBe(401);
    expect((await post(anyQuery, asA({ 'x-tenant-id': 'tenant-b' }))).status).toBe(403);
    expect((await post(anyQuery, asA({ 'x-tenant-id': 'bad tenant!' }))).status).toBe(400);

    const [gatewayAfter, customerAfter] = await Promise.all([scrape(supergraph.gatewayUrl), scrape(supergraph.customer.url)]);
    const refused = (before: Exposition, after: Exposition) =>
      Object.fromEntries(
        after.samples
          .filter((sample) => sample.name === 'http_requests_refused_total')
          .map((sample) => [sample.labels.reason, sample.value - (before.value(sample.name, sample.labels) ?? 0)]),
      );
    expect(refused(gatewayBefore, gatewayAfter)).toEqual({
      invalid_target: 1,
      body_too_large: 1,
      invalid_json: 1,
      caller_refused: 0,
      caller_unverifiable: 0,
      deadline_passed: 0,
      method_not_allowed: 1,
      not_found: 1,
      metrics_unauthorized: 1,
      unauthenticated: 2,
      forbidden: 1,
      invalid_tenant: 1,
      rate_limited: 0,
      tenant_concurrency: 0,
      context_refused: 0,
    });
    expect(refused(customerBefore, customerAfter)).toMatchObject({ caller_refused: 1, not_found: 0 });
    for (const metrics of [gatewayAfter, customerAfter]) {
      const refusals = metrics.samples.filter((sample) => sample.name === 'http_requests_refused_total');
      for (const sample of refusals) expect(Object.keys(sample.labels).sort()).toEqual(['reason', 'service']);
    }
    // None of them reached GraphQL, so none is counted as a GraphQL request as well.
    expect(total(gatewayAfter, 'graphql_requests_total')).toBe(total(gatewayBefore, 'graphql_requests_total'));
    expect(total(customerAfter, 'graphql_requests_total')).toBe(total(customerBefore, 'graphql_requests_total'));
  });
});
