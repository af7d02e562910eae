import { createHash, randomBytes } from 'node:crypto';
import { createClient } from '@redis/client';
import { createLogger } from '@reservations/platform/logger';
import { deleteKeysWithPrefix, TEST_REDIS_URL as REDIS_URL } from '@reservations/test-support/redis';
import { redisConnected } from '@reservations/test-support/wait';
import { startTestSupergraph, type TestSupergraph } from '@reservations/test-support/supergraph';
import { InProcessWindowCounter } from '@reservations/platform/cache/window-counter';
import { readGatewayConfig } from '../src/config';
import { startGateway, type StartedGateway } from '../src/server';

const QUERY = '{ customers { totalCount } }';
const HASH = createHash('sha256').update(QUERY).digest('hex');

let supergraph: TestSupergraph;
const running: StartedGateway[] = [];

async function gateway(env: Record<string, string>): Promise<StartedGateway> {
  const started = await startGateway(
    readGatewayConfig({
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      GATEWAY_PORT: '0',
      CUSTOMER_SUBGRAPH_URL: supergraph.customer.url,
      RESERVATION_SUBGRAPH_URL: supergraph.reservation.url,
      ...env,
    }),
    createLogger('apq-test', process.env.TEST_LOG_LEVEL ?? 'silent'),
  );
  running.push(started);
  return started;
}

/** An APQ request as Apollo Client sends it: the hash, and the query only when registering. */
async function persisted(url: string, withQuery: boolean): Promise<{ data?: unknown; errors?: { extensions?: { code?: string } }[] }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tenant-id': 'apq' },
    body: JSON.stringify({
      ...(withQuery ? { query: QUERY } : {}),
      extensions: { persistedQuery: { version: 1, sha256Hash: HASH } },
    }),
  });
  return (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
}

interface ApqAnswer {
  status: number;
  retryAfter: string | null;
  body: { data?: unknown; errors?: { extensions?: { code?: string; limit?: string } }[] };
}

/** An APQ request for any document, as `tenant`; the document is sent only when registering. */
async function apq(url: string, query: string, { tenant = 'apq', register = true } = {}): Promise<ApqAnswer> {
  const sha256Hash = createHash('sha256').update(query).digest('hex');
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tenant-id': tenant },
    body: JSON.stringify({ ...(register ? { query } : {}), extensions: { persistedQuery: { version: 1, sha256Hash } } }),
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as ApqAnswer['body'] };
}

/** The same operation padded with a comment, so each is a distinct document of about `bytes` bytes. */
const padded = (label: string, bytes = 0): string => `{ customers { totalCount } } # ${label} ${'x'.repeat(bytes)}`;

async function roundTrip(url: string): Promise<void> {
  expect((await persisted(url, false)).errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  expect((await persisted(url, true)).data).toEqual({ customers: { totalCount: 0 } });
  expect((await persisted(url, false)).data).toEqual({ customers: { totalCount: 0 } });
}

beforeAll(async () => {
  supergraph = await startTestSupergraph('apq');
});

afterAll(async () => {
  for (const started of running) await started.stop();
  await supergraph?.stop();
});

test('in-process (no Redis): hash miss, register, hit', async () => {
  const { url } = await gateway({});
  await roundTrip(url);
});

test('in Redis: hash miss, register, hit, and still a hit after a gateway restart', async () => {
  const prefix = `test-apq-${randomBytes(4).toString('hex')}:`;
  const redis = createClient({ url: REDIS_URL });
  await redis.connect();
  try {
    const first = await gateway({ REDIS_URL, REDIS_KEY_PREFIX: prefix });
    await redisConnected(first.url);
    await roundTrip(first.url);
    // The registered operation lives in Redis under the gateway's key prefix, in its own namespace.
    const keys = await redis.keys(`${prefix}apq*`);
    expect(keys).toEqual([expect.stringContaining(HASH)]);

    await first.stop();
    const restarted = await gateway({ REDIS_URL, REDIS_KEY_PREFIX: prefix });
    await redisConnected(restarted.url);
    expect((await persisted(restarted.url, false)).data).toEqual({ customers: { totalCount: 0 } });
  } finally {
    await redis.close();
    await deleteKeysWithPrefix(prefix);
  }
});

test('with Redis unreachable, persisted queries degrade to re-registration and requests still succeed', async () => {
  const { url } = await gateway({ REDIS_URL: 'redis://127.0.0.1:1', REDIS_KEY_PREFIX: 'unused:' });
  expect((await persisted(url, false)).errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  expect((await persisted(url, true)).data).toEqual({ customers: { totalCount: 0 } });
});

describe('registration is bounded', () => {
  test('a document over APQ_MAX_DOCUMENT_BYTES is refused and not stored; the same operation still runs unpersisted', async () => {
    const { url } = await gateway({ APQ_MAX_DOCUMENT_BYTES: '2048' });
    const large = padded('large', 3_000);
    const refused = await apq(url, large);
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'PERSISTED_QUERY_LIMIT_EXCEEDED', limit: 'maxDocumentBytes' });
    expect((await apq(url, large, { register: false })).body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const plain = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tenant-id': 'apq' },
      body: JSON.stringify({ query: large }),
    });
    expect(((await plain.json()) as { data: unknown }).data).toEqual({ customers: { totalCount: 0 } });
    expect((await apq(url, padded('small', 1_000))).status).toBe(200);
  });

  test('a tenant past its documents per window gets 429 with Retry-After; other tenants and registered documents are unaffected', async () => {
    const { url } = await gateway({ APQ_TENANT_MAX_DOCUMENTS: '2', APQ_TTL_SECONDS: '3600' });
    expect((await apq(url, padded('a1'), { tenant: 'flood' })).status).toBe(200);
    expect((await apq(url, padded('a2'), { tenant: 'flood' })).status).toBe(200);
    const third = await apq(url, padded('a3'), { tenant: 'flood' });
    expect(third.status).toBe(429);
    expect(third.body.errors?.[0]?.extensions).toMatchObject({ code: 'PERSISTED_QUERY_LIMIT_EXCEEDED', limit: 'maxTenantDocuments' });
    expect(Number(third.retryAfter)).toBeGreaterThan(0);
    expect(Number(third.retryAfter)).toBeLessThanOrEqual(3600);
    expect((await apq(url, padded('a3'), { tenant: 'flood', register: false })).body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    // Documents registered within the quota keep working, for every tenant.
    expect((await apq(url, padded('a1'), { tenant: 'flood', register: false })).body.data).toEqual({ customers: { totalCount: 0 } });
    expect((await apq(url, padded('b1'), { tenant: 'quiet' })).status).toBe(200);
  });

  test('registered bytes per tenant are bounded too', async () => {
    const { url } = await gateway({ APQ_TENANT_MAX_BYTES: '2048' });
    expect((await apq(url, padded('c1', 1_200), { tenant: 'bytes' })).status).toBe(200);
    const second = await apq(url, padded('c2', 1_200), { tenant: 'bytes' });
    expect(second.status).toBe(429);
    expect(second.body.errors?.[0]?.extensions).toMatchObject({ code: 'PERSISTED_QUERY_LIMIT_EXCEEDED', limit: 'maxTenantBytes' });
  });

  test('with Redis, gateways share one quota per tenant', async () => {
    const prefix = `test-apq-quota-${randomBytes(4).toString('hex')}:`;
    try {
      const env = { REDIS_URL, REDIS_KEY_PREFIX: prefix, APQ_TENANT_MAX_DOCUMENTS: '2' };
      const [first, second] = await Promise.all([gateway(env), gateway(env)]);
      await Promise.all([redisConnected(first.url), redisConnected(second.url)]);
      expect((await apq(first.url, padded('d1'), { tenant: 'shared' })).status).toBe(200);
      expect((await apq(second.url, padded('d2'), { tenant: 'shared' })).status).toBe(200);
      expect((await apq(first.url, padded('d3'), { tenant: 'shared' })).status).toBe(429);
      expect((await apq(second.url, padded('d4'), { tenant: 'shared' })).status).toBe(429);
    } finally {
      await deleteKeysWithPrefix(prefix);
    }
  });
});

test('an in-process window counter starts over in the next window', async () => {
  let now = Date.UTC(2030, 0, 1, 0, 0, 0);
  const counter = new InProcessWindowCounter(60, () => now);
  const totals = async (key: string, amounts: number[]) => (await counter.add(key, amounts)).totals;
  expect(await totals('t', [1, 100])).toEqual([1, 100]);
  now += 59_999;
  expect(await totals('t', [1, 50])).toEqual([2, 150]);
  expect(await totals('other', [1, 5])).toEqual([1, 5]);
  now += 1;
  expect(await totals('t', [1, 10])).toEqual([1, 10]);
});

test('a capped window counter adds nothing when a total would pass its limit', async () => {
  const now = Date.UTC(2030, 0, 1, 0, 0, 30);
  const counter = new InProcessWindowCounter(60, () => now);
  expect(await counter.add('t', [1, 100], [2, 150])).toEqual({ totals: [1, 100], admitted: true, endsAtMs: now + 60_000, shared: false });
  expect(await counter.add('t', [1, 60], [2, 150])).toMatchObject({ totals: [1, 100], admitted: false });
  expect(await counter.add('t', [1, 50], [2, 150])).toMatchObject({ totals: [2, 150], admitted: true });
});
