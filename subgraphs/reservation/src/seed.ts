import { demoCustomers, demoTenant } from '@reservations/customer-subgraph/demo-tenant';
import type { Logger } from '@reservations/platform/logger';
import { bindReservationTenant, type ReservationPrisma } from './database';
import type { ReservationStatus } from './rules';
import { addMinutes } from './rules';

/** Tenant demo's booking rules: a dinner service, 17:00-22:00 UTC, 30 seats. */
export const demoSettings = {
  capacity: 30,
  defaultDurationMinutes: 120,
  slotIntervalMinutes: 30,
  opensAtMinute: 17 * 60,
  closesAtMinute: 22 * 60,
};

interface DemoReservation {
  id: string;
  customerId: string;
  /** Days after the seeding day (negative: before); the table is booked for 19:00 UTC plus `hourOffset`. */
  inDays: number;
  hourOffset: number;
  partySize: number;
  status: ReservationStatus;
  notes: string | null;
  cancellationReason: string | null;
}

// [customer index, in days, hour offset, party size, status, notes, cancellation reason]
type Plan = [number, number, number, number, ReservationStatus, string | null, string | null];
const plan: Plan[] = [
  [0, 1, 0, 2, 'CONFIRMED', 'Window table if possible', null],
  [0, 8, 1, 4, 'PENDING', null, null],
  [1, 2, 0, 3, 'CONFIRMED', null, null],
  [1, 3, 1, 2, 'CONFIRMED', null, null],
  [2, 1, 1, 6, 'PENDING', 'Birthday', null],
  [3, 5, 0, 2, 'CONFIRMED', null, null],
  [2, 0, 0, 4, 'SEATED', null, null],
  [3, -1, 0, 2, 'COMPLETED', null, null],
  [0, -2, 1, 3, 'NO_SHOW', null, null],
  [1, 4, 0, 5, 'CANCELLED', null, 'Change of plans'],
];

/** Fixed ids (the customer ids are the customer subgraph's demo customers), so seeding twice adds nothing. */
export const demoReservations: DemoReservation[] = plan.map(
  ([customerIndex, inDays, hourOffset, partySize, status, notes, cancellationReason], index) => ({
    id: `0190a5f0-0000-7000-9000-${String(index + 1).padStart(12, '0')}`,
    customerId: demoCustomers[customerIndex % demoCustomers.length]!.id,
    inDays,
    hourOffset,
    partySize,
    status,
    notes,
    cancellationReason,
  }),
);

/** The instant a demo reservation starts, relative to `now`. */
export function demoStartsAt(reservation: DemoReservation, now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + reservation.inDays, 19 + reservation.hourOffset));
}

/**
 * Idempotent: fixed ids and skipDuplicates make a second run a no-op, and settings a tenant
 * already changed are kept. The demo plan stays far below capacity, so it needs no check.
 */
export async function seedDemoReservations(client: ReservationPrisma, logger: Logger): Promise<void> {
  const prisma = bindReservationTenant(client, demoTenant);
  const now = new Date();
  const settings = await prisma.reservationSettings.createMany({
    data: [demoSettings],
    skipDuplicates: true,
  });
  const { count } = await prisma.reservation.createMany({
    data: demoReservations.map((reservation) => {
      const startsAt = demoStartsAt(reservation, now);
      return {
        id: reservation.id,
        customerId: reservation.customerId,
        partySize: reservation.partySize,
        status: reservation.status,
        notes: reservation.notes,
        cancellationReason: reservation.cancellationReason,
        startsAt,
        endsAt: addMinutes(startsAt, demoSettings.defaultDurationMinutes),
      };
    }),
    skipDuplicates: true,
  });
  if (count > 0 || settings.count > 0) {
    logger.info({ tenant: demoTenant, reservations: count, settings: settings.count }, 'seeded demo reservations');
  }
}
