import type { ReservationContext } from '../context';
import type { Reservation } from '../data/reservations';

interface CustomerReference {
  id: string;
}

export const CustomerResolvers = {
  /** Nothing to look up: this subgraph only adds fields keyed by the customer's id. */
  __resolveReference(reference: CustomerReference): CustomerReference {
    return { id: reference.id };
  },

  reservations(customer: CustomerReference, _: unknown, context: ReservationContext): Promise<Reservation[]> {
    return context.reservations().byCustomerId.load(customer.id);
  },
};
