import { readRedisSettings, type RedisSettings } from '@reservations/platform/cache/redis-config';
import { EnvReader } from '@reservations/platform/config';
import { readSubgraphConfig, type SubgraphConfig } from '@reservations/platform/subgraph/config';

/** How long (seconds) the gateway and HTTP caches may keep catalogue reads by default. */
export const DEFAULT_CATALOGUE_CACHE_MAX_AGE = 300;

export interface CustomerConfig extends SubgraphConfig {
  /**
   * Max age (seconds) of the cache hints on product and category reads; 0 makes them
   * uncacheable. Customer reads are never cacheable, whatever this says.
   */
  catalogueCacheMaxAge: number;
  /**
   * The Redis the gateways cache in (same REDIS_URL and REDIS_KEY_PREFIX): catalogue writes
   * bump the tenant's catalogue version there too, so even a write that did not pass through
   * a gateway refreshes every gateway's cached reads at once.
   */
  redis: RedisSettings | null;
}

/**
 * Reads CUSTOMER_PORT (4004), CUSTOMER_DATABASE_URL, CATALOGUE_CACHE_MAX_AGE (300, 0-86400)
 * and the shared subgraph settings.
 */
export function readCustomerConfig(env: Record<string, string | undefined> = process.env): CustomerConfig {
  const reader = new EnvReader(env);
  const config: CustomerConfig = {
    ...readSubgraphConfig(reader, { name: 'customer', prefix: 'CUSTOMER', defaultPort: 4004 }),
    catalogueCacheMaxAge: reader.int('CATALOGUE_CACHE_MAX_AGE', DEFAULT_CATALOGUE_CACHE_MAX_AGE, { min: 0, max: 86_400 }),
    redis: readRedisSettings(reader),
  };
  reader.done();
  return config;
}
