import type { EnvReader } from '../config';

/** Where the shared Redis is, for every service that uses it (gateway caches, catalogue versions). */
export interface RedisSettings {
  url: string;
  /** Prefix of every key written; services sharing data must share it. */
  keyPrefix: string;
}

/** REDIS_URL, REDIS_ENABLED (true) and REDIS_KEY_PREFIX (`supergraph:`); null means no Redis. */
export function readRedisSettings(reader: EnvReader): RedisSettings | null {
  const url = reader.optionalUrl('REDIS_URL', ['redis', 'rediss']);
  const enabled = reader.bool('REDIS_ENABLED', true);
  const keyPrefix = reader.string('REDIS_KEY_PREFIX', 'supergraph:');
  return url !== null && enabled ? { url, keyPrefix } : null;
}
