import path from 'node:path';
import type { OpenDatabase } from '@reservations/platform/database/connection';
import { tenantBinder, type TenantClient, type TenantTransactionClient } from '@reservations/platform/database/tenant-client';
import { PrismaClient, type Prisma } from './generated/prisma/client';

export const migrationsDir = path.join(__dirname, '..', 'prisma', 'migrations');

/** Query events stay on: they feed query counting in tests and, later, duration metrics. */
export function createReservationPrisma(database: OpenDatabase) {
  const prisma = new PrismaClient({
    adapter: database.adapter,
    log: [{ emit: 'event', level: 'query' }],
    // Bounded like single statements (DATABASE_* timeouts), so a transaction cannot outlast the gateway's attempt.
    transactionOptions: database.transactionOptions,
  });
  bindReservationTenant.check(prisma);
  return prisma;
}

export type ReservationPrisma = ReturnType<typeof createReservationPrisma>;

/** The client the stores use: one tenant's rows only, every statement in a transaction bound to it. */
export type ReservationDb = TenantClient<ReservationPrisma, Prisma.TransactionClient>;
export type ReservationTx = TenantTransactionClient<Prisma.TransactionClient>;

/** Every model of schema.prisma, by whom its rows belong to; an unclassified model stops start-up. */
export const reservationTenantModels = { owned: ['Reservation', 'ReservationSettings'], global: [] };

export const bindReservationTenant = tenantBinder<ReservationPrisma, Prisma.TransactionClient>(reservationTenantModels);

/**
 * First key of the two-key advisory lock that serialises a tenant's capacity-changing writes;
 * the second is hashtext(tenant). ('RSRV' in ASCII; the migration applier uses the one-key form,
 * a separate key space.) Two tenants whose names hash alike merely wait for each other.
 */
export const CAPACITY_LOCK_CLASS = 0x52535256;
