import type { ApolloGateway } from '@apollo/gateway';
import type { QueryPlan, QueryPlanCache } from '@apollo/query-planner';
import type {
  GatewayExecutionResult,
  GatewayExecutor,
  GatewayGraphQLRequestContext,
  GatewayInterface,
  GatewayLoadResult,
  GatewaySchemaLoadOrUpdateCallback,
  GatewayUnsubscriber,
} from '@apollo/server-gateway-interface';
import { getVariableValues, type GraphQLSchema } from 'graphql';
import { loadedGateway, PerSupergraphCache, planKey, type LoadedGateway } from '../apollo-gateway-internals';
import { fragmentsOf, variableDefaults } from '../operation-document';
import { coalescableFetches } from './entity-fetch-coalescing';
import { executablePlan, executePrepared, type PreparedOperation } from './plan-execution';
import { compileResultShaper } from './result-shaping';

/** Operations whose prepared execution is remembered, as many as admission remembers plans for. */
const REMEMBERED_OPERATIONS = 2_000;

/** Remembered for an operation only Apollo's executor runs, so it is not examined again. */
const APOLLO_ONLY = 'apollo-only';

/**
 * Apollo Gateway with the gateway's own executor for the query plans Apollo's planner makes
 * (QUERY_PLAN_EXECUTOR=native): each operation's result shaping is compiled once, and merging
 * runs without @apollo/federation-internals' abstractions, for the same answers at a fraction
 * of the CPU (docs/benchmarks.md, scenario 9). Planning, plan caching, subgraph data sources
 * and schema loading stay Apollo's. A request goes to Apollo's executor when its plan is not
 * cached yet (Apollo plans and files it), when the plan holds what only Apollo's executor runs
 * (subscriptions, @defer, data rewrites), when the operation asks for introspection beyond
 * `__typename`, when usage reporting captures its trace, or when it asks to see its plan.
 */
export class NativePlanExecution implements GatewayInterface {
  private readonly prepared = new PerSupergraphCache<PreparedOperation | typeof APOLLO_ONLY>(REMEMBERED_OPERATIONS);

  constructor(
    private readonly gateway: ApolloGateway,
    /** The plan cache the gateway was given (`queryPlannerConfig.cache`): plans are read, never made, here. */
    private readonly plans: QueryPlanCache,
    private readonly options: {
      /** False: every plan runs on Apollo's executor (QUERY_PLAN_EXECUTOR=apollo), still counted. */
      native: boolean;
      /** Identical entity fetches starting together share one subgraph request (COALESCE_ENTITY_FETCHES). */
      coalesceEntityFetches: boolean;
      executed: (executor: 'native' | 'apollo') => void;
    },
  ) {}

  async load(options: Parameters<ApolloGateway['load']>[0]): Promise<GatewayLoadResult> {
    const loaded = await this.gateway.load(options);
    const apollo = loaded.executor;
    if (!apollo) return loaded;
    const executor: GatewayExecutor = (requestContext) => this.execute(requestContext, apollo);
    return { ...loaded, executor };
  }

  onSchemaLoadOrUpdate(callback: GatewaySchemaLoadOrUpdateCallback): GatewayUnsubscriber {
    return this.gateway.onSchemaLoadOrUpdate(callback);
  }

  stop(): Promise<void> {
    return this.gateway.stop();
  }

  private async execute(requestContext: GatewayGraphQLRequestContext, apollo: GatewayExecutor): Promise<GatewayExecutionResult> {
    const ready = this.options.native ? await this.preparedFor(requestContext) : null;
    this.options.executed(ready ? 'native' : 'apollo');
    if (!ready) return apollo(requestContext);
    // Apollo Server leaves variable coercion to the gateway's executor; Apollo's refuses bad values so.
    const definitions = requestContext.operation.variableDefinitions;
    if (definitions?.length) {
      const { errors } = getVariableValues(requestContext.schema, definitions, requestContext.request.variables ?? {});
      if (errors) return { errors };
    }
    return executePrepared(ready.prepared, ready.services, requestContext);
  }

  private async preparedFor(
    requestContext: GatewayGraphQLRequestContext,
  ): Promise<{ prepared: PreparedOperation; services: LoadedGateway['services'] } | null> {
    if (requestContext.metrics.captureTraces) return null;
    const loaded = loadedGateway(this.gateway);
    if (!loaded) return null;
    if (loaded.exposesQueryPlans && requestContext.request.http?.headers.get('apollo-query-plan-experimental')) return null;
    const remembered = this.prepared.of(loaded);
    const key = planKey(requestContext.queryHash, requestContext.request.operationName ?? null);
    let prepared = remembered.get(key);
    if (prepared === undefined) {
      const plan = await this.plans.get(key);
      if (!plan) return null;
      prepared = prepare(plan, requestContext, loaded.supergraphSchema, { coalesce: this.options.coalesceEntityFetches }) ?? APOLLO_ONLY;
      remembered.set(key, prepared);
    }
    return prepared === APOLLO_ONLY ? null : { prepared, services: loaded.services };
  }
}

function prepare(
  plan: QueryPlan,
  requestContext: GatewayGraphQLRequestContext,
  supergraphSchema: GraphQLSchema,
  { coalesce }: { coalesce: boolean },
): PreparedOperation | null {
  if (plan.node?.kind === 'Subscription' || !executablePlan(plan.node)) return null;
  const shape = compileResultShaper(requestContext.schema, requestContext.operation, fragmentsOf(requestContext.document));
  if (!shape) return null;
  return {
    node: plan.node,
    shape,
    supergraphSchema,
    variableDefaults: variableDefaults(requestContext.operation),
    coalescing: coalesce ? coalescableFetches(plan.node) : new Map(),
  };
}
