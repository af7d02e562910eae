import { connectRedis, RedisUnavailableError, type RedisConnection } from '@reservations/platform/cache/redis-connection';
import { PrivateRedis } from '@reservations/test-support/private-redis';
import { silentLogger } from '@reservations/test-support/supergraph';
import { TcpFaultProxy } from '@reservations/test-support/tcp-fault-proxy';
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

test('a hung Redis: reads time out as misses, then Redis is skipped until a probe answers', async () => {
  const connected = await connect();
  const cache = connected.keyValueCache('things');
  await cache.set('a', 'stored');
  expect(await cache.get('a')).toBe('stored');

  redis.hang();
  // Without a timeout each of these would wait for a server that never answers.
  for (let i = 0; i < 3; i++) expect(await cache.get('a')).toBeUndefined();
  expect(connected.health()).toEqual({ available: false, failedCommands: { skipped: 0, timeout: 3, error: 0 } });
  expect(await cache.get('a')).toBeUndefined();
  await expect(connected.run((client) => client.get('test:things::a'))).rejects.toEqual(new RedisUnavailableError('skipped'));
  expect(connected.health().failedCommands.skipped).toBe(2);

  redis.resume();
  // Before the probe interval has passed, Redis stays skipped even though it answers again.
  now += 999;
  expect(await cache.get('a')).toBeUndefined();
  expect(connected.isReady()).toBe(false);
  now += 1;
  await waitFor(async () => connected.isReady());
  expect(await cache.get('a')).toBe('stored');
});

test('a failed write makes Redis unhealthy at once; recovery listeners run before it is used again', async () => {
  const connected = await connect();
  const recoveries: number[] = [];
  connected.onRecovered(() => recoveries.push(now));
  const cache = connected.keyValueCache('things');

  redis.hang();
  // A dropped write never rejects: callers go on, and the breaker keeps Redis out of use.
  await expect(cache.set('b', 'lost?')).resolves.toBeUndefined();
  expect(connected.isReady()).toBe(false);
  redis.resume();
  now += 1_000;
  await waitFor(async () => connected.isReady());
  expect(recoveries).toEqual([1_000]);
});

test('a Redis that stays silent gets a new connection, so a server that took its place is found', async () => {
  const proxy = await TcpFaultProxy.start({ host: '127.0.0.1', port: redis.port });
  try {
    connection = connectRedis(proxy.rewrite(redis.url), 'test:', silentLogger, { commandTimeoutMs: 50, probeIntervalMs: 1_000, now: clock });
    await waitFor(async () => connection!.isReady());
    const cache = connection.keyValueCache('things');
    expect(proxy.accepted).toBe(1);

    proxy.partition();
    for (let i = 0; i < 3; i++) await cache.get('a');
    expect(connection.isReady()).toBe(false);
    // The probes (one per interval, the clock moved at each look) go unanswered, until the
    // connection is replaced by a new one.
    await waitFor(async () => {
      now += 1_000;
      connection!.isReady();
      return proxy.accepted === 2;
    });
    proxy.heal();
    await waitFor(async () => connection!.isReady());
  } finally {
    await connection?.close();
    connection = null;
    await proxy.stop();
  }
});
