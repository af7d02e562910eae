import type { CustomerContext } from '../context';
import type { Customer } from '../data/customers';

export const CustomerResolvers = {
  /** Batched through the request's loader: N references cost one query. */
  __resolveReference(reference: { id: string }, context: CustomerContext): Promise<Customer | null> {
    return context.customers().byId.load(reference.id);
  },
};
