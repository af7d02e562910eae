/**
 * What the resolvers of each GraphQL type receive as their parent (GraphQL Code Generator's
 * mappers, see codegen.ts): the Prisma rows and the stores' connections, not the schema's
 * own object types.
 */
import type { Connection } from '@reservations/platform/graphql/pagination';
import type { Category } from './data/categories';
import type { Customer } from './data/customers';
import type { Product } from './data/products';

export type CustomerModel = Customer;
export type CategoryModel = Category;
export type ProductModel = Product;
export type CustomerConnectionModel = Connection<Customer>;
export type CategoryConnectionModel = Connection<Category>;
export type ProductConnectionModel = Connection<Product>;
