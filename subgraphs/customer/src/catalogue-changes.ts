import type { ApolloServerPlugin } from '@apollo/server';
import type { RedisConnection } from '@reservations/platform/cache/redis-connection';
import { CATALOGUE_CHANGED_HEADER, CATALOGUE_VERSION_NAMESPACE, CatalogueVersions } from './catalogue-versions';
import type { CustomerContext } from './context';

/**
 * Tells the gateway, through a response header, that this request wrote to the tenant's
 * catalogue (a product or category was created, changed or deleted), so that its response
 * cache, which may hold catalogue reads for up to CATALOGUE_CACHE_MAX_AGE, drops them for
 * that tenant. Set only when a write succeeded; a failed one changed nothing. With `redis`
 * (the gateways' Redis, over the replica's one connection, which the platform opens and
 * closes) it also bumps the tenant's catalogue version there itself, which covers writes
 * that reach this subgraph without a gateway in between. The bump waits at most
 * REDIS_COMMAND_TIMEOUT_MS, and not at all while Redis is known to be down, so a hung Redis
 * never holds the answer to a committed write; a bump that could not be made starts a new
 * cache generation once Redis answers again (see CatalogueVersions).
 */
export function catalogueChangesPlugin(redis: RedisConnection | null): ApolloServerPlugin<CustomerContext> {
  const versions = redis ? new CatalogueVersions(redis.keyValueCache(CATALOGUE_VERSION_NAMESPACE, { errorsAreMisses: false }), redis) : null;
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          if (!contextValue.catalogue.changed) return;
          response.http.headers.set(CATALOGUE_CHANGED_HEADER, '1');
          if (versions && contextValue.tenantId) await versions.bump(contextValue.tenantId);
        },
      };
    },
  };
}
