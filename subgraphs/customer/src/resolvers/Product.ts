import { applyEntityCacheHint } from '@reservations/platform/graphql/cache-control';
import type { ProductResolvers } from '../generated/graphql';

export const Product: ProductResolvers = {
  /** Batched through the request's loader: N references cost one query. */
  __resolveReference(reference, context, info) {
    applyEntityCacheHint(info, 'Product');
    return context.products().byId.load(reference.id);
  },

  /** Batched: a page of N products costs one query for their categories. */
  category(product, _args, context) {
    return product.categoryId === null ? null : context.categories().byId.load(product.categoryId);
  },
};
