import { connectRedis, type RedisConnection } from '@reservations/platform/cache/redis-connection';
import { PrivateRedis } from './private-redis';
import { silentLogger } from './supergraph';
import { waitFor } from './wait';

/** What a test gets from usePrivateRedisConnection: its server, a clock it moves, and connections. */
export interface PrivateRedisConnection {
  /** This test's own redis-server (new for every test). */
  readonly redis: PrivateRedis;
  /** The breakers' clock, in ms from the test's start: it moves only when the test moves it. */
  readonly now: number;
  advance(ms: number): void;
  /** A connection (50 ms command timeout, a probe per second of the test's clock), once ready; closed after the test. */
  connect(url?: string): Promise<RedisConnection>;
}

/** Registers beforeEach/afterEach hooks that give each test a private Redis and close what it opened. */
export function usePrivateRedisConnection(): PrivateRedisConnection {
  let redis: PrivateRedis | null = null;
  let connection: RedisConnection | null = null;
  let now = 0;
  beforeEach(async () => {
    redis = await PrivateRedis.start();
    now = 0;
  });
  afterEach(async () => {
    await connection?.close();
    connection = null;
    await redis?.stop();
    redis = null;
  });
  const server = (): PrivateRedis => {
    if (redis === null) throw new Error('usePrivateRedisConnection: no test is running');
    return redis;
  };
  return {
    get redis() {
      return server();
    },
    get now() {
      return now;
    },
    advance(ms) {
      now += ms;
    },
    async connect(url) {
      const opened = connectRedis(url ?? server().url, 'test:', silentLogger, { commandTimeoutMs: 50, probeIntervalMs: 1_000, now: () => now });
      connection = opened;
      await waitFor(async () => opened.isReady());
      return opened;
    },
  };
}
