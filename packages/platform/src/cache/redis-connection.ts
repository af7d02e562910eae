import KeyvRedis from '@keyv/redis';
import { createClient } from '@redis/client';
import { ErrorsAreMissesCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';
import { KeyvAdapter } from '@apollo/utils.keyvadapter';
import Keyv from 'keyv';
import { redactUrl } from '../config';
import type { Logger } from '../logger';
import { SharedWindowCounter, type WindowCounter } from './window-counter';

/** One Redis client shared by the gateway's caches, built to degrade instead of failing requests. */
export interface RedisConnection {
  /** A cache whose keys start with `<REDIS_KEY_PREFIX><namespace>:`; any Redis error is a miss. */
  keyValueCache(namespace: string): KeyValueCache<string>;
  /**
   * Sets `<REDIS_KEY_PREFIX><key>` for `ttlMs` unless it exists (SET NX PX): true when this
   * call set it. Rejects when Redis cannot answer; callers decide what that means.
   */
  setIfAbsent(key: string, ttlMs: number): Promise<boolean>;
  /** Counters per key and fixed window under `<REDIS_KEY_PREFIX><namespace>:`, per process while Redis is down. */
  windowCounter(namespace: string, windowSeconds: number): WindowCounter;
  isReady(): boolean;
  close(): Promise<void>;
}

/**
 * Connects in the background: start-up never waits for Redis. While Redis is unreachable,
 * commands fail at once (no offline queue, so no request waits on a dead connection) and
 * the caches above treat that as a miss; the client keeps reconnecting with capped backoff.
 * Losing and regaining Redis is logged once each, not per request.
 */
export function connectRedis(url: string, keyPrefix: string, logger: Logger): RedisConnection {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 1_000, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 5_000) },
  });
  const shownUrl = redactUrl(url);
  let available: boolean | null = null;
  let closed = false;
  client.on('ready', () => {
    available = true;
    logger.info({ redis: shownUrl }, 'redis connected: shared caches on');
  });
  client.on('error', (error: Error) => {
    if (available === false) return;
    available = false;
    logger.warn({ redis: shownUrl, err: error.message }, 'redis unavailable: caching falls back to misses until it is back');
  });
  client.connect().catch(() => undefined);

  return {
    keyValueCache(namespace) {
      // One adapter per namespace over the shared client: Keyv writes its namespace into the
      // adapter, so a shared adapter would put every cache in the last namespace created.
      const store = new KeyvRedis<string>(client as never, { throwOnConnectError: false, throwOnErrors: true });
      const keyv = new Keyv<string>({ store, namespace: `${keyPrefix}${namespace}`, useKeyPrefix: false });
      // Errors are already logged once by the client; Keyv would otherwise re-emit each.
      keyv.on('error', () => undefined);
      return new ErrorsAreMissesCache(new KeyvAdapter(keyv));
    },
    async setIfAbsent(key, ttlMs) {
      const reply = await client.set(`${keyPrefix}${key}`, '1', { condition: 'NX', expiration: { type: 'PX', value: ttlMs } });
      return reply === 'OK';
    },
    windowCounter(namespace, windowSeconds) {
      const increment = async (keys: readonly string[], amounts: readonly number[], ttlSeconds: number): Promise<number[]> => {
        const multi = client.multi();
        keys.forEach((key, position) => {
          const full = `${keyPrefix}${namespace}:${key}`;
          multi.incrBy(full, amounts[position] ?? 0).expire(full, ttlSeconds, 'NX');
        });
        const replies = await multi.exec();
        return keys.map((_, position) => Number(replies[position * 2]));
      };
      return new SharedWindowCounter(increment, () => client.isReady, windowSeconds, (error) =>
        logger.warn({ err: error instanceof Error ? error.message : String(error), namespace }, 'redis counter failed: counting in this process'),
      );
    },
    isReady: () => client.isReady,
    async close() {
      if (closed) return;
      closed = true;
      if (client.isOpen) {
        await client.close().catch(() => undefined);
        return;
      }
      try {
        // Stops reconnect attempts to a server that never answered.
        client.destroy();
      } catch {
        // Already closed: nothing left to release.
      }
    },
  };
}
