import { parseId } from '@reservations/platform/graphql/ids';
import { pageRequest, type Connection } from '@reservations/platform/graphql/pagination';
import type { CustomerContext } from '../context';
import type { Customer } from '../data/customers';

export const QueryResolvers = {
  customer(_: unknown, args: { id: string }, context: CustomerContext): Promise<Customer | null> {
    return context.customers().byId.load(parseId(args.id, 'id'));
  },

  customers(_: unknown, args: { first?: number | null; after?: string | null }, context: CustomerContext): Promise<Connection<Customer>> {
    return context.customers().page(pageRequest(args.first, args.after));
  },
};
