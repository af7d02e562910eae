import { parseId } from '@reservations/platform/graphql/ids';
import { pageRequest, type Connection } from '@reservations/platform/graphql/pagination';
import type { CustomerContext } from '../context';
import { decodeCategoryCursor, type Category } from '../data/categories';
import type { Customer } from '../data/customers';
import type { Product } from '../data/products';
import { optionalId, searchTerm } from '../validation';

interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export const QueryResolvers = {
  customer(_: unknown, args: { id: string }, context: CustomerContext): Promise<Customer | null> {
    return context.customers().byId.load(parseId(args.id, 'id'));
  },

  customers(_: unknown, args: PageArgs & { search?: string | null }, context: CustomerContext): Promise<Connection<Customer>> {
    return context.customers().page({ search: searchTerm(args.search) }, pageRequest(args.first, args.after));
  },

  product(_: unknown, args: { id: string }, context: CustomerContext): Promise<Product | null> {
    return context.products().byId.load(parseId(args.id, 'id'));
  },

  products(
    _: unknown,
    args: PageArgs & { categoryId?: string | null; isActive?: boolean | null; search?: string | null },
    context: CustomerContext,
  ): Promise<Connection<Product>> {
    const filter = {
      categoryId: optionalId(args.categoryId, 'categoryId'),
      isActive: args.isActive ?? null,
      search: searchTerm(args.search),
    };
    return context.products().page(filter, pageRequest(args.first, args.after));
  },

  category(_: unknown, args: { id: string }, context: CustomerContext): Promise<Category | null> {
    return context.categories().byId.load(parseId(args.id, 'id'));
  },

  categories(_: unknown, args: PageArgs, context: CustomerContext): Promise<Connection<Category>> {
    // `first` is checked as for every list; the cursor is the categories' own (position, id).
    const { take } = pageRequest(args.first, null);
    return context.categories().page({ take, after: args.after ? decodeCategoryCursor(args.after) : null });
  },
};
