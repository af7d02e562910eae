import type { Logger } from '@reservations/platform/logger';
import { catalogueChangesPlugin } from './catalogue-changes';
import { startSubgraph, type StartedSubgraph, type SubgraphDefinition } from '@reservations/platform/subgraph/start-subgraph';
import { DEFAULT_CATALOGUE_CACHE_MAX_AGE, type CustomerConfig } from './config';
import { createCustomerContext, type CustomerContext } from './context';
import { createCustomerPrisma, migrationsDir, type CustomerPrisma } from './database';
import { buildCustomerSchema, customerSchema } from './schema';
import { seedDemoTenant } from './seed';

/** The subgraph with default settings (what `npm run db:*` needs: migrations, client, seed). */
export const customerSubgraph: SubgraphDefinition<CustomerPrisma, CustomerContext> = {
  name: 'customer',
  migrationsDir,
  schema: customerSchema,
  connect: (database) => createCustomerPrisma(database),
  disconnect: (prisma) => prisma.$disconnect(),
  seedDemoTenant,
  context: ({ tenantId, client, logger }) => createCustomerContext(tenantId, client, logger),
  plugins: ({ redis }) => [catalogueChangesPlugin(redis)],
};

export function startCustomerSubgraph(config: CustomerConfig, logger: Logger): Promise<StartedSubgraph<CustomerPrisma>> {
  const schema = config.catalogueCacheMaxAge === DEFAULT_CATALOGUE_CACHE_MAX_AGE ? customerSchema : buildCustomerSchema(config);
  return startSubgraph({ ...customerSubgraph, schema }, config, logger);
}
