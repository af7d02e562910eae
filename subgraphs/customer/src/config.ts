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
  // `redis` (shared settings): catalogue writes bump the tenant's catalogue version there too,
  // so even a write that did not pass through a gateway refreshes every gateway's cached reads.
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
  };
  reader.done();
  return config;
}
