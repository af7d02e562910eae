import { createHash, randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { FaultProxy } from '@reservations/test-support/fault-proxy';
import { parsePrometheusText } from '@reservations/test-support/prometheus';
import { deleteKeysWithPrefix, TEST_REDIS_URL as REDIS_URL } from '@reservations/test-support/redis';
import { PrivateRedis } from '@reservations/test-support/private-redis';
import { redisConnected, waitFor } from '@reservations/test-support/wait';
import { graphql, graphqlData } from '@reservations/test-support/graphql';
import { startTestGateway, startTestSupergraph, type TestSupergraph } from '@reservations/test-support/supergraph';
import type { StartedGateway } from '../src/server';

const PRODUCTS = '{ products(first: 10) { nodes { id name priceCents } } }';

let supergraph: TestSupergraph;
let customerProxy: FaultProxy;
const gateways: StartedGateway[] = [];
const prefixes: string[] = [];

async function gateway(env: Record<string, string> = {}): Promise<StartedGateway> {
  const prefix = `test-cache-${randomBytes(4).toString('hex')}:`;
  prefixes.push(prefix);
  const started = await startTestGateway(
    { customer: customerProxy.url, reservation: supergraph.reservation.url },
    { REDIS_URL, REDIS_KEY_PREFIX: prefix, ...env },
  );
  gateways.push(started);
  await redisConnected(started.url);
  return started;
}

async function createProduct(tenant: string, name: string, priceCents: number): Promise<string> {
  const {
    createProduct: { product: createProduct },
  } = await graphqlData<{ createProduct: { product: { id: string } } }>(
    supergraph.gatewayUrl,
    'mutation ($input: CreateProductInput!) { createProduct(input: $input) { product { id } } }',
    { tenant, variables: { input: { name, priceCents } } },
  );
  return createProduct.id;
}

/** Reads products and reports whether the customer subgraph was asked. */
async function read(url: string, tenant: string, query = PRODUCTS): Promise<{ cache: string | null; reachedSubgraph: boolean; body: unknown }> {
  const before = customerProxy.graphqlRequests().length;
  const { headers, body } = await graphql(url, query, { tenant });
  return { cache: headers.get('x-cache'), reachedSubgraph: customerProxy.graphqlRequests().length > before, body };
}

beforeAll(async () => {
  supergraph = await startTestSupergraph('cache');
  customerProxy = await FaultProxy.start(supergraph.customer.url);
  await createProduct('shop-a', 'Espresso', 250);
  await createProduct('shop-b', 'Matcha', 400);
});

afterAll(async () => {
  for (const started of gateways) await started.stop();
  await customerProxy?.stop();
  await supergraph?.stop();
  for (const prefix of prefixes) await deleteKeysWithPrefix(prefix);
});

test('miss then hit: the second identical products query does not reach the customer subgraph', async () => {
  const { url } = await gateway();
  const first = await read(url, 'shop-a');
  expect(first).toMatchObject({ cache: 'MISS', reachedSubgraph: true });
  const second = await read(url, 'shop-a');
  expect(second).toMatchObject({ cache: 'HIT', reachedSubgraph: false });
  expect(second.body).toEqual(first.body);
});

test('a query mixing products and customers is never cached', async () => {
  const { url } = await gateway();
  const mixed = '{ products { nodes { id } } customers { nodes { id } } }';
  expect((await read(url, 'shop-a', mixed)).cache).toBe('BYPASS');
  const again = await read(url, 'shop-a', mixed);
  expect(again).toMatchObject({ cache: 'BYPASS', reachedSubgraph: true });
});

test('an operation found uncacheable skips both cache lookups from then on; cacheable ones keep theirs', async () => {
  const { url } = await gateway();
  const versionLookups = async () =>
    parsePrometheusText(await (await fetch(new URL('/metrics', url))).text())
      .samples.filter((sample) => sample.name === 'gateway_cache_lookups_total' && sample.labels.cache === 'catalogue-version')
      .reduce((sum, sample) => sum + sample.value, 0);
  const CUSTOMERS = '{ customers(first: 5) { totalCount } }';
  const start = await versionLookups();
  expect((await read(url, 'shop-a', CUSTOMERS)).cache).toBe('BYPASS');
  expect(await versionLookups()).toBe(start + 1);
  for (let i = 0; i < 3; i++) expect((await read(url, 'shop-a', CUSTOMERS)).cache).toBe('BYPASS');
  expect(await versionLookups()).toBe(start + 1);
  // Cacheable operations keep their lookups: a miss, then a hit.
  expect((await read(url, 'shop-a')).cache).toBe('MISS');
  expect((await read(url, 'shop-a')).cache).toBe('HIT');
  expect(await versionLookups()).toBe(start + 3);
});

test('an operation whose answer became cacheable again is cached again, after one request that was not stored', async () => {
  const { url } = await gateway();
  const query = 'query ($withCustomers: Boolean!) { products { nodes { id } } customers @include(if: $withCustomers) { totalCount } }';
  const send = async (withCustomers: boolean) =>
    (await graphql(url, query, { tenant: 'shop-a', variables: { withCustomers } })).headers.get('x-cache');
  expect(await send(true)).toBe('BYPASS');
  // Same operation, now only products: the lookups were skipped, so it is neither read nor stored...
  expect(await send(false)).toBe('BYPASS');
  // ...but its answer was cacheable, so from now on it is cached as usual.
  expect(await send(false)).toBe('MISS');
  expect(await send(false)).toBe('HIT');
});

test('two tenants, same query text: each gets its own data', async () => {
  const { url } = await gateway();
  const a = (await read(url, 'shop-a')).body as { data: { products: { nodes: { name: string }[] } } };
  const b = (await read(url, 'shop-b')).body as { data: { products: { nodes: { name: string }[] } } };
  expect(a.data.products.nodes.map((product) => product.name)).toEqual(['Espresso']);
  expect(b.data.products.nodes.map((product) => product.name)).toEqual(['Matcha']);
  const bAgain = await read(url, 'shop-b');
  expect(bAgain.cache).toBe('HIT');
  expect(bAgain.body).toEqual({
    data: { products: { nodes: [expect.objectContaining({ name: 'Matcha' })] } },
    extensions: { cost: expect.anything() },
  });
});

test("a product update through the gateway is visible at once; the other tenant's entry stays a hit", async () => {
  const { url } = await gateway();
  const id = await createProduct('shop-c', 'Flat white', 300);
  await read(url, 'shop-c');
  await read(url, 'shop-b');
  expect((await read(url, 'shop-c')).cache).toBe('HIT');

  await graphqlData(url, 'mutation ($input: UpdateProductInput!) { updateProduct(input: $input) { product { id } } }', {
    tenant: 'shop-c',
    variables: { input: { id, priceCents: 350 } },
  });
  const fresh = await read(url, 'shop-c');
  expect(fresh.cache).toBe('MISS');
  expect(fresh.body).toEqual({
    data: { products: { nodes: [{ id, name: 'Flat white', priceCents: 350 }] } },
    extensions: { cost: expect.anything() },
  });
  expect((await read(url, 'shop-b')).cache).toBe('HIT');
});

test('a write made on another gateway instance invalidates this one too (shared versions)', async () => {
  const one = await gateway();
  const prefix = prefixes.at(-1)!;
  const two = await startTestGateway(
    { customer: customerProxy.url, reservation: supergraph.reservation.url },
    { REDIS_URL, REDIS_KEY_PREFIX: prefix },
  );
  gateways.push(two);
  await redisConnected(two.url);
  const id = await createProduct('shop-d', 'Cortado', 280);
  await read(one.url, 'shop-d');
  expect((await read(one.url, 'shop-d')).cache).toBe('HIT');
  await graphqlData(two.url, 'mutation ($input: UpdateProductInput!) { updateProduct(input: $input) { product { id } } }', {
    tenant: 'shop-d',
    variables: { input: { id, name: 'Cortado doble' } },
  });
  const fresh = await read(one.url, 'shop-d');
  expect(fresh.cache).toBe('MISS');
  expect(JSON.stringify(fresh.body)).toContain('Cortado doble');
});

test("a hit comes from the gateway's own copy of the entry; only the version is read from Redis", async () => {
  const one = await gateway();
  const prefix = prefixes.at(-1)!;
  await createProduct('shop-g', 'Lungo', 300);
  expect((await read(one.url, 'shop-g')).cache).toBe('MISS');
  // The shared entries are gone (evicted, say): the gateway that stored the answer still has it.
  await waitFor(async () => (await deleteKeysWithPrefix(`${prefix}responses::`)) > 0);
  expect((await read(one.url, 'shop-g')).cache).toBe('HIT');
  const two = await startTestGateway(
    { customer: customerProxy.url, reservation: supergraph.reservation.url },
    { REDIS_URL, REDIS_KEY_PREFIX: prefix },
  );
  gateways.push(two);
  await redisConnected(two.url);
  expect((await read(two.url, 'shop-g')).cache).toBe('MISS');
  // Both then hit: one from its copy, the other from what it stored.
  expect((await read(one.url, 'shop-g')).cache).toBe('HIT');
  expect((await read(two.url, 'shop-g')).cache).toBe('HIT');
});

test('without Redis (embedded default) the in-process cache behaves the same', async () => {
  const started = await startTestGateway({ customer: customerProxy.url, reservation: supergraph.reservation.url });
  gateways.push(started);
  expect((await read(started.url, 'shop-a')).cache).toBe('MISS');
  expect((await read(started.url, 'shop-a')).cache).toBe('HIT');
  expect((await read(started.url, 'shop-b')).cache).toBe('MISS');
});

test('Redis stopped mid-run: requests keep succeeding uncached; after restart, hits resume', async () => {
  let redis = await PrivateRedis.start();
  try {
    const { url } = await gateway({ REDIS_URL: redis.url });
    await waitFor(async () => (await read(url, 'shop-a')).cache === 'MISS');
    expect((await read(url, 'shop-a')).cache).toBe('HIT');

    await redis.kill();
    for (let i = 0; i < 3; i++) {
      const during = await read(url, 'shop-a');
      expect(during.cache).toBe('BYPASS');
      expect(during.body).toEqual({
        data: { products: { nodes: [expect.objectContaining({ name: 'Espresso' })] } },
        extensions: { cost: expect.anything() },
      });
    }

    redis = await redis.restart();
    await waitFor(async () => (await read(url, 'shop-a')).cache === 'MISS', 10_000);
    expect((await read(url, 'shop-a')).cache).toBe('HIT');
  } finally {
    await redis.kill();
  }
});

test('a catalogue write made directly on the customer subgraph (sharing Redis) refreshes cached reads at once', async () => {
  const prefix = `test-cache-${randomBytes(4).toString('hex')}:`;
  prefixes.push(prefix);
  const shared = await startTestSupergraph('cache_direct', { env: { REDIS_URL, REDIS_KEY_PREFIX: prefix } });
  try {
    // The customer subgraph connected to Redis before the gateway, which started after it.
    await redisConnected(shared.gatewayUrl);
    const {
      createProduct: { product: createProduct },
    } = await graphqlData<{ createProduct: { product: { id: string } } }>(
      shared.gatewayUrl,
      'mutation { createProduct(input: { name: "Ristretto", priceCents: 200 }) { product { id } } }',
      { tenant: 'shop-e' },
    );
    const cacheStatus = async (): Promise<string | null> => (await graphql(shared.gatewayUrl, PRODUCTS, { tenant: 'shop-e' })).headers.get('x-cache');
    await waitFor(async () => (await cacheStatus()) === 'HIT');

    await graphqlData(shared.customer.url, 'mutation ($input: UpdateProductInput!) { updateProduct(input: $input) { product { id } } }', {
      tenant: 'shop-e',
      variables: { input: { id: createProduct.id, priceCents: 225 } },
    });
    const { headers, body } = await graphql(shared.gatewayUrl, PRODUCTS, { tenant: 'shop-e' });
    expect(headers.get('x-cache')).toBe('MISS');
    expect(JSON.stringify(body)).toContain('"priceCents":225');
  } finally {
    await shared.stop();
  }
});

describe('hits are answered at the edge, before the pipeline', () => {
  const JWT_SECRET = 'cache-edge-secret-0123456789abcdef-0123';
  const bearer = (claims: Record<string, unknown>, subject: string) =>
    new SignJWT({ tenant: 'shop-a', ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(subject)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(JWT_SECRET));
  const lookups = async (url: string, cache: string) =>
    parsePrometheusText(await (await fetch(new URL('/metrics', url))).text())
      .samples.filter((sample) => sample.name === 'gateway_cache_lookups_total' && sample.labels.cache === cache)
      .reduce((sum, sample) => sum + sample.value, 0);

  test('a hit carries age, cache-control and x-cache, and is charged to the tenant budget like a miss', async () => {
    const { url } = await gateway();
    const miss = await graphql(url, PRODUCTS, { tenant: 'shop-a' });
    const hit = await graphql(url, PRODUCTS, { tenant: 'shop-a', headers: { accept: 'application/graphql-response+json' } });
    expect(miss.headers.get('x-cache')).toBe('MISS');
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect(hit.headers.get('age')).toMatch(/^\d+$/);
    expect(hit.headers.get('cache-control')).toBe(miss.headers.get('cache-control'));
    expect(hit.headers.get('cache-control')).toMatch(/^max-age=\d+, public$/);
    // The content type follows the request's accept header, as Apollo Server's does.
    expect(hit.headers.get('content-type')).toBe('application/graphql-response+json; charset=utf-8');
    expect(hit.body).toEqual(miss.body);
    const remaining = (headers: Headers) => Number(/r=(\d+)/.exec(headers.get('ratelimit') ?? '')?.[1]);
    const cost = (miss.body as { extensions: { cost: { estimated: number } } }).extensions.cost.estimated;
    expect(remaining(miss.headers) - remaining(hit.headers)).toBe(cost);
  });

  test('APQ hashes are keys: a hash-only hit needs neither the subgraph nor the APQ store', async () => {
    const { url } = await gateway();
    const query = '{ products(first: 3) { nodes { id name } } }';
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const post = async (body: Record<string, unknown>) => {
      const before = customerProxy.graphqlRequests().length;
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-tenant-id': 'shop-a' },
        body: JSON.stringify(body),
      });
      return {
        cache: response.headers.get('x-cache'),
        reachedSubgraph: customerProxy.graphqlRequests().length > before,
        body: await response.json(),
      };
    };
    const byHash = { extensions: { persistedQuery: { version: 1, sha256Hash } } };
    // A registration (text and hash) runs in the pipeline, which stores the document as APQ.
    expect((await post({ query, ...byHash })).cache).toBe('BYPASS');
    const miss = await post(byHash);
    expect(miss).toMatchObject({ cache: 'MISS', reachedSubgraph: true });
    const apqBefore = await lookups(url, 'apq');
    const hit = await post(byHash);
    expect(hit).toMatchObject({ cache: 'HIT', reachedSubgraph: false, body: miss.body });
    expect(await lookups(url, 'apq')).toBe(apqBefore);
  });

  test("a hit never crosses callers' scopes: other claims miss, another subject with the same claims hits", async () => {
    const { url } = await gateway({ JWT_SECRET });
    const [staff, otherStaff, partner] = await Promise.all([
      bearer({ scope: 'catalogue:read' }, 'ann'),
      bearer({ scope: 'catalogue:read' }, 'bob'),
      bearer({ scope: 'catalogue:read partner' }, 'ann'),
    ]);
    const as = async (token: string) =>
      (await graphql(url, PRODUCTS, { tenant: 'shop-a', headers: { authorization: `Bearer ${token}` } })).headers.get('x-cache');
    expect(await as(staff)).toBe('MISS');
    expect(await as(staff)).toBe('HIT');
    expect(await as(otherStaff)).toBe('HIT');
    expect(await as(partner)).toBe('MISS');
    // Without a token (development), the tenant header alone is yet another scope.
    expect((await read(url, 'shop-a')).cache).toBe('MISS');
  });

  test('with the cache off, nothing is looked up or labelled', async () => {
    const { url } = await gateway({ RESPONSE_CACHE_ENABLED: 'false' });
    for (let i = 0; i < 2; i++) expect(await read(url, 'shop-a')).toMatchObject({ cache: null, reachedSubgraph: true });
  });
});
