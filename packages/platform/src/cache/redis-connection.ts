import KeyvRedis from '@keyv/redis';
import { createClient } from '@redis/client';
import { ErrorsAreMissesCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';
import { KeyvAdapter } from '@apollo/utils.keyvadapter';
import Keyv from 'keyv';
import { redactUrl } from '../config';
import type { Logger } from '../logger';

/** One Redis client shared by the gateway's caches, built to degrade instead of failing requests. */
export interface RedisConnection {
  /** A cache whose keys start with `<REDIS_KEY_PREFIX><namespace>:`; any Redis error is a miss. */
  keyValueCache(namespace: string): KeyValueCache<string>;
  /** Runs a Lua script atomically on keys under `<REDIS_KEY_PREFIX><namespace>:`; rejects while Redis is unreachable. */
  evalScript(namespace: string, script: string, keys: string[], args: string[]): Promise<unknown>;
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
    evalScript: (namespace, script, keys, args) =>
      client.eval(script, { keys: keys.map((key) => `${keyPrefix}${namespace}:${key}`), arguments: args }),
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
