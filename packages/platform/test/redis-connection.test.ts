import { RedisUnavailableError } from '@reservations/platform/cache/redis-connection';
import { usePrivateRedisConnection } from '@reservations/test-support/private-redis-connection';
import { TcpFaultProxy } from '@reservations/test-support/tcp-fault-proxy';
import { waitFor } from '@reservations/test-support/wait';

const privateRedis = usePrivateRedisConnection();
const connect = () => privateRedis.connect();

test('a hung Redis: reads time out as misses, then Redis is skipped until a probe answers', async () => {
  const connected = await connect();
  const cache = connected.keyValueCache('things');
  await cache.set('a', 'stored');
  expect(await cache.get('a')).toBe('stored');

  privateRedis.redis.hang();
  // Without a timeout each of these would wait for a server that never answers.
  for (let i = 0; i < 3; i++) expect(await cache.get('a')).toBeUndefined();
  expect(connected.health()).toEqual({ available: false, failedCommands: { skipped: 0, timeout: 3, error: 0 } });
  expect(await cache.get('a')).toBeUndefined();
  await expect(connected.run((client) => client.get('test:things::a'))).rejects.toEqual(new RedisUnavailableError('skipped'));
  expect(connected.health().failedCommands.skipped).toBe(2);

  privateRedis.redis.resume();
  // Before the probe interval has passed, Redis stays skipped even though it answers again.
  privateRedis.advance(999);
  expect(await cache.get('a')).toBeUndefined();
  expect(connected.isReady()).toBe(false);
  privateRedis.advance(1);
  await waitFor(async () => connected.isReady());
  expect(await cache.get('a')).toBe('stored');
});

test('a failed write makes Redis unhealthy at once; recovery listeners run before it is used again', async () => {
  const connected = await connect();
  const recoveries: number[] = [];
  connected.onRecovered(() => recoveries.push(privateRedis.now));
  const cache = connected.keyValueCache('things');

  privateRedis.redis.hang();
  // A dropped write never rejects: callers go on, and the breaker keeps Redis out of use.
  await expect(cache.set('b', 'lost?')).resolves.toBeUndefined();
  expect(connected.isReady()).toBe(false);
  privateRedis.redis.resume();
  privateRedis.advance(1_000);
  await waitFor(async () => connected.isReady());
  expect(recoveries).toEqual([1_000]);
});

test('a Redis that stays silent gets a new connection, so a server that took its place is found', async () => {
  const proxy = await TcpFaultProxy.start({ host: '127.0.0.1', port: privateRedis.redis.port });
  try {
    const connection = await privateRedis.connect(proxy.rewrite(privateRedis.redis.url));
    const cache = connection.keyValueCache('things');
    expect(proxy.accepted).toBe(1);

    proxy.partition();
    for (let i = 0; i < 3; i++) await cache.get('a');
    expect(connection.isReady()).toBe(false);
    // The probes (one per interval, the clock moved at each look) go unanswered, until the
    // connection is replaced by a new one.
    await waitFor(async () => {
      privateRedis.advance(1_000);
      connection.isReady();
      return proxy.accepted === 2;
    });
    proxy.heal();
    await waitFor(async () => connection.isReady());
  } finally {
    await proxy.stop();
  }
});

test('readMany reads keys of several namespaces in one round trip, as each cache stores them', async () => {
  const connected = await connect();
  await connected.keyValueCache('one').set('a', 'first');
  await connected.keyValueCache('two').set('b', JSON.stringify({ nested: ['value'] }), { ttl: 60 });
  expect(
    await connected.readMany([
      { namespace: 'one', key: 'a' },
      { namespace: 'two', key: 'b' },
      { namespace: 'one', key: 'missing' },
    ]),
  ).toEqual(['first', '{"nested":["value"]}', undefined]);
  privateRedis.redis.hang();
  await expect(connected.readMany([{ namespace: 'one', key: 'a' }])).rejects.toEqual(new RedisUnavailableError('timeout'));
  privateRedis.redis.resume();
});
