import { collectFields, collectSubfields } from 'graphql/execution/collectFields';
import { isObjectType, type FieldNode, type GraphQLObjectType, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { FieldCost } from './cost-directives';
import type { OperationAnalysis } from './operation-analysis';

/** One field of an object's collected fields, with what counting its values needs, worked out once per request. */
interface Entry {
  responseName: string;
  nodes: readonly FieldNode[];
  info: FieldCost;
  argumentsCost: number;
}

/**
 * The cost of a response as Apollo Router's "actual" cost counts it: every object in the data
 * costs its weight (1 unless `@cost` says otherwise), leaves and nulls their `@cost` or nothing,
 * plus each field's arguments. The fields of each object are collected as execution does
 * (graphql-js's collectFields: a fragment spread twice is visited once), and remembered per
 * selection and type with their costs, so the walk is linear in the response and looks nothing
 * up per value.
 */
export function actualCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  analysis: OperationAnalysis,
  data: unknown,
): number {
  const rootType = schema.getRootType(operation.operation);
  if (!rootType || typeof data !== 'object' || data === null) return 0;
  const { fragments } = analysis;
  const entriesOf = (type: GraphQLObjectType, fields: Map<string, readonly FieldNode[]>): Entry[] => {
    const entries: Entry[] = [];
    for (const [responseName, nodes] of fields) {
      const node = nodes[0]!;
      const definition = type.getFields()[node.name.value];
      if (!definition) continue; // __typename
      const argumentsCost = node.arguments?.length ? analysis.argumentsCost(type.name, definition, node) : 0;
      entries.push({ responseName, nodes, info: analysis.directives.field(type.name, definition), argumentsCost });
    }
    return entries;
  };
  const subfields = new WeakMap<readonly FieldNode[], Map<string, Entry[]>>();
  const entriesBelow = (nodes: readonly FieldNode[], type: GraphQLObjectType): Entry[] => {
    let byType = subfields.get(nodes);
    if (!byType) subfields.set(nodes, (byType = new Map()));
    let entries = byType.get(type.name);
    if (!entries) byType.set(type.name, (entries = entriesOf(type, collectSubfields(schema, fragments, variables, type, nodes))));
    return entries;
  };

  let cost = 0;
  const visitObject = (entries: readonly Entry[], value: Record<string, unknown>): void => {
    for (const entry of entries) {
      cost += entry.argumentsCost;
      visitValue(entry, value[entry.responseName]);
    }
  };
  const visitValue = (entry: Entry, value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visitValue(entry, item);
      return;
    }
    const { info } = entry;
    if (value === null || typeof value !== 'object') {
      cost += info.leafWeight;
      return;
    }
    cost += info.weight;
    const record = value as Record<string, unknown>;
    const runtime = info.objectType ?? (typeof record.__typename === 'string' ? schema.getType(record.__typename) : undefined);
    if (runtime && isObjectType(runtime)) visitObject(entriesBelow(entry.nodes, runtime), record);
  };

  visitObject(entriesOf(rootType, collectFields(schema, fragments, variables, rootType, operation.selectionSet)), data as Record<string, unknown>);
  return cost;
}
