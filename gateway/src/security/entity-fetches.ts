import type { ApolloGateway } from '@apollo/gateway';
import { operationFromDocument } from '@apollo/federation-internals';
import type { PlanNode, QueryPlan, QueryPlanCache, ResponsePath } from '@apollo/query-planner';
import type { DocumentNode } from 'graphql';
import { loadedGateway, PerSupergraphCache, planKey } from '../apollo-gateway-internals';

/** Operations whose plans' entity fetches are remembered (plans do not depend on variables). */
const REMEMBERED_OPERATIONS = 2_000;

/**
 * The entity fetches (`_entities` calls: a Fetch under a Flatten) of the query plan the
 * gateway will execute, as the response paths they fill. @apollo/gateway offers no awaitable
 * hook between planning and execution, so admission plans first, with the gateway's own
 * planner (not public: see apollo-gateway-internals), and files the plan in the plan cache the
 * gateway was given (`queryPlannerConfig.cache`) under the gateway's key: each operation is
 * still planned once, and executed by the very plan that was costed.
 */
export class EntityFetches {
  private readonly remembered = new PerSupergraphCache<readonly ResponsePath[]>(REMEMBERED_OPERATIONS);

  constructor(
    private readonly gateway: ApolloGateway,
    private readonly plans: QueryPlanCache,
  ) {}

  /** Null while the gateway has no planner (not loaded yet). */
  async paths(request: { queryHash: string; operationName: string | null; document: DocumentNode }): Promise<readonly ResponsePath[] | null> {
    const loaded = loadedGateway(this.gateway);
    if (!loaded) return null;
    const remembered = this.remembered.of(loaded);
    const key = planKey(request.queryHash, request.operationName);
    const known = remembered.get(key);
    if (known) return known;
    let plan: QueryPlan | undefined = await this.plans.get(key);
    if (!plan) {
      try {
        plan = loaded.planner.buildQueryPlan(
          operationFromDocument(loaded.apiSchema, request.document, { operationName: request.operationName ?? undefined }),
        );
      } catch {
        // The gateway plans the same operation next and reports the same failure to the client.
        return [];
      }
      await this.plans.set(key, plan);
    }
    const paths: ResponsePath[] = [];
    if (plan.node && plan.node.kind !== 'Subscription') collectEntityFetches(plan.node, paths);
    remembered.set(key, paths);
    return paths;
  }
}

/** Every branch counts: a Condition's unchosen branch is an upper bound, like Apollo's. */
function collectEntityFetches(node: PlanNode, into: ResponsePath[]): void {
  switch (node.kind) {
    case 'Sequence':
    case 'Parallel':
      for (const child of node.nodes) collectEntityFetches(child, into);
      return;
    case 'Flatten':
      if (node.node.kind === 'Fetch') into.push(node.path);
      else collectEntityFetches(node.node, into);
      return;
    case 'Condition':
      if (node.ifClause) collectEntityFetches(node.ifClause, into);
      if (node.elseClause) collectEntityFetches(node.elseClause, into);
      return;
    case 'Defer':
      if (node.primary.node) collectEntityFetches(node.primary.node, into);
      for (const deferred of node.deferred) if (deferred.node) collectEntityFetches(deferred.node, into);
      return;
    case 'Fetch':
      return;
  }
}
