import type { Logger } from '@reservations/platform/logger';
import { startSubgraph, type StartedSubgraph, type SubgraphDefinition } from '@reservations/platform/subgraph/start-subgraph';
import type { CustomerConfig } from './config';
import { createCustomerContext, type CustomerContext } from './context';
import { createCustomerPrisma, migrationsDir, type CustomerPrisma } from './database';
import { customerSchema } from './schema';
import { seedDemoCustomers } from './seed';

export const customerSubgraph: SubgraphDefinition<CustomerPrisma, CustomerContext> = {
  name: 'customer',
  migrationsDir,
  schema: customerSchema,
  connect: (database) => createCustomerPrisma(database),
  disconnect: (prisma) => prisma.$disconnect(),
  seedDemoTenant: seedDemoCustomers,
  context: ({ tenantId, client, logger }) => createCustomerContext(tenantId, client, logger),
};

export function startCustomerSubgraph(config: CustomerConfig, logger: Logger): Promise<StartedSubgraph<CustomerPrisma>> {
  return startSubgraph(customerSubgraph, config, logger);
}
