import { restrictCacheHint } from '@reservations/platform/graphql/cache-control';
import type { CustomerResolvers } from '../generated/graphql';

export const Customer: CustomerResolvers = {
  /**
   * Batched through the request's loader: N references cost one query. Never cacheable: an
   * `_entities` batch that also holds products must not inherit their max age.
   */
  __resolveReference(reference, context, info) {
    restrictCacheHint(info, { maxAge: 0, scope: 'PRIVATE' });
    return context.customers().byId.load(reference.id);
  },

  /** Stored as phone_e164; always E.164 or null. */
  phone(customer) {
    return customer.phoneE164;
  },
};
