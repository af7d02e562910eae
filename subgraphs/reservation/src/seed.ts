import { demoReservations, demoStartsAt, demoTenant } from '@reservations/platform/demo-tenant';
import type { Logger } from '@reservations/platform/logger';
import type { ReservationPrisma } from './database';

/** Idempotent: fixed ids and skipDuplicates make a second run a no-op. */
export async function seedDemoReservations(prisma: ReservationPrisma, logger: Logger): Promise<void> {
  const now = new Date();
  const { count } = await prisma.reservation.createMany({
    data: demoReservations.map((reservation) => ({
      id: reservation.id,
      tenantId: demoTenant,
      customerId: reservation.customerId,
      partySize: reservation.partySize,
      status: reservation.status,
      startsAt: demoStartsAt(reservation, now),
    })),
    skipDuplicates: true,
  });
  if (count > 0) logger.info({ tenant: demoTenant, reservations: count }, 'seeded demo reservations');
}
