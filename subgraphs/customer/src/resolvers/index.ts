import type { GraphQLResolverMap } from '@reservations/platform/subgraph/build-schema';
import { DateTime } from '@reservations/platform/graphql/date-time';
import type { CustomerContext } from '../context';
import { CategoryResolvers } from './Category';
import { CustomerResolvers } from './Customer';
import { MutationResolvers } from './Mutation';
import { ProductResolvers } from './Product';
import { QueryResolvers } from './Query';

/**
 * GraphQLResolverMap types every member as a field resolver (source, args, context, info), but
 * federation calls `__resolveReference(reference, context, info)`; entity resolvers that read
 * `info` (for cache hints) are therefore bridged with this cast, checked nowhere else.
 */
type TypeResolvers = GraphQLResolverMap<CustomerContext>[string];
const entity = (resolvers: object): TypeResolvers => resolvers as TypeResolvers;

export const resolvers: GraphQLResolverMap<CustomerContext> = {
  DateTime,
  Query: QueryResolvers,
  Mutation: MutationResolvers,
  Customer: entity(CustomerResolvers),
  Category: entity(CategoryResolvers),
  Product: entity(ProductResolvers),
};
