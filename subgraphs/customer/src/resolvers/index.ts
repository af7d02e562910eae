import type { GraphQLResolverMap } from '@reservations/platform/subgraph/build-schema';
import { DateTime } from '@reservations/platform/graphql/date-time';
import type { CustomerContext } from '../context';
import { CustomerResolvers } from './Customer';
import { MutationResolvers } from './Mutation';
import { QueryResolvers } from './Query';

export const resolvers: GraphQLResolverMap<CustomerContext> = {
  DateTime,
  Query: QueryResolvers,
  Mutation: MutationResolvers,
  Customer: CustomerResolvers,
};
