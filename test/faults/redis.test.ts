import { createHash, randomBytes } from 'node:crypto';
import { graphql, graphqlData } from '@reservations/test-support/graphql';
import { parsePrometheusText } from '@reservations/test-support/prometheus';
import { PrivateRedis } from '@reservations/test-support/private-redis';
import { deleteKeysWithPrefix, TEST_REDIS_URL } from '@reservations/test-support/redis';
import { startTestGateway, startTestSupergraph, type TestSupergraph } from '@reservations/test-support/supergraph';
import { TcpFaultProxy } from '@reservations/test-support/tcp-fault-proxy';
import { redisConnected, waitFor } from '@reservations/test-support/wait';
import type { StartedGateway } from '@reservations/gateway/server';

/**
 * Redis faults as clients and operators see them, on real PostgreSQL and a real Redis: a
 * private redis-server that stops answering (SIGSTOP), and a partition cut by a TCP proxy.
 */

const PRODUCT = 'query ($id: ID!) { product(id: $id) { id priceCents } }';
const UPDATE = 'mutation ($input: UpdateProductInput!) { updateProduct(input: $input) { product { id priceCents } } }';
const CREATE = 'mutation ($input: CreateProductInput!) { createProduct(input: $input) { product { id } } }';
/** Probes come quickly here so that recovery does not make the suite slow; waiting is by polling. */
const FAST_PROBES = { REDIS_PROBE_INTERVAL_MS: '100' };

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

async function supergraphOn(redisUrl: string, label: string): Promise<{ supergraph: TestSupergraph; env: Record<string, string> }> {
  const prefix = `test-faults-${randomBytes(4).toString('hex')}:`;
  stops.push(() =>
    deleteKeysWithPrefix(prefix, TEST_REDIS_URL).then(
      () => undefined,
      () => undefined,
    ),
  );
  const env = { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix, ...FAST_PROBES };
  const supergraph = await startTestSupergraph(label, { env });
  stops.push(supergraph.stop);
  await redisConnected(supergraph.gatewayUrl);
  return { supergraph, env };
}

async function extraGateway(supergraph: TestSupergraph, env: Record<string, string>): Promise<StartedGateway> {
  const gateway = await startTestGateway({ customer: supergraph.customer.url, reservation: supergraph.reservation.url }, env);
  stops.push(gateway.stop);
  await redisConnected(gateway.url);
  return gateway;
}

async function price(url: string, tenant: string, id: string): Promise<{ priceCents: number; cache: string | null }> {
  const { headers, body } = await graphql<{ product: { priceCents: number } }>(url, PRODUCT, { tenant, variables: { id } });
  expect(body.errors).toBeUndefined();
  return { priceCents: body.data!.product.priceCents, cache: headers.get('x-cache') };
}

async function cachedProduct(url: string, tenant: string, priceCents: number, ...readers: string[]): Promise<string> {
  const {
    createProduct: { product: createProduct },
  } = await graphqlData<{ createProduct: { product: { id: string } } }>(url, CREATE, {
    tenant,
    variables: { input: { name: 'Espresso', priceCents } },
  });
  for (const reader of [url, ...readers]) await waitFor(async () => (await price(reader, tenant, createProduct.id)).cache === 'HIT');
  return createProduct.id;
}

async function ready(url: string): Promise<{ status: string; redis: string }> {
  return (await (await fetch(new URL('/ready', url))).json()) as { status: string; redis: string };
}

describe('a hung Redis (the process stops answering, its connections stay open)', () => {
  let redis: PrivateRedis;

  beforeEach(async () => {
    redis = await PrivateRedis.start();
    stops.push(() => redis.stop());
  });

  test('cached queries and persisted-query lookups answer without waiting for it; /ready and /metrics say so', async () => {
    const { supergraph } = await supergraphOn(redis.url, 'faults_hung');
    const url = supergraph.gatewayUrl;
    const id = await cachedProduct(url, 'hung', 500);

    redis.hang();
    // Each would wait for Redis without a command timeout; then the breaker skips Redis.
    for (let i = 0; i < 5; i++) expect(await price(url, 'hung', id)).toEqual({ priceCents: 500, cache: 'BYPASS' });
    const query = '{ products(first: 1) { totalCount } }';
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const persisted = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tenant-id': 'hung' },
      body: JSON.stringify({ query, extensions: { persistedQuery: { version: 1, sha256Hash } } }),
    });
    expect(await persisted.json()).toEqual({ data: { products: { totalCount: 1 } }, extensions: { cost: expect.anything() } });

    // Redis down degrades caching, not readiness.
    expect(await ready(url)).toMatchObject({ status: 'ready', redis: 'unavailable' });
    const metrics = parsePrometheusText(await (await fetch(new URL('/metrics', url))).text());
    expect(metrics.value('redis_available')).toBe(0);
    expect(metrics.value('redis_commands_failed_total', { reason: 'timeout' })).toBeGreaterThan(0);
    expect(metrics.value('redis_commands_failed_total', { reason: 'skipped' })).toBeGreaterThan(0);

    redis.resume();
    await waitFor(async () => (await ready(url)).redis === 'connected');
    await waitFor(async () => (await price(url, 'hung', id)).cache === 'HIT');
    expect(parsePrometheusText(await (await fetch(new URL('/metrics', url))).text()).value('redis_available')).toBe(1);
  });

  test('a committed product write is answered as a success, through the gateway and on the customer subgraph', async () => {
    const { supergraph } = await supergraphOn(redis.url, 'faults_hung_write');
    const id = await cachedProduct(supergraph.gatewayUrl, 'hung', 500);

    redis.hang();
    // Both the customer subgraph and the gateway bump the catalogue version after the commit.
    for (const [url, priceCents] of [
      [supergraph.gatewayUrl, 510],
      [supergraph.customer.url, 520],
      [supergraph.gatewayUrl, 530],
    ] as const) {
      const { body } = await graphql(url, UPDATE, { tenant: 'hung', variables: { input: { id, priceCents } } });
      // The gateway adds its cost extension; the subgraph answers data alone.
      expect({ data: body.data, errors: body.errors }).toEqual({ data: { updateProduct: { product: { id, priceCents } } }, errors: undefined });
    }
    const created = await graphql(supergraph.gatewayUrl, CREATE, { tenant: 'hung', variables: { input: { name: 'Lungo', priceCents: 300 } } });
    expect(created.body.errors).toBeUndefined();
    expect(await price(supergraph.gatewayUrl, 'hung', id)).toEqual({ priceCents: 530, cache: 'BYPASS' });

    redis.resume();
    await waitFor(async () => (await ready(supergraph.gatewayUrl)).redis === 'connected');
    expect((await price(supergraph.gatewayUrl, 'hung', id)).priceCents).toBe(530);
  });
});

describe('a partition between the services and Redis (Redis keeps its data)', () => {
  test.each([
    ['the connections survive the cut (what was sent meanwhile arrives late)', false],
    ['the connections are reset before it heals (what was sent meanwhile is lost)', true],
  ])('a product updated during the cut is never served stale afterwards: %s', async (_name, reset) => {
    const proxy = await TcpFaultProxy.start({ host: new URL(TEST_REDIS_URL).hostname, port: Number(new URL(TEST_REDIS_URL).port || 6379) });
    stops.push(() => proxy.stop());
    // The customer subgraph and two gateways reach Redis through the proxy; a third never loses it.
    const { supergraph, env } = await supergraphOn(proxy.rewrite(TEST_REDIS_URL), 'faults_partition');
    const sawNothing = await extraGateway(supergraph, env);
    const neverCut = await extraGateway(supergraph, { ...env, REDIS_URL: TEST_REDIS_URL });
    const writer = supergraph.gatewayUrl;
    const readers = [writer, sawNothing.url, neverCut.url];
    const id = await cachedProduct(writer, 'cut', 500, sawNothing.url, neverCut.url);

    proxy.partition();
    const { body } = await graphql(writer, UPDATE, { tenant: 'cut', variables: { input: { id, priceCents: 700 } } });
    expect(body).toEqual({ data: { updateProduct: { product: { id, priceCents: 700 } } }, extensions: { cost: expect.anything() } });
    // The writer cannot reach Redis: it serves the new price uncached.
    expect(await price(writer, 'cut', id)).toEqual({ priceCents: 700, cache: 'BYPASS' });
    if (reset) proxy.cut();
    proxy.heal();

    // Every process that lost Redis uses it again only after starting a new cache generation.
    await waitFor(async () => (await ready(writer)).redis === 'connected');
    await waitFor(async () => (await ready(sawNothing.url)).redis === 'connected');
    // The writer's next read waits for its new generation; after that no gateway has an old entry.
    expect((await price(writer, 'cut', id)).priceCents).toBe(700);
    for (const url of readers) {
      for (let i = 0; i < 3; i++) expect((await price(url, 'cut', id)).priceCents).toBe(700);
    }
    // Caching goes on afterwards.
    await waitFor(async () => (await price(neverCut.url, 'cut', id)).cache === 'HIT');
  });
});
