import { demoCategories, demoCustomers, demoProducts, demoTenant } from './demo-tenant';
import type { Logger } from '@reservations/platform/logger';
import { bindCustomerTenant, type CustomerPrisma } from './database';

/**
 * Seeds tenant `demo`: customers, categories and products. Idempotent: fixed ids and
 * skipDuplicates (ON CONFLICT DO NOTHING) make a second run a no-op, and rows the tenant
 * already has, or has changed, are left as they are.
 */
export async function seedDemoTenant(client: CustomerPrisma, logger: Logger): Promise<void> {
  const prisma = bindCustomerTenant(client, demoTenant);
  const customers = await prisma.customer.createMany({
    data: demoCustomers.map(({ phone, ...customer }) => ({ ...customer, phoneE164: phone })),
    skipDuplicates: true,
  });
  const categories = await prisma.category.createMany({
    data: [...demoCategories],
    skipDuplicates: true,
  });
  // A demo category may have been skipped because the tenant already had one of that name
  // under another id; its products then go in without a category rather than fail the seed.
  const present = new Set(
    (await prisma.category.findMany({ where: { id: { in: demoCategories.map((c) => c.id) } }, select: { id: true } })).map((category) => category.id),
  );
  const products = await prisma.product.createMany({
    data: demoProducts.map((product) => ({
      ...product,
      categoryId: product.categoryId !== null && present.has(product.categoryId) ? product.categoryId : null,
    })),
    skipDuplicates: true,
  });
  if (customers.count + categories.count + products.count > 0) {
    logger.info({ tenant: demoTenant, customers: customers.count, categories: categories.count, products: products.count }, 'seeded demo tenant');
  }
}
