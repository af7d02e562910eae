import { collectFields, collectSubfields } from 'graphql/execution/collectFields';
import {
  Kind,
  isObjectType,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { OperationAnalysis } from './operation-analysis';

type Fields = Map<string, readonly FieldNode[]>;

/**
 * The cost of a response as Apollo Router's "actual" cost counts it: every object in the data
 * costs its weight (1 unless `@cost` says otherwise), leaves and nulls their `@cost` or nothing,
 * plus each field's arguments. The fields of each object are collected as execution does
 * (graphql-js's collectFields: a fragment spread twice is visited once), and remembered per
 * selection and type, so the walk is linear in the response.
 */
export function actualCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  analysis: OperationAnalysis,
  data: unknown,
): number {
  const rootType = schema.getRootType(operation.operation);
  if (!rootType || typeof data !== 'object' || data === null) return 0;
  const fragments: Record<string, FragmentDefinitionNode> = Object.create(null);
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  }
  const subfields = new WeakMap<readonly FieldNode[], Map<string, Fields>>();
  const fieldsOf = (nodes: readonly FieldNode[], type: GraphQLObjectType): Fields => {
    let byType = subfields.get(nodes);
    if (!byType) subfields.set(nodes, (byType = new Map()));
    let fields = byType.get(type.name);
    if (!fields) byType.set(type.name, (fields = collectSubfields(schema, fragments, variables, type, nodes)));
    return fields;
  };

  let cost = 0;
  const visitObject = (type: GraphQLObjectType, fields: Fields, value: Record<string, unknown>): void => {
    for (const [responseName, nodes] of fields) {
      const node = nodes[0]!;
      const definition = type.getFields()[node.name.value];
      if (!definition) continue; // __typename
      if (node.arguments?.length) cost += analysis.argumentsCost(type.name, definition, node);
      visitValue(type, definition.name, nodes, value[responseName]);
    }
  };
  const visitValue = (parent: GraphQLObjectType, fieldName: string, nodes: readonly FieldNode[], value: unknown): void => {
    const info = analysis.directives.field(parent.name, parent.getFields()[fieldName]!);
    if (Array.isArray(value)) {
      for (const item of value) visitValue(parent, fieldName, nodes, item);
      return;
    }
    if (value === null || typeof value !== 'object') {
      cost += info.leafWeight;
      return;
    }
    cost += info.weight;
    const record = value as Record<string, unknown>;
    const runtime = info.objectType ?? (typeof record.__typename === 'string' ? schema.getType(record.__typename) : undefined);
    if (runtime && isObjectType(runtime)) visitObject(runtime, fieldsOf(nodes, runtime), record);
  };

  visitObject(rootType, collectFields(schema, fragments, variables, rootType, operation.selectionSet), data as Record<string, unknown>);
  return cost;
}
