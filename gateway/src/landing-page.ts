import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { demoTenant } from '@reservations/customer-subgraph/demo-tenant';
import { TENANT_HEADER } from '@reservations/platform/tenancy';

const FIRST_OPERATION = `# Tenant "demo" is preset in the shared headers (x-tenant-id).
query CustomersWithReservations {
  customers(first: 10) {
    totalCount
    nodes {
      id
      name
      email
      reservations {
        id
        startsAt
        partySize
        status
      }
    }
  }
}
`;

/**
 * When enabled (the default outside production) the landing page is Apollo Sandbox with the
 * demo tenant's header and a first operation filled in, so exploring works on first open.
 * Otherwise there is no landing page at all.
 */
export function landingPagePlugins(enabled: boolean): ApolloServerPlugin[] {
  if (!enabled) return [ApolloServerPluginLandingPageDisabled()];
  return [
    ApolloServerPluginLandingPageLocalDefault({
      document: FIRST_OPERATION,
      embed: { initialState: { sharedHeaders: { [TENANT_HEADER]: demoTenant } } },
    }),
  ];
}
