import { createHash } from 'node:crypto';
import type { ApolloGateway, GraphQLDataSource } from '@apollo/gateway';
import { Schema } from '@apollo/federation-internals';
import { QueryPlanner } from '@apollo/query-planner';
import type { GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';

/**
 * What @apollo/gateway 2.14 keeps privately and the gateway reads: admission plans with its
 * planner before execution (security/entity-fetches), and the gateway's own executor runs the
 * plans over its schemas and data sources (execution/native-execution). The one place that
 * knows these fields: an upgrade of @apollo/gateway is checked here.
 */
export interface LoadedGateway {
  /** Replaced, with everything below, when the supergraph changes. */
  planner: QueryPlanner;
  apiSchema: Schema;
  supergraphSchema: GraphQLSchema;
  services: Readonly<Record<string, GraphQLDataSource>>;
  /** Apollo's executor answers the `Apollo-Query-Plan-Experimental` header (outside production). */
  exposesQueryPlans: boolean;
}

interface Internals {
  queryPlanner?: unknown;
  apiSchema?: unknown;
  supergraphSchema?: GraphQLSchema;
  serviceMap?: Record<string, { dataSource: GraphQLDataSource }>;
  config?: { __exposeQueryPlanExperimental?: boolean };
}

const loaded = new WeakMap<QueryPlanner, LoadedGateway>();

/** Null until the gateway has loaded its supergraph. */
export function loadedGateway(gateway: ApolloGateway): LoadedGateway | null {
  const internals = gateway as unknown as Internals;
  const { queryPlanner, apiSchema, supergraphSchema, serviceMap } = internals;
  if (!(queryPlanner instanceof QueryPlanner) || !(apiSchema instanceof Schema) || !supergraphSchema || !serviceMap) return null;
  let known = loaded.get(queryPlanner);
  if (!known) {
    known = {
      planner: queryPlanner,
      apiSchema,
      supergraphSchema,
      services: Object.fromEntries(Object.entries(serviceMap).map(([name, { dataSource }]) => [name, dataSource])),
      exposesQueryPlans: internals.config?.__exposeQueryPlanExperimental === true,
    };
    loaded.set(queryPlanner, known);
  }
  return known;
}

/**
 * What is derived per operation from the loaded supergraph's plans and schemas, emptied when
 * the gateway loads another supergraph: derived from the old one, it no longer holds.
 */
export class PerSupergraphCache<V extends NonNullable<unknown>> {
  private planner: QueryPlanner | null = null;
  private readonly entries: LRUCache<string, V>;

  constructor(max: number) {
    this.entries = new LRUCache<string, V>({ max });
  }

  /** The entries for `loaded`'s supergraph. */
  of(loaded: LoadedGateway): LRUCache<string, V> {
    if (loaded.planner !== this.planner) {
      this.planner = loaded.planner;
      this.entries.clear();
    }
    return this.entries;
  }
}

/** Operations whose plan keys are remembered: admission and execution both key every request. */
const planKeys = new LRUCache<string, string>({ max: 2_000 });

/** The key @apollo/gateway 2.14's executor looks a plan up by (a miss only costs it a second planning). */
export function planKey(queryHash: string, operationName: string | null): string {
  if (!operationName) return queryHash;
  const pair = `${queryHash}\n${operationName}`;
  let key = planKeys.get(pair);
  if (key === undefined) planKeys.set(pair, (key = createHash('sha256').update(queryHash).update(operationName).digest('hex')));
  return key;
}
