import type { GraphQLResolveInfo } from 'graphql';
import { applyEntityCacheHint } from '@reservations/platform/graphql/cache-control';
import { pageRequest, toConnection, type Connection } from '@reservations/platform/graphql/pagination';
import type { CustomerContext } from '../context';
import type { Category } from '../data/categories';
import type { Product } from '../data/products';

export const CategoryResolvers = {
  /** Batched through the request's loader: N references cost one query. */
  __resolveReference(reference: { id: string }, context: CustomerContext, info: GraphQLResolveInfo): Promise<Category | null> {
    applyEntityCacheHint(info, 'Category');
    return context.categories().byId.load(reference.id);
  },

  /** Batched across every category in the response (see ProductStore.inCategory). */
  async products(
    category: Category,
    args: { isActive?: boolean | null; first?: number | null; after?: string | null },
    context: CustomerContext,
  ): Promise<Connection<Product>> {
    const page = pageRequest(args.first, args.after);
    const isActive = args.isActive ?? null;
    const products = context.products();
    const rows = await products.inCategory.load({ categoryId: category.id, isActive, page });
    return toConnection(rows, page, () => products.countInCategory.load({ categoryId: category.id, isActive }));
  },
};
