import type { Resolvers } from '../generated/graphql';
import { DateScalar, DateTimeScalar } from '../scalars';
import { Customer } from './Customer';
import { Mutation } from './Mutation';
import { Query } from './Query';
import { Reservation } from './Reservation';
import { ReservationSettings } from './ReservationSettings';

/** Typed from schema.graphql (src/generated/graphql.ts): a resolver the schema no longer matches fails typecheck. */
export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Date: DateScalar,
  Query,
  Mutation,
  Reservation,
  Customer,
  ReservationSettings,
};
