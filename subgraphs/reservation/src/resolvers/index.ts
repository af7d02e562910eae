import { DateTime } from '@reservations/platform/graphql/date-time';
import type { GraphQLResolverMap } from '@reservations/platform/subgraph/build-schema';
import type { ReservationContext } from '../context';
import { CustomerResolvers } from './Customer';
import { MutationResolvers } from './Mutation';
import { QueryResolvers } from './Query';
import { ReservationResolvers } from './Reservation';

export const resolvers: GraphQLResolverMap<ReservationContext> = {
  DateTime,
  Query: QueryResolvers,
  Mutation: MutationResolvers,
  Reservation: ReservationResolvers,
  Customer: CustomerResolvers,
};
