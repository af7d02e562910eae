import type { ReservationContext } from '../context';
import type { Reservation } from '../data/reservations';

export const ReservationResolvers = {
  __resolveReference(reference: { id: string }, context: ReservationContext): Promise<Reservation | null> {
    return context.reservations().byId.load(reference.id);
  },

  /**
   * A reference only: the gateway asks the customer subgraph for the customer's fields. It is
   * returned even if the customer has since been deleted there (see docs/api.md, "A customer deleted later").
   */
  customer(reservation: Reservation): { __typename: 'Customer'; id: string } {
    return { __typename: 'Customer', id: reservation.customerId };
  },
};
