import type { GraphQLResolveInfo } from 'graphql';
import { restrictCacheHint } from '@reservations/platform/graphql/cache-control';
import type { CustomerContext } from '../context';
import type { Customer } from '../data/customers';

export const CustomerResolvers = {
  /**
   * Batched through the request's loader: N references cost one query. Never cacheable: an
   * `_entities` batch that also holds products must not inherit their max age.
   */
  __resolveReference(reference: { id: string }, context: CustomerContext, info: GraphQLResolveInfo): Promise<Customer | null> {
    restrictCacheHint(info, { maxAge: 0, scope: 'PRIVATE' });
    return context.customers().byId.load(reference.id);
  },

  /** Stored as phone_e164; always E.164 or null. */
  phone(customer: Customer): string | null {
    return customer.phoneE164;
  },
};
