// Hand-written: Apollo's planner gives each path its own entity fetch, and @apollo/gateway has no way to send identical ones together.
import type { FetchNode, PlanNode } from '@apollo/query-planner';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { OperationTypeNode, type GraphQLFormattedError } from 'graphql';

/**
 * The entity fetches of a plan that ask one subgraph for the same selection, by a key they
 * share; fetches whose selection no other fetch asks for are left out. Apollo's planner gives
 * each path its own fetch, so a page reaching one entity type along two paths asks a subgraph
 * the same `_entities` question twice, in the same moment (the branches of a Parallel). Such
 * fetches go out as one request (plan-execution's `requestEntities`): fewer subgraph calls, and
 * an entity both paths reach is resolved once. Only queries: a mutation's run one by one anyway.
 */
export function coalescableFetches(node: PlanNode | undefined): Map<FetchNode, string> {
  const byKey = new Map<string, FetchNode[]>();
  const visit = (current: PlanNode | undefined): void => {
    if (!current) return;
    switch (current.kind) {
      case 'Sequence':
      case 'Parallel':
        current.nodes.forEach(visit);
        return;
      case 'Flatten':
        visit(current.node);
        return;
      case 'Condition':
        visit(current.ifClause);
        visit(current.elseClause);
        return;
      case 'Fetch': {
        if (!current.requires || current.operationKind !== OperationTypeNode.QUERY) return;
        // The planner names each fetch's operation apart (`Page__inventory__2`): the name is no part of the question.
        const question = current.operationName ? current.operation.replace(current.operationName, '') : current.operation;
        const key = `${current.serviceName}\n${(current.variableUsages ?? []).join(',')}\n${question}`;
        const fetches = byKey.get(key);
        if (fetches) fetches.push(current);
        else byKey.set(key, [current]);
        return;
      }
      default:
        return;
    }
  };
  visit(node);
  const coalescing = new Map<FetchNode, string>();
  for (const [key, fetches] of byKey) if (fetches.length > 1) for (const fetch of fetches) coalescing.set(fetch, key);
  return coalescing;
}

/**
 * Member `index`'s part of a coalesced request's answer, the members having sent `counts`
 * representations one after another: its slice of `_entities`, the errors at its entities
 * (their index made its own), and every error at no entity, which each member would have got
 * had it gone alone. An answer whose `_entities` does not have one entry per representation is
 * given whole to each, whose own check then fails as it would alone.
 */
export function entitiesPart(response: GatewayGraphQLResponse, counts: readonly number[], index: number): GatewayGraphQLResponse {
  let start = 0;
  for (let i = 0; i < index; i++) start += counts[i]!;
  const end = start + counts[index]!;
  const total = counts.reduce((sum, count) => sum + count, 0);
  const entities: unknown = response.data?._entities;
  if (!Array.isArray(entities) || entities.length !== total) return response;
  const last = index === counts.length - 1;
  let errors: GraphQLFormattedError[] | undefined;
  for (const error of response.errors ?? []) {
    const at = error.path?.[1];
    if (typeof at === 'number' && Number.isInteger(at) && at >= 0) {
      // An index past the end stays past this member's end, as it would have alone.
      if (at < start || (at >= end && !last)) continue;
      (errors ??= []).push({ ...error, path: [error.path![0]!, at - start, ...error.path!.slice(2)] });
    } else {
      (errors ??= []).push(error);
    }
  }
  return { ...response, data: { ...response.data, _entities: entities.slice(start, end) }, errors };
}
