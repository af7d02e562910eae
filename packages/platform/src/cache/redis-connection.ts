import { createHash } from 'node:crypto';
import KeyvRedis from '@keyv/redis';
import { createClient } from '@redis/client';
import { ErrorsAreMissesCache, type KeyValueCache, type KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import { KeyvAdapter } from '@apollo/utils.keyvadapter';
import Keyv from 'keyv';
import { redactUrl } from '../config';
import type { Logger } from '../logger';
import { SharedWindowCounter, type WindowCounter } from './window-counter';
import { RedisBreaker, type RedisRecovery } from './redis-breaker';

export type { RedisRecovery } from './redis-breaker';

export type RedisClient = ReturnType<typeof createClient>;

/** A key of one of the connection's `keyValueCache` namespaces. */
export interface RedisKey {
  namespace: string;
  key: string;
}

/** Why a command did not reach Redis or came back without an answer in time. */
export type RedisFailure = 'skipped' | 'timeout' | 'error';

/** Thrown by `run` when Redis is skipped (breaker open), too slow or failing: treat it as "no Redis". */
export class RedisUnavailableError extends Error {
  constructor(readonly reason: RedisFailure) {
    super(`redis unavailable (${reason})`);
    this.name = 'RedisUnavailableError';
  }
}

/** What /ready and /metrics say about the connection. */
export interface RedisHealth {
  /** True while commands go to Redis (the breaker is closed). */
  available: boolean;
  /** Commands that did not get an answer from Redis, by why, since start. */
  failedCommands: Record<RedisFailure, number>;
}

export interface RedisTimeouts {
  /** How long one command may wait for its answer (REDIS_COMMAND_TIMEOUT_MS). */
  commandTimeoutMs: number;
  /** How long an unhealthy Redis is skipped before one probe (REDIS_PROBE_INTERVAL_MS). */
  probeIntervalMs: number;
}

export const DEFAULT_REDIS_TIMEOUTS: RedisTimeouts = { commandTimeoutMs: 50, probeIntervalMs: 1_000 };

/** Consecutive failed reads that make Redis unhealthy; one slow answer alone does not. */
const FAILURES_TO_OPEN = 3;

/**
 * Failed probes in a row after which the connection is replaced. A frozen host keeps its TCP
 * connections open, and the kernel would take minutes to give them up: a new connection
 * reaches a server that took its place (a failover) as soon as there is one.
 */
const FAILED_PROBES_BEFORE_RECONNECT = 3;

/** One Redis client shared by a service's users of Redis, built to degrade instead of failing requests. */
export interface RedisConnection {
  /**
   * A cache whose keys start with `<REDIS_KEY_PREFIX><namespace>::`. A read that fails is a
   * miss and a write that fails is dropped (and makes Redis unhealthy until a probe
   * succeeds); with `errorsAreMisses: false` both reject with RedisUnavailableError instead.
   */
  keyValueCache(namespace: string, options?: { errorsAreMisses?: boolean }): KeyValueCache<string>;
  /**
   * Values of several `keyValueCache` namespaces in one round trip (undefined where missing or
   * expired), for a hot path that would otherwise wait on one read per namespace. Rejects with
   * RedisUnavailableError as `run` does.
   */
  readMany(keys: readonly RedisKey[]): Promise<(string | undefined)[]>;
  /**
   * One command (or a MULTI) with the command timeout, through the breaker. Rejects with
   * RedisUnavailableError when Redis is skipped, too slow or failing; build keys with `key`.
   */
  run<T>(command: (client: RedisClient) => Promise<T>): Promise<T>;
  /** `<REDIS_KEY_PREFIX><namespace>::<key>`, the same layout as `keyValueCache`. */
  key(namespace: string, key: string): string;
  /** Counters per key and fixed window under `<REDIS_KEY_PREFIX><namespace>::`, per process while Redis is down. */
  windowCounter(namespace: string, windowSeconds: number, clock?: () => number): WindowCounter;
  /** True while commands go to Redis. */
  isReady(): boolean;
  health(): RedisHealth;
  /**
   * Runs `listener` each time Redis is used again after it was skipped (its first connection
   * included), before any other command is sent; it says whether the connection was lost.
   */
  onRecovered(listener: (recovery: RedisRecovery) => void): void;
  close(): Promise<void>;
}

/**
 * Connects in the background: start-up never waits for Redis. Every command has a short
 * timeout (@redis/client's own command timeout stops applying once a command is written, so a
 * hung server would hold it), and a breaker skips Redis once it is seen unhealthy (a lost
 * connection, three failed commands in a row, or one failed write) until a PING answers in
 * time. Losing and regaining Redis is logged once each, not per request.
 */
export function connectRedis(
  url: string,
  keyPrefix: string,
  logger: Logger,
  options: Partial<RedisTimeouts> & { now?: () => number } = {},
): RedisConnection {
  const { commandTimeoutMs, probeIntervalMs } = { ...DEFAULT_REDIS_TIMEOUTS, ...options };
  const client: RedisClient = createClient({
    url,
    // A command never waits for a connection: while there is none it fails at once.
    disableOfflineQueue: true,
    socket: { connectTimeout: 1_000, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 5_000) },
  });
  const shownUrl = redactUrl(url);
  const failedCommands: Record<RedisFailure, number> = { skipped: 0, timeout: 0, error: 0 };
  let closed = false;

  /**
   * Settles with `command`'s answer, or rejects after `commandTimeoutMs`. The timer's verdict
   * waits one turn of the event loop (setImmediate runs after I/O), so an answer that arrived
   * while this process was busy is read before it counts as late.
   */
  function withTimeout<T>(command: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        setImmediate(() => {
          if (settled) return;
          settled = true;
          reject(new RedisUnavailableError('timeout'));
        });
      }, commandTimeoutMs);
      command.then(
        (value) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          reject(error instanceof RedisUnavailableError ? error : new RedisUnavailableError('error'));
        },
      );
    });
  }

  let failedProbes = 0;
  const reconnect = () => {
    logger.info({ redis: shownUrl }, 'redis silent: opening a new connection');
    try {
      client.destroy();
    } catch {
      // Already closed: connecting again below is all there is to do.
    }
    breaker.connectionClosed();
    client.connect().catch(() => undefined);
  };
  const breaker = new RedisBreaker({
    threshold: FAILURES_TO_OPEN,
    probeIntervalMs,
    now: options.now,
    probe: async () => {
      const answered = await withTimeout(client.ping()).then(
        (answer) => answer === 'PONG',
        () => false,
      );
      failedProbes = answered ? 0 : failedProbes + 1;
      if (failedProbes >= FAILED_PROBES_BEFORE_RECONNECT && !closed) {
        failedProbes = 0;
        reconnect();
      }
      return answered;
    },
  });
  let probeTimer: NodeJS.Timeout | null = null;
  const watchWhileDown = () => {
    if (probeTimer !== null || closed) return;
    // Probes also happen on use; the timer covers a process that sends nothing meanwhile.
    probeTimer = setInterval(() => {
      if (breaker.state === 'up') {
        clearInterval(probeTimer!);
        probeTimer = null;
        return;
      }
      breaker.probeIfDue();
    }, probeIntervalMs);
    probeTimer.unref();
  };
  let announcedDown = false;
  breaker.onRecovered(() => {
    if (announcedDown) logger.info({ redis: shownUrl }, 'redis answers again: shared caches back on');
    else logger.info({ redis: shownUrl }, 'redis connected: shared caches on');
    announcedDown = false;
  });
  const markDown = (reason: string) => {
    watchWhileDown();
    if (announcedDown) return;
    announcedDown = true;
    logger.warn({ redis: shownUrl, err: reason }, 'redis unavailable: skipped until it answers again');
  };

  async function guarded<T>(command: () => Promise<T>, write: boolean): Promise<T> {
    if (!breaker.allows()) {
      failedCommands.skipped++;
      throw new RedisUnavailableError('skipped');
    }
    try {
      const value = await withTimeout(command());
      breaker.succeeded();
      return value;
    } catch (error) {
      const failure = error instanceof RedisUnavailableError ? error.reason : 'error';
      failedCommands[failure]++;
      breaker.failed(write);
      if (breaker.state !== 'up') markDown(`command ${failure}`);
      throw error;
    }
  }

  client.on('ready', () => breaker.connectionReady());
  client.on('error', (error: Error) => {
    breaker.connectionClosed();
    markDown(error.message);
  });
  client.connect().catch(() => undefined);
  watchWhileDown();

  // Sends a script by its hash, so Redis neither receives nor hashes its text on every call;
  // the text goes once more only when Redis does not know it (after a restart or SCRIPT FLUSH).
  const scriptHashes = new Map<string, string>();
  const evalCached = async (script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown> => {
    let sha = scriptHashes.get(script);
    if (sha === undefined) scriptHashes.set(script, (sha = createHash('sha1').update(script).digest('hex')));
    try {
      return await client.evalSha(sha, options);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return client.eval(script, options);
    }
  };
  // Decodes what the keyValueCache namespaces store, exactly as their Keyv reads it.
  const decoder = new Keyv<string>();

  return {
    readMany(keys) {
      return guarded(async () => {
        const raw = await client.mGet(keys.map(({ namespace, key }) => `${keyPrefix}${namespace}::${key}`));
        const now = Date.now();
        return Promise.all(
          raw.map(async (stored) => {
            if (stored === null) return undefined;
            const decoded = await decoder.deserializeData<string>(stored);
            if (decoded === undefined || (typeof decoded.expires === 'number' && now > decoded.expires)) return undefined;
            return decoded.value;
          }),
        );
      }, false);
    },
    keyValueCache(namespace, { errorsAreMisses = true } = {}) {
      // One adapter per namespace over the shared client: Keyv writes its namespace into the
      // adapter, so a shared adapter would put every cache in the last namespace created.
      const store = new KeyvRedis<string>(client as never, { throwOnConnectError: false, throwOnErrors: true });
      const keyv = new Keyv<string>({ store, namespace: `${keyPrefix}${namespace}`, useKeyPrefix: false });
      // Failures are counted and logged once by the connection; Keyv would otherwise re-emit each.
      keyv.on('error', () => undefined);
      const adapter = new KeyvAdapter(keyv);
      const strict: KeyValueCache<string> = {
        get: (key: string) => guarded(() => adapter.get(key), false),
        set: (key: string, value: string, setOptions?: KeyValueCacheSetOptions) => guarded(() => adapter.set(key, value, setOptions), true),
        delete: (key: string) => guarded(() => adapter.delete(key), true).then(() => undefined),
      };
      if (!errorsAreMisses) return strict;
      return new ErrorsAreMissesCache({
        get: strict.get,
        set: (key, value, setOptions) => strict.set(key, value, setOptions).catch(() => undefined),
        delete: (key) => strict.delete(key).catch(() => undefined),
      });
    },
    windowCounter(namespace, windowSeconds, clock) {
      const run = (script: string, keys: string[], args: string[]) =>
        guarded(() => evalCached(script, { keys: keys.map((key) => `${keyPrefix}${namespace}::${key}`), arguments: args }), true);
      return new SharedWindowCounter(
        run,
        () => breaker.allows(),
        windowSeconds,
        (error) =>
          logger.warn({ err: error instanceof Error ? error.message : String(error), namespace }, 'redis counter failed: counting in this process'),
        clock,
      );
    },
    run: (command) => guarded(() => command(client), false),
    key: (namespace, key) => `${keyPrefix}${namespace}::${key}`,
    isReady: () => breaker.allows(),
    health: () => ({ available: breaker.allows(), failedCommands: { ...failedCommands } }),
    onRecovered: (listener) => breaker.onRecovered(listener),
    async close() {
      if (closed) return;
      closed = true;
      if (probeTimer !== null) clearInterval(probeTimer);
      try {
        // Not close(): it waits for pending answers, which a hung server never sends. Also
        // stops reconnect attempts to a server that never answered.
        client.destroy();
      } catch {
        // Already closed: nothing left to release.
      }
    },
  };
}
