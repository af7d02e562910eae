import { createHash } from 'node:crypto';
import { badUserInput } from '@reservations/platform/errors';
import type { ReservationFilter } from '../data/reservations';
import type { InputMaybe, ReservationStatus } from '../generated/graphql';

/** `from`/`to` bound startsAt as [from, to); an empty or inverted range is refused. */
export function timeFilter(args: {
  from?: InputMaybe<Date>;
  to?: InputMaybe<Date>;
  status?: InputMaybe<ReservationStatus[]>;
}): Omit<ReservationFilter, 'customerId'> {
  if (args.from && args.to && args.from.getTime() >= args.to.getTime()) {
    throw badUserInput('to must be later than from', 'to');
  }
  return { from: args.from ?? null, to: args.to ?? null, statuses: args.status ?? null };
}

/** What identifies a createReservation request for its idempotency key. */
export function requestFingerprint(payload: { customerId: string; startsAt: Date; partySize: number; notes: string | null }): string {
  const canonical = JSON.stringify([payload.customerId, payload.startsAt.toISOString(), payload.partySize, payload.notes]);
  return createHash('sha256').update(canonical).digest('hex');
}
