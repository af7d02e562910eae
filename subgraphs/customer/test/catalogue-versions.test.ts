/** Catalogue versions over a real (private) Redis that hangs and recovers under a test-driven clock. */
import { CatalogueVersions } from '../src/catalogue-versions';
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
