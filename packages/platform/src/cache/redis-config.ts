import type { EnvReader } from '../config';
import { DEFAULT_REDIS_TIMEOUTS, type RedisTimeouts } from './redis-connection';

/** Where the shared Redis is, for every service that uses it (gateway caches, catalogue versions). */
export interface RedisSettings extends RedisTimeouts {
  url: string;
  /** Prefix of every key written; services sharing data must share it. */
  keyPrefix: string;
}

/**
 * REDIS_URL, REDIS_ENABLED (true), REDIS_KEY_PREFIX (`supergraph:`), REDIS_COMMAND_TIMEOUT_MS
 * (50) and REDIS_PROBE_INTERVAL_MS (1000); null means no Redis.
 */
export function readRedisSettings(reader: EnvReader): RedisSettings | null {
  const url = reader.optionalUrl('REDIS_URL', ['redis', 'rediss']);
  const enabled = reader.bool('REDIS_ENABLED', true);
  const keyPrefix = reader.string('REDIS_KEY_PREFIX', 'supergraph:');
  const commandTimeoutMs = reader.int('REDIS_COMMAND_TIMEOUT_MS', DEFAULT_REDIS_TIMEOUTS.commandTimeoutMs, { min: 1, max: 10_000 });
  const probeIntervalMs = reader.int('REDIS_PROBE_INTERVAL_MS', DEFAULT_REDIS_TIMEOUTS.probeIntervalMs, { min: 10, max: 60_000 });
  return url !== null && enabled ? { url, keyPrefix, commandTimeoutMs, probeIntervalMs } : null;
}
