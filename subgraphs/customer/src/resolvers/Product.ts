import type { GraphQLResolveInfo } from 'graphql';
import { applyEntityCacheHint } from '@reservations/platform/graphql/cache-control';
import type { CustomerContext } from '../context';
import type { Category } from '../data/categories';
import type { Product } from '../data/products';

export const ProductResolvers = {
  /** Batched through the request's loader: N references cost one query. */
  __resolveReference(reference: { id: string }, context: CustomerContext, info: GraphQLResolveInfo): Promise<Product | null> {
    applyEntityCacheHint(info, 'Product');
    return context.products().byId.load(reference.id);
  },

  /** Batched: a page of N products costs one query for their categories. */
  category(product: Product, _args: unknown, context: CustomerContext): Promise<Category | null> | null {
    return product.categoryId === null ? null : context.categories().byId.load(product.categoryId);
  },
};
