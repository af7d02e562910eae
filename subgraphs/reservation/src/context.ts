import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from '@reservations/platform/logger';
import { requireTenant, type TenantContext } from '@reservations/platform/tenancy';
import type { Clock } from './clock';
import type { BookingConfig } from './config';
import { CustomerDirectory } from './customer-directory';
import { ReservationStore } from './data/reservations';
import { bindReservationTenant, type ReservationPrisma } from './database';

export interface ReservationContext extends TenantContext {
  logger: Logger;
  /** The tenant's reservations; created on first use because only data operations need one. */
  reservations(): ReservationStore;
  /** Asks the customer subgraph (over HTTP, never its database) whether customers exist. */
  customers: CustomerDirectory;
  /** "Now" for every rule that depends on it; the same clock the store reads. */
  clock: Clock;
  /** Whether createReservation needs an idempotencyKey (REQUIRE_IDEMPOTENCY_KEY). */
  requireIdempotencyKey: boolean;
}

export function createReservationContext(
  tenantId: string | null,
  prisma: ReservationPrisma,
  logger: Logger,
  booking: BookingConfig,
  clock: Clock,
  callerHeaders: IncomingHttpHeaders = {},
): ReservationContext {
  let store: ReservationStore | undefined;
  const context: ReservationContext = {
    tenantId,
    logger,
    reservations: () => (store ??= new ReservationStore(bindReservationTenant(prisma, requireTenant(context)), clock, booking)),
    customers: new CustomerDirectory(booking, logger, callerHeaders),
    clock,
    requireIdempotencyKey: booking.requireIdempotencyKey,
  };
  return context;
}
