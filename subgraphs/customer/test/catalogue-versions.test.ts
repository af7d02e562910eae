/** Catalogue versions over a real (private) Redis that hangs and recovers under a test-driven clock. */
import { CATALOGUE_VERSION_NAMESPACE, CatalogueVersions } from '../src/catalogue-versions';
import { usePrivateRedisConnection } from '@reservations/test-support/private-redis-connection';
import { waitFor } from '@reservations/test-support/wait';

const privateRedis = usePrivateRedisConnection();
const connect = () => privateRedis.connect();

test('a version bump that cannot reach Redis retires every cached version once Redis answers again', async () => {
  const connected = await connect();
  const versions = new CatalogueVersions(connected.keyValueCache('catalogue-version', { errorsAreMisses: false }), connected);
  const before = { a: await versions.current('shop-a'), b: await versions.current('shop-b') };
  expect(before.a).not.toBeNull();
  expect(await versions.current('shop-a')).toBe(before.a);

  privateRedis.redis.hang();
  await versions.bump('shop-a');
  expect(await versions.current('shop-a')).toBeNull();
  privateRedis.redis.resume();
  privateRedis.advance(1_000);
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

  privateRedis.redis.hang();
  for (let i = 0; i < 3; i++) expect(await versions.current('shop-a')).toBeNull();
  expect(connected.isReady()).toBe(false);
  privateRedis.redis.resume();
  privateRedis.advance(1_000);
  await waitFor(async () => connected.isReady());
  // Nothing was lost, so an outage under load does not empty every tenant's cache at once.
  expect(await versions.current('shop-a')).toBe(before);
});

test("one turn's version reads share one round trip, and each sees a version replaced before it asked", async () => {
  const connected = await connect();
  let roundTrips = 0;
  const counted = {
    ...connected,
    readMany: (keys: Parameters<typeof connected.readMany>[0]) => {
      roundTrips++;
      return connected.readMany(keys);
    },
  };
  const store = () => connected.keyValueCache(CATALOGUE_VERSION_NAMESPACE, { errorsAreMisses: false });
  const reader = new CatalogueVersions(store(), counted);
  // Another replica, writing to the same Redis.
  const writer = new CatalogueVersions(store(), connected);
  const before = { a: await reader.current('shop-a'), b: await reader.current('shop-b') };

  roundTrips = 0;
  const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => reader.current(i % 2 === 0 ? 'shop-a' : 'shop-b')));
  expect(roundTrips).toBe(1);
  expect(burst).toEqual(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? before.a : before.b)));

  await writer.bump('shop-a');
  const after = await Promise.all([reader.current('shop-a'), reader.current('shop-b')]);
  expect(after[0]).not.toBe(before.a);
  expect(after[0]).not.toBeNull();
  expect(after[1]).toBe(before.b);
});
