import { EnvReader, SHARED_SETTINGS, type EnvReaderOptions, type SettingDescriptions } from '@reservations/platform/config';
import { OBSERVABILITY_SETTINGS } from '@reservations/platform/observability/config';
import { readSubgraphConfig, subgraphSettings, type SubgraphConfig } from '@reservations/platform/subgraph/config';

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

/** Reads CUSTOMER_PORT, CUSTOMER_DATABASE_URL, CATALOGUE_CACHE_MAX_AGE and the shared subgraph settings. */
export function readCustomerConfig(env: Record<string, string | undefined> = process.env, options?: EnvReaderOptions): CustomerConfig {
  const reader = new EnvReader(env, options);
  const config: CustomerConfig = {
    ...readSubgraphConfig(reader, { name: 'customer', prefix: 'CUSTOMER', defaultPort: 4004 }),
    catalogueCacheMaxAge: reader.int('CATALOGUE_CACHE_MAX_AGE', DEFAULT_CATALOGUE_CACHE_MAX_AGE, { min: 0, max: 86_400 }),
  };
  reader.done();
  return config;
}

/** Every variable readCustomerConfig reads, described (docs/configuration.md and .env.example are generated from it). */
export const CUSTOMER_SETTINGS: SettingDescriptions = {
  ...SHARED_SETTINGS,
  ...OBSERVABILITY_SETTINGS,
  ...subgraphSettings({ name: 'customer', prefix: 'CUSTOMER' }),
  CATALOGUE_CACHE_MAX_AGE: {
    group: 'Subgraph behaviour',
    meaning:
      "Seconds product and category reads may be cached (their `Cache-Control` max-age, and the gateway's response cache); `0` makes them uncacheable. Customer reads never are. See [caching](caching.md).",
  },
};
