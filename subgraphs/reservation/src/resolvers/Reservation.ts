import type { ReservationResolvers } from '../generated/graphql';

export const Reservation: ReservationResolvers = {
  __resolveReference(reference, context) {
    return context.reservations().byId.load(reference.id);
  },

  /**
   * A reference only: the gateway asks the customer subgraph for the customer's fields. It is
   * returned even if the customer has since been deleted there (see docs/api.md, "A customer deleted later").
   */
  customer(reservation) {
    return { id: reservation.customerId };
  },
};
