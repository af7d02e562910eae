import type { Logger } from '@reservations/platform/logger';
import { requireTenant, type TenantContext } from '@reservations/platform/tenancy';
import { CategoryStore } from './data/categories';
import { CustomerStore } from './data/customers';
import { ProductStore } from './data/products';
import { bindCustomerTenant, type CustomerDb, type CustomerPrisma } from './database';

export interface CustomerContext extends TenantContext {
  logger: Logger;
  /** The tenant's customers; created on first use because only data operations need one. */
  customers(): CustomerStore;
  /** The tenant's product categories. */
  categories(): CategoryStore;
  /** The tenant's products. */
  products(): ProductStore;
  /**
   * `changed` turns true once a product or category write succeeded (see catalogue-changes.ts).
   * A holder rather than a flag: Apollo Server hands resolvers and plugins a shallow copy of
   * the context, and only a shared object is seen by both.
   */
  readonly catalogue: { changed: boolean };
}

export function createCustomerContext(tenantId: string | null, prisma: CustomerPrisma, logger: Logger): CustomerContext {
  let customers: CustomerStore | undefined;
  let categories: CategoryStore | undefined;
  let products: ProductStore | undefined;
  const catalogue = { changed: false };
  const changed = () => {
    catalogue.changed = true;
  };
  let db: CustomerDb | undefined;
  // The request's one tenant-bound client, made on first use; every store reads through it.
  const tenantDb = () => (db ??= bindCustomerTenant(prisma, requireTenant(context)));
  const context: CustomerContext = {
    tenantId,
    logger,
    customers: () => (customers ??= new CustomerStore(tenantDb())),
    categories: () => (categories ??= new CategoryStore(tenantDb(), changed)),
    products: () => (products ??= new ProductStore(tenantDb(), changed)),
    catalogue,
  };
  return context;
}
