import { applyEntityCacheHint } from '@reservations/platform/graphql/cache-control';
import { pageRequest, toConnection } from '@reservations/platform/graphql/pagination';
import type { CategoryResolvers } from '../generated/graphql';

export const Category: CategoryResolvers = {
  /** Batched through the request's loader: N references cost one query. */
  __resolveReference(reference, context, info) {
    applyEntityCacheHint(info, 'Category');
    return context.categories().byId.load(reference.id);
  },

  /** Batched across every category in the response (see ProductStore.inCategory). */
  async products(category, args, context) {
    const page = pageRequest(args.first, args.after);
    const isActive = args.isActive ?? null;
    const products = context.products();
    const rows = await products.inCategory.load({ categoryId: category.id, isActive, page });
    return toConnection(rows, page, () => products.countInCategory.load({ categoryId: category.id, isActive }));
  },
};
