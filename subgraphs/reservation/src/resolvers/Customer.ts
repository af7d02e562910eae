import type { ReservationContext } from '../context';
import type { Reservation } from '../data/reservations';
import { timeFilter, type TimeRangeArgs } from './arguments';

interface CustomerReference {
  id: string;
}

export const CustomerResolvers = {
  /** Nothing to look up: this subgraph only adds fields keyed by the customer's id. */
  __resolveReference(reference: CustomerReference): CustomerReference {
    return { id: reference.id };
  },

  /** One query per batch of customers asking with the same arguments. */
  reservations(customer: CustomerReference, args: TimeRangeArgs, context: ReservationContext): Promise<Reservation[]> {
    return context.reservations().forCustomers(timeFilter(args)).load(customer.id);
  },
};
