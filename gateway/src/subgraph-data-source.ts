import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { FetcherResponse } from '@apollo/utils.fetcher';
import { GraphQLError } from 'graphql';
import { ErrorCode } from '@reservations/platform/errors';
import { CATALOGUE_CHANGED_HEADER } from '@reservations/platform/graphql/cache-control';
import type { GatewayContext } from './context';
import type { SubgraphLink } from './resilience/subgraph-link';

/**
 * How the gateway talks to one subgraph: through the subgraph's resilient fetcher, with
 * only the headers the gateway decided to forward.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    link: SubgraphLink,
    /** Called when the subgraph reports that a write changed the tenant's catalogue. */
    private readonly onCatalogueChanged: (tenant: string) => Promise<void>,
  ) {
    super({ url: link.url, fetcher: link.fetcher });
  }

  // Awaited before the client gets its answer, so its next read already misses the cache.
  override async didReceiveResponse({
    response,
    context,
  }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['didReceiveResponse']>>[0]): Promise<GatewayGraphQLResponse> {
    const tenant = (context as Partial<GatewayContext>).tenantId;
    if (tenant && response.http?.headers.get(CATALOGUE_CHANGED_HEADER)) await this.onCatalogueChanged(tenant);
    return response;
  }

  /**
   * A subgraph answers 401 only when it refuses the gateway's own signature: a deployment
   * fault (secrets out of step), not the caller's credentials. Apollo's default would tell
   * the client UNAUTHENTICATED; it gets the generic internal error instead.
   */
  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    if (response.status !== 401) return super.errorFromResponse(response);
    await response.text().catch(() => undefined);
    return new GraphQLError('Internal server error', { extensions: { code: ErrorCode.Internal } });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    // Requests made outside a client request (schema loading, health checks) carry nothing.
    if (!('subgraphHeaders' in context)) return;
    const { subgraphHeaders } = context as GatewayContext;
    for (const [name, value] of Object.entries(subgraphHeaders)) request.http?.headers.set(name, value);
  }
}
