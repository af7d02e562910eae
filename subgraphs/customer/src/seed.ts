import { demoCustomers, demoTenant } from '@reservations/platform/demo-tenant';
import type { Logger } from '@reservations/platform/logger';
import type { CustomerPrisma } from './database';

/** Idempotent: fixed ids and skipDuplicates make a second run a no-op. */
export async function seedDemoCustomers(prisma: CustomerPrisma, logger: Logger): Promise<void> {
  const { count } = await prisma.customer.createMany({
    data: demoCustomers.map((customer) => ({ ...customer, tenantId: demoTenant })),
    skipDuplicates: true,
  });
  if (count > 0) logger.info({ tenant: demoTenant, customers: count }, 'seeded demo customers');
}
