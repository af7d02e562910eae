import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { TENANT_HEADER } from '@reservations/platform/tenancy';
import type { GatewayContext } from './context';

/**
 * How the gateway talks to one subgraph. Only what subgraphs need crosses: the tenant,
 * never arbitrary client headers.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    // Health checks and schema loading run without a client request, hence no tenant.
    if ('tenantId' in context && context.tenantId) request.http?.headers.set(TENANT_HEADER, context.tenantId);
  }
}
