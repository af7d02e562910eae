import { parseId } from '@reservations/platform/graphql/ids';
import { pageRequest, type Connection } from '@reservations/platform/graphql/pagination';
import type { ReservationContext } from '../context';
import type { Reservation } from '../data/reservations';

export const QueryResolvers = {
  reservation(_: unknown, args: { id: string }, context: ReservationContext): Promise<Reservation | null> {
    return context.reservations().byId.load(parseId(args.id, 'id'));
  },

  reservations(
    _: unknown,
    args: { first?: number | null; after?: string | null },
    context: ReservationContext,
  ): Promise<Connection<Reservation>> {
    return context.reservations().page(pageRequest(args.first, args.after));
  },
};
