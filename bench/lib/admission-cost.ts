import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ApolloGateway } from '@apollo/gateway';
import type { QueryPlan } from '@apollo/query-planner';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import { Kind, parse, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { REPO_ROOT } from '@reservations/platform/config';
import { createLogger } from '@reservations/platform/logger';
import { HEAVY_QUERY, heavyQueryData } from '@reservations/test-support/heavy-query';
import { actualCost, admitOperation, CostDirectives, EntityFetches, readOperationLimits } from '@reservations/gateway/admission';
import { EnvReader } from '@reservations/platform/config';
import { percentile } from './load';

export interface AdmissionTiming {
  name: string;
  operations: number;
  seconds: number;
  p50Ms: number;
  p95Ms: number;
  meanMs: number;
}

/** `levels` fragments, each selecting a list of objects and spreading the next one twice. */
export function fragmentFanOut(levels: number): string {
  let document = 'query FanOut { customer(id: "0193a5d2-0000-7000-8000-000000000001") { ...F0 } }\n';
  for (let i = 0; i < levels; i++)
    document += `fragment F${i} on Customer { name reservations { id } ${i + 1 < levels ? `...F${i + 1} ...F${i + 1}` : ''} }\n`;
  return document;
}

interface Case {
  name: string;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  /** Response data whose actual cost is counted after execution; null when refused. */
  data: Record<string, unknown> | null;
}

function caseOf(name: string, query: string, data: Record<string, unknown> | null): Case {
  const document = parse(query);
  const operation = document.definitions.find((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION)!;
  return { name, document, operation, data };
}

/**
 * What admission costs per request, in this process: the gateway's limits and cost estimate
 * (plans of entity fetches remembered, as in the gateway), the tenant budget left out (a Redis
 * round trip), and the actual cost counted from the response. Parsing and validation are
 * Apollo Server's and not included. Cases alternate in blocks so drift hits all alike.
 */
export async function measureAdmission(operations: number): Promise<AdmissionTiming[]> {
  const supergraphSdl = readFileSync(path.join(REPO_ROOT, 'supergraph.graphql'), 'utf8');
  const plans = new InMemoryLRUCache<QueryPlan>();
  const gateway = new ApolloGateway({ supergraphSdl, logger: createLogger('bench', 'silent'), queryPlannerConfig: { cache: plans } });
  const { schema } = await gateway.load();
  try {
    const directives = CostDirectives.fromSupergraph(supergraphSdl);
    const entityFetches = new EntityFetches(gateway, plans);
    const limits = readOperationLimits(new EnvReader({}));
    const cases = [
      caseOf('{ __typename }', '{ __typename }', { __typename: 'Query' }),
      caseOf('customer(id:)', 'query Customer($id: ID!) { customer(id: $id) { id name email phone } }', {
        customer: { id: 'a', name: 'b', email: 'c', phone: null },
      }),
      caseOf('fragment fan-out, 32 levels (refused)', fragmentFanOut(32), null),
      caseOf('honest query, ~100 KB answer', HEAVY_QUERY, heavyQueryData()),
    ];
    const admit = async (item: Case): Promise<void> => {
      let admission;
      try {
        const request = { document: item.document, operation: item.operation, variables: { id: 'a' }, queryHash: item.name, operationName: null };
        admission = await admitOperation(schema, directives, entityFetches, request, limits);
      } catch (error) {
        if (item.data !== null) throw error;
        return;
      }
      if (item.data !== null) actualCost(schema, item.operation, admission.variables, admission.analysis, item.data);
    };
    const latencies = new Map<string, number[]>(cases.map((item) => [item.name, []]));
    const seconds = new Map<string, number>(cases.map((item) => [item.name, 0]));
    for (const item of cases) for (let i = 0; i < 50; i++) await admit(item); // warm-up, plans remembered
    const block = 100;
    for (let done = 0; done < operations; done += block) {
      for (const item of cases) {
        const into = latencies.get(item.name)!;
        const started = performance.now();
        for (let i = 0; i < block; i++) {
          const before = performance.now();
          await admit(item);
          into.push(performance.now() - before);
        }
        seconds.set(item.name, seconds.get(item.name)! + (performance.now() - started) / 1000);
      }
    }
    return cases.map((item) => {
      const sorted = latencies.get(item.name)!.sort((a, b) => a - b);
      return {
        name: item.name,
        operations: sorted.length,
        seconds: seconds.get(item.name)!,
        p50Ms: percentile(sorted, 50),
        p95Ms: percentile(sorted, 95),
        meanMs: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
      };
    });
  } finally {
    await gateway.stop();
  }
}
