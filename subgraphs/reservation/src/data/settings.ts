import type { Prisma, ReservationSettings } from '../generated/prisma/client';
import { DEFAULT_SETTINGS, type BookingSettings } from '../rules';

/** Settings as the API shows them: the booking rules plus when they were last changed. */
export interface EffectiveSettings extends BookingSettings {
  /** null while the tenant runs on DEFAULT_SETTINGS. */
  updatedAt: Date | null;
}

type SettingsReader = Pick<Prisma.TransactionClient, 'reservationSettings'>;

function fromRow(row: ReservationSettings | null): EffectiveSettings {
  if (row === null) return { ...DEFAULT_SETTINGS, updatedAt: null };
  return {
    capacity: row.capacity,
    defaultDurationMinutes: row.defaultDurationMinutes,
    slotIntervalMinutes: row.slotIntervalMinutes,
    opensAtMinute: row.opensAtMinute,
    closesAtMinute: row.closesAtMinute,
    bookingHorizonDays: row.bookingHorizonDays,
    updatedAt: row.updatedAt,
  };
}

/** The tenant's settings, or the defaults when it has no row; works inside a transaction too. */
export async function readSettings(db: SettingsReader, tenantId: string): Promise<EffectiveSettings> {
  return fromRow(await db.reservationSettings.findUnique({ where: { tenantId } }));
}

/** Writes the whole set (the caller merged the change into the current values). */
export async function writeSettings(db: SettingsReader, tenantId: string, settings: BookingSettings): Promise<EffectiveSettings> {
  const row = await db.reservationSettings.upsert({
    where: { tenantId },
    create: settings,
    update: settings,
  });
  return fromRow(row);
}
