import path from 'node:path';
import type { OpenDatabase } from '@reservations/platform/database/connection';
import { tenantBinder, type TenantClient, type TenantTransactionClient } from '@reservations/platform/database/tenant-client';
import { PrismaClient, type Prisma } from './generated/prisma/client';

export const migrationsDir = path.join(__dirname, '..', 'prisma', 'migrations');

/** Query events stay on: they feed query counting in tests and, later, duration metrics. */
export function createCustomerPrisma(database: OpenDatabase) {
  const prisma = new PrismaClient({
    adapter: database.adapter,
    log: [{ emit: 'event', level: 'query' }],
    // Bounded like single statements (DATABASE_* timeouts), so a transaction cannot outlast the gateway's attempt.
    transactionOptions: database.transactionOptions,
  });
  bindCustomerTenant.check(prisma);
  return prisma;
}

export type CustomerPrisma = ReturnType<typeof createCustomerPrisma>;

/** The client the stores use: one tenant's rows only, every statement in a transaction bound to it. */
export type CustomerDb = TenantClient<CustomerPrisma, Prisma.TransactionClient>;
export type CustomerTx = TenantTransactionClient<Prisma.TransactionClient>;

/** Every model of schema.prisma, by whom its rows belong to; an unclassified model stops start-up. */
export const customerTenantModels = { owned: ['Customer', 'Category', 'Product'], global: [] };

export const bindCustomerTenant = tenantBinder<CustomerPrisma, Prisma.TransactionClient>(customerTenantModels);
