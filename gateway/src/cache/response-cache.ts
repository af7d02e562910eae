import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import ApolloServerPluginResponseCache from '@apollo/server-plugin-response-cache';
import type { KeyValueCache, KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import type { GatewayContext } from '../context';
import type { CatalogueVersions } from '@reservations/platform/cache/catalogue-version';

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
  const cacheable = async (requestContext: GraphQLRequestContext<GatewayContext>): Promise<boolean> =>
    (await catalogueVersion(requestContext, versions)) !== null;
  return [
    ApolloServerPluginResponseCache<GatewayContext>({
      cache,
      extraCacheKeyData: async (requestContext) => ({
        tenant: requestContext.contextValue.tenantId,
        catalogue: await catalogueVersion(requestContext, versions),
      }),
      shouldReadFromCache: cacheable,
      shouldWriteToCache: cacheable,
    }),
    {
      async requestDidStart() {
        return {
          async willSendResponse({ response, metrics, operation, overallCachePolicy, contextValue }) {
            if (operation?.operation !== 'query' || !response.http) return;
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
