import type { CustomerResolvers } from '../generated/graphql';
import { timeFilter } from './arguments';

export const Customer: CustomerResolvers = {
  /** Nothing to look up: this subgraph only adds fields keyed by the customer's id. */
  __resolveReference(reference) {
    return { id: reference.id };
  },

  /** One query per batch of customers asking with the same arguments. */
  reservations(customer, args, context) {
    return context.reservations().forCustomers(timeFilter(args)).load(customer.id);
  },
};
