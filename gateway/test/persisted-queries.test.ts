import { createHash, randomBytes } from 'node:crypto';
import { createClient } from '@redis/client';
import { createLogger } from '@reservations/platform/logger';
import { deleteKeysWithPrefix, TEST_REDIS_URL as REDIS_URL } from '@reservations/test-support/redis';
import { redisConnected } from '@reservations/test-support/wait';
import { startTestSupergraph, type TestSupergraph } from '@reservations/test-support/supergraph';
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
