import { DateTime } from '@reservations/platform/graphql/date-time';
import type { Resolvers } from '../generated/graphql';
import { Category } from './Category';
import { Customer } from './Customer';
import { Mutation } from './Mutation';
import { Product } from './Product';
import { Query } from './Query';

/** Typed from schema.graphql (src/generated/graphql.ts): a resolver the schema no longer matches fails typecheck. */
export const resolvers: Resolvers = { DateTime, Query, Mutation, Customer, Category, Product };
