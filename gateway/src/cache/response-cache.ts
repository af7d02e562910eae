import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import ApolloServerPluginResponseCache from '@apollo/server-plugin-response-cache';
import type { KeyValueCache, KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import type { GatewayContext } from '../context';
import type { CatalogueVersions } from '@reservations/customer-subgraph/catalogue-versions';

export const CACHE_STATUS_HEADER = 'x-cache';

/** Where hits and misses are counted (the gateway's /metrics). */
export type CacheLookupRecorder = (cache: string, hit: boolean) => void;

/** Never keeps an entry longer than `maxTtlSeconds`, whatever max-age a response allows. */
export function cappedTtl(cache: KeyValueCache<string>, maxTtlSeconds: number): KeyValueCache<string> {
  return {
    get: (key) => cache.get(key),
    set: (key, value, options?: KeyValueCacheSetOptions) =>
      cache.set(key, value, { ...options, ttl: Math.min(options?.ttl ?? maxTtlSeconds, maxTtlSeconds) }),
    delete: (key) => cache.delete(key),
  };
}

async function catalogueVersion(
  requestContext: GraphQLRequestContext<GatewayContext>,
  versions: CatalogueVersions,
): Promise<string | null> {
  const { contextValue } = requestContext;
  if (contextValue.tenantId === null) return null;
  contextValue.catalogueVersion ??= await versions.current(contextValue.tenantId);
  return contextValue.catalogueVersion;
}

/** How many operations are remembered as not cacheable; the oldest makes room. */
const UNCACHEABLE_OPERATIONS_MAX = 10_000;

/**
 * Operations (by query hash) whose last answer could not be cached: anything touching
 * customers or reservations (PRIVATE, max-age 0), most of the traffic. Their next requests
 * skip both cache lookups (the tenant's catalogue version, then the response), a round trip
 * to Redis each. Only reads are skipped, and nothing is ever written under a key built without
 * those lookups: a skipped request is never stored. An answer that turns out cacheable takes
 * its operation off the list, so at worst one request misses a cache it could have hit.
 */
class UncacheableOperations {
  private readonly hashes = new Set<string>();

  has(hash: string): boolean {
    return this.hashes.has(hash);
  }

  learn(hash: string, cacheable: boolean): void {
    if (cacheable) {
      this.hashes.delete(hash);
      return;
    }
    if (this.hashes.has(hash)) return;
    if (this.hashes.size >= UNCACHEABLE_OPERATIONS_MAX) this.hashes.delete(this.hashes.values().next().value!);
    this.hashes.add(hash);
  }
}

/**
 * Whole-response caching of queries whose subgraph cache hints allow it (the gateway's
 * overall policy is the most restrictive of its subgraphs' Cache-Control headers, so a
 * query touching customers or reservations is never stored; mutations never are). Every
 * key holds the tenant and the tenant's catalogue version. Responses say HIT, MISS (stored
 * now) or BYPASS (not cacheable, or the cache is unavailable) in `x-cache`.
 */
export function responseCachePlugins(
  cache: KeyValueCache<string>,
  versions: CatalogueVersions,
  recordLookup: CacheLookupRecorder,
): ApolloServerPlugin<GatewayContext>[] {
  const uncacheable = new UncacheableOperations();
  const cacheable = async (requestContext: GraphQLRequestContext<GatewayContext>): Promise<boolean> =>
    !requestContext.contextValue.responseCacheSkipped && (await catalogueVersion(requestContext, versions)) !== null;
  return [
    ApolloServerPluginResponseCache<GatewayContext>({
      cache,
      // Apollo asks for the key's extra data before it asks whether to read: the skip starts here.
      extraCacheKeyData: async (requestContext) => {
        if (requestContext.queryHash !== undefined && uncacheable.has(requestContext.queryHash)) {
          requestContext.contextValue.responseCacheSkipped = true;
          return null;
        }
        return { tenant: requestContext.contextValue.tenantId, catalogue: await catalogueVersion(requestContext, versions) };
      },
      shouldReadFromCache: cacheable,
      shouldWriteToCache: cacheable,
    }),
    {
      async requestDidStart() {
        return {
          async willSendResponse({ response, metrics, operation, overallCachePolicy, contextValue, queryHash }) {
            if (operation?.operation !== 'query' || !response.http) return;
            if (queryHash !== undefined) uncacheable.learn(queryHash, overallCachePolicy.policyIfCacheable() !== null);
            let status: 'HIT' | 'MISS' | 'BYPASS';
            if (metrics.responseCacheHit) status = 'HIT';
            else if (contextValue.catalogueVersion && overallCachePolicy.policyIfCacheable() && response.body.kind === 'single' && !response.body.singleResult.errors) status = 'MISS';
            else status = 'BYPASS';
            if (status !== 'BYPASS') recordLookup('response', status === 'HIT');
            response.http.headers.set(CACHE_STATUS_HEADER, status);
          },
        };
      },
    },
  ];
}
