import { parseId } from '@reservations/platform/graphql/ids';
import { pageRequest } from '@reservations/platform/graphql/pagination';
import { decodeCategoryCursor } from '../data/categories';
import type { QueryResolvers } from '../generated/graphql';
import { optionalId, searchTerm } from '../validation';

export const Query: QueryResolvers = {
  customer(_, args, context) {
    return context.customers().byId.load(parseId(args.id, 'id'));
  },

  customers(_, args, context) {
    return context.customers().page({ search: searchTerm(args.search) }, pageRequest(args.first, args.after));
  },

  product(_, args, context) {
    return context.products().byId.load(parseId(args.id, 'id'));
  },

  products(_, args, context) {
    const filter = {
      categoryId: optionalId(args.categoryId, 'categoryId'),
      isActive: args.isActive ?? null,
      search: searchTerm(args.search),
    };
    return context.products().page(filter, pageRequest(args.first, args.after));
  },

  category(_, args, context) {
    return context.categories().byId.load(parseId(args.id, 'id'));
  },

  categories(_, args, context) {
    // `first` is checked as for every list; the cursor is the categories' own (position, id).
    const { take } = pageRequest(args.first, null);
    return context.categories().page({ take, after: args.after ? decodeCategoryCursor(args.after) : null });
  },
};
