import { badUserInput } from '@reservations/platform/errors';
import { parseId } from '@reservations/platform/graphql/ids';
import { optionalText } from '@reservations/platform/graphql/validation';
import { requireTenant } from '@reservations/platform/tenancy';
import type { ReservationContext } from '../context';
import type { ReservationChanges } from '../data/reservations';
import type { MutationResolvers } from '../generated/graphql';
import { checkInteger, checkNotStarted, checkPartySize, parseTimeOfDay, SETTINGS_LIMITS, type BookingSettings, type TransitionName } from '../rules';
import { requestFingerprint } from './arguments';

/** A status change of the reservation `id`, answered with the reservation as it is now. */
async function transition(context: ReservationContext, id: string, name: TransitionName, reason: string | null = null) {
  return { reservation: await context.reservations().transition(parseId(id, 'input.id'), name, optionalText(reason)) };
}

// Arguments as GraphQL delivers them: an omitted input field is undefined, an explicit null is null.
export const Mutation: MutationResolvers = {
  async createReservation(_, { input }, context) {
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
      if (first) return { reservation: first };
    }
    // After the replay, so a retry of a booking made in time still gets it once the start has passed.
    checkNotStarted(input.startsAt, context.clock(), 'input.startsAt');
    // Asked before the write transaction opens, so no lock is held during the HTTP call.
    await context.customers.assertExists(tenantId, customerId, 'input.customerId');
    return { reservation: await store.create({ customerId, startsAt: input.startsAt, partySize, notes, idempotency }) };
  },

  async updateReservation(_, { input }, context) {
    const id = parseId(input.id, 'input.id');
    const changes: ReservationChanges = {};
    if (input.startsAt) changes.startsAt = input.startsAt;
    if (input.partySize !== undefined && input.partySize !== null) changes.partySize = checkPartySize(input.partySize, 'input.partySize');
    if (input.notes !== undefined) changes.notes = optionalText(input.notes);
    return { reservation: await context.reservations().update(id, changes) };
  },

  confirmReservation: (_, { input }, context) => transition(context, input.id, 'confirm'),
  seatReservation: (_, { input }, context) => transition(context, input.id, 'seat'),
  completeReservation: (_, { input }, context) => transition(context, input.id, 'complete'),
  markNoShow: (_, { input }, context) => transition(context, input.id, 'markNoShow'),
  cancelReservation: (_, { input }, context) => transition(context, input.id, 'cancel', input.reason),

  async updateReservationSettings(_, { input }, context) {
    // Validated before the transaction, so a bad value never takes the lock.
    const change: Partial<BookingSettings> = {};
    if (input.capacity != null) change.capacity = checkInteger(input.capacity, 'input.capacity', SETTINGS_LIMITS.capacity);
    if (input.defaultDurationMinutes != null) {
      change.defaultDurationMinutes = checkInteger(
        input.defaultDurationMinutes,
        'input.defaultDurationMinutes',
        SETTINGS_LIMITS.defaultDurationMinutes,
      );
    }
    if (input.slotIntervalMinutes != null) {
      change.slotIntervalMinutes = checkInteger(input.slotIntervalMinutes, 'input.slotIntervalMinutes', SETTINGS_LIMITS.slotIntervalMinutes);
    }
    if (input.opensAt != null) change.opensAtMinute = parseTimeOfDay(input.opensAt, 'input.opensAt');
    if (input.closesAt != null) change.closesAtMinute = parseTimeOfDay(input.closesAt, 'input.closesAt');
    if (input.bookingHorizonDays != null) {
      change.bookingHorizonDays = checkInteger(input.bookingHorizonDays, 'input.bookingHorizonDays', SETTINGS_LIMITS.bookingHorizonDays);
    }
    return { reservationSettings: await context.reservations().updateSettings((current) => ({ ...current, ...change })) };
  },
};
