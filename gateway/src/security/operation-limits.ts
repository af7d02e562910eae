import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { EnvReader } from '@reservations/platform/config';
import { ErrorCode } from '@reservations/platform/errors';
import type { TenantContext } from '@reservations/platform/tenancy';
import { GatewayErrorCode } from '../errors';
import { actualCost } from './actual-cost';
import type { CostDirectives } from './cost-directives';
import type { EntityFetches } from './entity-fetches';
import { OperationAnalysis, SlicingArgumentError, effectiveVariables } from './operation-analysis';
import { overBudget, rateLimitHeaders, type BudgetState, type TenantBudgets } from './tenant-budget';

export interface OperationLimits {
  maxDepth: number;
  maxAliases: number;
  maxRootFields: number;
  maxCost: number;
}

export function readOperationLimits(reader: EnvReader): OperationLimits {
  return {
    maxDepth: reader.int('MAX_QUERY_DEPTH', 12, { min: 1, max: 100 }),
    maxAliases: reader.int('MAX_QUERY_ALIASES', 30, { min: 0, max: 10_000 }),
    maxRootFields: reader.int('MAX_ROOT_FIELDS', 10, { min: 1, max: 1_000 }),
    maxCost: reader.int('MAX_QUERY_COST', 10_000, { min: 1, max: 10_000_000 }),
  };
}

/** What the estimate is made of: the fields' cost and the plan's entity fetches. */
export interface CostEstimate {
  fields: number;
  entityFetches: number;
  total: number;
}

function tooComplex(limit: keyof OperationLimits, max: number, actual: number): GraphQLError {
  return new GraphQLError(`Operation exceeds ${limit} (${actual} > ${max})`, {
    extensions: {
      code: GatewayErrorCode.OperationLimitExceeded,
      limit,
      max,
      actual,
      // Apollo Router's name for the same refusal, for clients that know it.
      ...(limit === 'maxCost' ? { costResult: 'COST_ESTIMATED_TOO_EXPENSIVE' } : {}),
      http: { status: 400 },
    },
  });
}

export interface Admission {
  analysis: OperationAnalysis;
  variables: Record<string, unknown>;
  estimate: CostEstimate;
}

/**
 * Depth, aliases, root fields and estimated cost, each in time linear in the document
 * (fragments included), refused before anything is planned or sent. The plan's entity fetches
 * are added to the fields' cost only when the fields alone fit.
 */
export async function admitOperation(
  schema: GraphQLSchema,
  directives: CostDirectives,
  entityFetches: EntityFetches | null,
  request: {
    document: DocumentNode;
    operation: OperationDefinitionNode;
    variables: Readonly<Record<string, unknown>>;
    queryHash: string;
    /** As the client sent it (it keys the plan). */
    operationName: string | null;
  },
  limits: OperationLimits,
): Promise<Admission> {
  const variables = effectiveVariables(request.operation, request.variables);
  const analysis = new OperationAnalysis(schema, directives, request.document, request.operation, variables);
  let measure;
  try {
    measure = analysis.measure();
  } catch (error) {
    if (error instanceof SlicingArgumentError) {
      throw new GraphQLError(error.message, { extensions: { code: ErrorCode.BadUserInput, field: error.coordinate, http: { status: 400 } } });
    }
    // Only nesting deeper than the stack gets here, far beyond any depth limit.
    if (error instanceof RangeError) throw tooComplex('maxDepth', limits.maxDepth, Number.POSITIVE_INFINITY);
    throw error;
  }
  if (measure.rootFields > limits.maxRootFields) throw tooComplex('maxRootFields', limits.maxRootFields, measure.rootFields);
  if (measure.depth > limits.maxDepth) throw tooComplex('maxDepth', limits.maxDepth, measure.depth);
  if (measure.aliases > limits.maxAliases) throw tooComplex('maxAliases', limits.maxAliases, measure.aliases);
  if (measure.cost > limits.maxCost) throw tooComplex('maxCost', limits.maxCost, measure.cost);
  let entityCost = 0;
  for (const path of (await entityFetches?.paths(request)) ?? []) entityCost += analysis.instancesAt(path);
  const total = measure.cost + entityCost;
  if (total > limits.maxCost) throw tooComplex('maxCost', limits.maxCost, total);
  return { analysis, variables, estimate: { fields: measure.cost, entityFetches: entityCost, total } };
}

export interface DemandControlOptions {
  limits: OperationLimits;
  directives: CostDirectives;
  entityFetches: EntityFetches | null;
  budgets: TenantBudgets;
  /** Called once per admitted operation with its estimated and actual cost. */
  recordCost(estimated: number, actual: number): void;
}

/**
 * Admission: the operation limits and cost estimate (refused with 400 OPERATION_LIMIT_EXCEEDED),
 * then the tenant's cost budget (refused with 429 RATE_LIMITED). Every response to a request
 * with a tenant carries the RateLimit fields, and every executed one `extensions.cost`.
 */
export function demandControlPlugin<TContext extends TenantContext>(options: DemandControlOptions): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      let admission: Admission | null = null;
      let budget: BudgetState | null = null;
      return {
        async didResolveOperation({ schema, document, operation, request, queryHash, contextValue }) {
          if (!operation) return;
          admission = await admitOperation(
            schema,
            options.directives,
            options.entityFetches,
            { document, operation, variables: request.variables ?? {}, queryHash, operationName: request.operationName ?? null },
            options.limits,
          );
          if (contextValue.tenantId === null) return;
          budget = await options.budgets.charge(contextValue.tenantId, admission.estimate.total);
          if (budget && !budget.admitted) throw overBudget(budget);
        },
        async willSendResponse({ response, schema, operation, contextValue }) {
          // A request refused before its operation was resolved (unparsable, invalid) is charged
          // nothing, but its answer still tells the tenant where its budget stands.
          if (!budget && contextValue.tenantId !== null) budget = await options.budgets.charge(contextValue.tenantId, 0);
          if (budget) for (const [name, value] of Object.entries(rateLimitHeaders(budget))) response.http.headers.set(name, value);
          if (!admission || !operation || response.body.kind !== 'single' || budget?.admitted === false) return;
          const result = response.body.singleResult;
          const actual = actualCost(schema, operation, admission.variables, admission.analysis, result.data);
          const estimated = admission.estimate.total;
          options.recordCost(estimated, actual);
          result.extensions = { ...result.extensions, cost: { estimated, actual } };
        },
      };
    },
  };
}
