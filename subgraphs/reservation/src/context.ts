import type { Logger } from '@reservations/platform/logger';
import { requireTenant, type TenantContext } from '@reservations/platform/tenancy';
import { ReservationStore } from './data/reservations';
import type { ReservationPrisma } from './database';

export interface ReservationContext extends TenantContext {
  logger: Logger;
  /** The tenant's reservations; created on first use because only data operations need one. */
  reservations(): ReservationStore;
}

export function createReservationContext(
  tenantId: string | null,
  prisma: ReservationPrisma,
  logger: Logger,
): ReservationContext {
  let store: ReservationStore | undefined;
  const context: ReservationContext = {
    tenantId,
    logger,
    reservations: () => (store ??= new ReservationStore(prisma, requireTenant(context))),
  };
  return context;
}
