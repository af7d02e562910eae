import type { Logger } from '@reservations/platform/logger';
import { requireTenant, type TenantContext } from '@reservations/platform/tenancy';
import { CustomerStore } from './data/customers';
import type { CustomerPrisma } from './database';

export interface CustomerContext extends TenantContext {
  logger: Logger;
  /** The tenant's customers; created on first use because only data operations need one. */
  customers(): CustomerStore;
}

export function createCustomerContext(tenantId: string | null, prisma: CustomerPrisma, logger: Logger): CustomerContext {
  let store: CustomerStore | undefined;
  const context: CustomerContext = {
    tenantId,
    logger,
    customers: () => (store ??= new CustomerStore(prisma, requireTenant(context))),
  };
  return context;
}
