import type { GraphQLResolverMap } from '@reservations/platform/subgraph/build-schema';
import type { ReservationContext } from '../context';
import { DateScalar, DateTimeScalar } from '../scalars';
import { CustomerResolvers } from './Customer';
import { MutationResolvers } from './Mutation';
import { QueryResolvers } from './Query';
import { ReservationResolvers } from './Reservation';
import { ReservationSettingsResolvers } from './ReservationSettings';

export const resolvers: GraphQLResolverMap<ReservationContext> = {
  DateTime: DateTimeScalar,
  Date: DateScalar,
  Query: QueryResolvers,
  Mutation: MutationResolvers,
  Reservation: ReservationResolvers,
  Customer: CustomerResolvers,
  ReservationSettings: ReservationSettingsResolvers,
};
