import { badUserInput } from '@reservations/platform/errors';
import { parseId } from '@reservations/platform/graphql/ids';
import { optionalText } from '@reservations/platform/graphql/validation';
import { requireTenant } from '@reservations/platform/tenancy';
import type { ReservationContext } from '../context';
import type { Reservation, ReservationChanges } from '../data/reservations';
import type { EffectiveSettings } from '../data/settings';
import { checkInteger, checkNotStarted, checkPartySize, parseTimeOfDay, SETTINGS_LIMITS, type BookingSettings, type TransitionName } from '../rules';
import { requestFingerprint } from './arguments';

interface CreateReservationInput {
  customerId: string;
  startsAt: Date;
  partySize: number;
  notes?: string | null;
  idempotencyKey?: string | null;
}

interface UpdateReservationInput {
  startsAt?: Date | null;
  partySize?: number | null;
  notes?: string | null;
}

interface UpdateReservationSettingsInput {
  capacity?: number | null;
  defaultDurationMinutes?: number | null;
  slotIntervalMinutes?: number | null;
  opensAt?: string | null;
  closesAt?: string | null;
  bookingHorizonDays?: number | null;
}

function transition(name: TransitionName) {
  return (_: unknown, args: { id: string }, context: ReservationContext): Promise<Reservation> =>
    context.reservations().transition(parseId(args.id, 'id'), name);
}

export const MutationResolvers = {
  async createReservation(_: unknown, args: { input: CreateReservationInput }, context: ReservationContext): Promise<Reservation> {
    const { input } = args;
    const tenantId = requireTenant(context);
    const customerId = parseId(input.customerId, 'input.customerId');
    const partySize = checkPartySize(input.partySize, 'input.partySize');
    const notes = optionalText(input.notes);
    const key = input.idempotencyKey ?? null;
    if (key !== null && key.trim() === '') throw badUserInput('input.idempotencyKey must not be blank', 'input.idempotencyKey');
    if (key === null && context.requireIdempotencyKey) {
      throw badUserInput(
        'input.idempotencyKey is required: send a new key per booking and reuse it when retrying, so a booking whose answer was lost is neither made twice nor lost',
        'input.idempotencyKey',
      );
    }
    const idempotency = key === null ? null : { key, fingerprint: requestFingerprint({ customerId, startsAt: input.startsAt, partySize, notes }) };

    const store = context.reservations();
    // A repeat is answered before anything else, even while the customer subgraph is down.
    if (idempotency) {
      const first = await store.replayed(idempotency);
      if (first) return first;
    }
    // After the replay, so a retry of a booking made in time still gets it once the start has passed.
    checkNotStarted(input.startsAt, context.clock(), 'input.startsAt');
    // Asked before the write transaction opens, so no lock is held during the HTTP call.
    await context.customers.assertExists(tenantId, customerId, 'input.customerId');
    return store.create({ customerId, startsAt: input.startsAt, partySize, notes, idempotency });
  },

  updateReservation(_: unknown, args: { id: string; input: UpdateReservationInput }, context: ReservationContext): Promise<Reservation> {
    const id = parseId(args.id, 'id');
    const { input } = args;
    const changes: ReservationChanges = {};
    if (input.startsAt) changes.startsAt = input.startsAt;
    if (input.partySize !== undefined && input.partySize !== null) changes.partySize = checkPartySize(input.partySize, 'input.partySize');
    if (input.notes !== undefined) changes.notes = optionalText(input.notes);
    return context.reservations().update(id, changes);
  },

  confirmReservation: transition('confirm'),
  seatReservation: transition('seat'),
  completeReservation: transition('complete'),
  markNoShow: transition('markNoShow'),

  cancelReservation(_: unknown, args: { id: string; reason?: string | null }, context: ReservationContext): Promise<Reservation> {
    return context.reservations().transition(parseId(args.id, 'id'), 'cancel', optionalText(args.reason));
  },

  updateReservationSettings(
    _: unknown,
    args: { input: UpdateReservationSettingsInput },
    context: ReservationContext,
  ): Promise<EffectiveSettings> {
    const { input } = args;
    // Validated before the transaction, so a bad value never takes the lock.
    const change: Partial<BookingSettings> = {};
    if (input.capacity != null) change.capacity = checkInteger(input.capacity, 'input.capacity', SETTINGS_LIMITS.capacity);
    if (input.defaultDurationMinutes != null) {
      change.defaultDurationMinutes = checkInteger(input.defaultDurationMinutes, 'input.defaultDurationMinutes', SETTINGS_LIMITS.defaultDurationMinutes);
    }
    if (input.slotIntervalMinutes != null) {
      change.slotIntervalMinutes = checkInteger(input.slotIntervalMinutes, 'input.slotIntervalMinutes', SETTINGS_LIMITS.slotIntervalMinutes);
    }
    if (input.opensAt != null) change.opensAtMinute = parseTimeOfDay(input.opensAt, 'input.opensAt');
    if (input.closesAt != null) change.closesAtMinute = parseTimeOfDay(input.closesAt, 'input.closesAt');
    if (input.bookingHorizonDays != null) {
      change.bookingHorizonDays = checkInteger(input.bookingHorizonDays, 'input.bookingHorizonDays', SETTINGS_LIMITS.bookingHorizonDays);
    }
    return context.reservations().updateSettings((current) => ({ ...current, ...change }));
  },
};
