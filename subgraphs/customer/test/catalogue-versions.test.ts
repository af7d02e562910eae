/** Catalogue versions over a real (private) Redis that hangs and recovers under a test-driven clock. */
import { connectRedis, type RedisConnection } from '@reservations/platform/cache/redis-connection';
import { CatalogueVersions } from '../src/catalogue-versions';
import { PrivateRedis } from '@reservations/test-support/private-redis';
import { silentLogger } from '@reservations/test-support/supergraph';
import { waitFor } from '@reservations/test-support/wait';

let redis: PrivateRedis;
let connection: RedisConnection | null = null;
let now = 0;
/** The breaker's clock: it moves only when a test moves it. */
const clock = () => now;

beforeEach(async () => {
  redis = await PrivateRedis.start();
  now = 0;
});

afterEach(async () => {
  await connection?.close();
  connection = null;
  await redis.stop();
});

async function connect(): Promise<RedisConnection> {
  connection = connectRedis(redis.url, 'test:', silentLogger, { commandTimeoutMs: 50, probeIntervalMs: 1_000, now: clock });
  await waitFor(async () => connection!.isReady());
  return connection;
}

test('a version bump that cannot reach Redis retires every cached version once Redis answers again', async () => {
  const connected = await connect();
  const versions = new CatalogueVersions(connected.keyValueCache('catalogue-version', { errorsAreMisses: false }), connected);
  const before = { a: await versions.current('shop-a'), b: await versions.current('shop-b') };
  expect(before.a).not.toBeNull();
  expect(await versions.current('shop-a')).toBe(before.a);

  redis.hang();
  await versions.bump('shop-a');
  expect(await versions.current('shop-a')).toBeNull();
  redis.resume();
  now += 1_000;
  await waitFor(async () => connected.isReady());
  // The lost bump (and any other process's, which nobody can know) cannot leave an old version in use.
  const after = { a: await versions.current('shop-a'), b: await versions.current('shop-b') };
  expect(after.a).not.toBeNull();
  expect(after.a).not.toBe(before.a);
  expect(after.b).not.toBe(before.b);
});

test('a Redis that was only slow to answer reads retires no cached versions', async () => {
  const connected = await connect();
  const versions = new CatalogueVersions(connected.keyValueCache('catalogue-version', { errorsAreMisses: false }), connected);
  const before = await versions.current('shop-a');

  redis.hang();
  for (let i = 0; i < 3; i++) expect(await versions.current('shop-a')).toBeNull();
  expect(connected.isReady()).toBe(false);
  redis.resume();
  now += 1_000;
  await waitFor(async () => connected.isReady());
  // Nothing was lost, so an outage under load does not empty every tenant's cache at once.
  expect(await versions.current('shop-a')).toBe(before);
});
