import { parseId } from '@reservations/platform/graphql/ids';
import { pageRequest, type Connection } from '@reservations/platform/graphql/pagination';
import type { ReservationContext } from '../context';
import type { AvailabilitySlot, Reservation } from '../data/reservations';
import type { EffectiveSettings } from '../data/settings';
import { checkPartySize } from '../rules';
import { timeFilter, type TimeRangeArgs } from './arguments';

interface ReservationsArgs extends TimeRangeArgs {
  customerId?: string | null;
  first?: number | null;
  after?: string | null;
}

export const QueryResolvers = {
  reservation(_: unknown, args: { id: string }, context: ReservationContext): Promise<Reservation | null> {
    return context.reservations().byId.load(parseId(args.id, 'id'));
  },

  reservations(_: unknown, args: ReservationsArgs, context: ReservationContext): Promise<Connection<Reservation>> {
    const page = pageRequest(args.first, args.after);
    const filter = { ...timeFilter(args), customerId: args.customerId ? parseId(args.customerId, 'customerId') : null };
    return context.reservations().page(page, filter);
  },

  reservationByIdempotencyKey(_: unknown, args: { key: string }, context: ReservationContext): Promise<Reservation | null> {
    return context.reservations().withIdempotencyKey(args.key);
  },

  availability(_: unknown, args: { date: string; partySize: number }, context: ReservationContext): Promise<AvailabilitySlot[]> {
    return context.reservations().availability(args.date, checkPartySize(args.partySize, 'partySize'));
  },

  reservationSettings(_: unknown, __: unknown, context: ReservationContext): Promise<EffectiveSettings> {
    return context.reservations().settings();
  },
};
