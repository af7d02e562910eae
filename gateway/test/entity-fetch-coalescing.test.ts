import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import { QueryPlanner, type FetchNode, type PlanNode } from '@apollo/query-planner';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { parse } from 'graphql';
import { composeHeavySupergraph, HEAVY_QUERY } from '../../bench/heavy/subgraphs';
import { coalescableFetches, entitiesPart } from '../src/execution/entity-fetch-coalescing';

/**
 * Which of a plan's fetches may share a subgraph request, and how a shared answer is split
 * back. The whole path, against Apollo's executor, is gateway/test/plan-execution.test.ts;
 * these are the cases its subgraphs cannot produce (errors at no entity beside data, indexes
 * past the end, answers of the wrong length).
 */

/** The storefront supergraph's plan for `query` (a query: never a subscription). */
function storefrontPlan(query: string): PlanNode | undefined {
  const supergraph = Supergraph.build(composeHeavySupergraph((name) => `http://127.0.0.1:1/${name}`));
  const { node } = new QueryPlanner(supergraph).buildQueryPlan(operationFromDocument(supergraph.schema, parse(query)));
  if (node?.kind === 'Subscription') throw new Error('a query planned as a subscription');
  return node;
}

describe('coalescableFetches', () => {
  test('groups the fetches asking one subgraph the same question, whatever their operation names', () => {
    const groups = new Map<string, FetchNode[]>();
    for (const [fetch, key] of coalescableFetches(storefrontPlan(HEAVY_QUERY))) groups.set(key, [...(groups.get(key) ?? []), fetch]);
    const described = [...groups.values()].map((fetches) => ({
      subgraph: fetches[0]!.serviceName,
      names: new Set(fetches.map((fetch) => fetch.operationName)).size,
      fetches: fetches.length,
    }));
    // inStock twice, shippingEstimate twice (inventory); name, price and weight twice (products);
    // a user's name twice (accounts: grouped, though its two fetches seldom start together).
    expect(described).toEqual([
      { subgraph: 'inventory', names: 2, fetches: 2 },
      { subgraph: 'products', names: 2, fetches: 2 },
      { subgraph: 'inventory', names: 2, fetches: 2 },
      { subgraph: 'accounts', names: 2, fetches: 2 },
    ]);
  });

  test('leaves out a question asked once, and root fetches', () => {
    const plan = storefrontPlan('{ topProducts(first: 2) { upc name inStock } users { id name } }');
    expect(coalescableFetches(plan).size).toBe(0);
  });
});

describe('entitiesPart', () => {
  const error = (message: string, path?: (string | number)[]) => ({ message, ...(path ? { path } : {}) });
  // Three members sent 2, 3 and 1 representations: entities 0-1, 2-4 and 5.
  const counts = [2, 3, 1];
  const answer: GatewayGraphQLResponse = {
    data: { _entities: ['a0', 'a1', 'b0', 'b1', 'b2', 'c0'] },
    errors: [
      error('at b1', ['_entities', 3, 'name']),
      error('no path'),
      error('at the field', ['_entities']),
      error('past the end', ['_entities', 9]),
    ],
    extensions: { note: 'kept' },
  };

  test('gives each member its entities and the errors at them, indexed from its own first', () => {
    const middle = entitiesPart(answer, counts, 1);
    expect(middle.data).toEqual({ _entities: ['b0', 'b1', 'b2'] });
    expect(middle.errors).toEqual([error('at b1', ['_entities', 1, 'name']), error('no path'), error('at the field', ['_entities'])]);
    expect(middle.extensions).toEqual({ note: 'kept' });
  });

  test('gives an error at no entity to every member, and one past the end to the last, still past its end', () => {
    expect(entitiesPart(answer, counts, 0).errors).toEqual([error('no path'), error('at the field', ['_entities'])]);
    expect(entitiesPart(answer, counts, 2)).toMatchObject({
      data: { _entities: ['c0'] },
      errors: [error('no path'), error('at the field', ['_entities']), error('past the end', ['_entities', 4])],
    });
  });

  test('a member without errors gets none', () => {
    expect(entitiesPart({ data: { _entities: [1, 2, 3] } }, [1, 2], 0)).toEqual({ data: { _entities: [1] }, errors: undefined });
  });

  test('an answer without one entity per representation goes whole to each member', () => {
    const short: GatewayGraphQLResponse = { data: { _entities: ['a0', 'a1'] }, errors: [error('at a1', ['_entities', 1])] };
    const missing: GatewayGraphQLResponse = { data: null, errors: [error('failed')] };
    for (const index of [0, 1, 2]) {
      expect(entitiesPart(short, counts, index)).toBe(short);
      expect(entitiesPart(missing, counts, index)).toBe(missing);
    }
  });
});
