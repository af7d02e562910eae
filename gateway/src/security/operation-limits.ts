import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { EnvReader } from '@reservations/platform/config';
import { ErrorCode } from '@reservations/platform/errors';

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

/** A list field without a `first` argument is assumed to hold this many items. */
const ASSUMED_LIST_SIZE = 10;

interface Measure {
  depth: number;
  aliases: number;
  cost: number;
}

class Analyzer {
  private readonly fragments = new Map<string, FragmentDefinitionNode>();

  constructor(
    private readonly schema: GraphQLSchema,
    document: DocumentNode,
    private readonly variables: Record<string, unknown>,
  ) {
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) this.fragments.set(definition.name.value, definition);
    }
  }

  private firstArgument(field: FieldNode): number | null {
    const argument = field.arguments?.find((candidate) => candidate.name.value === 'first');
    if (!argument) return null;
    if (argument.value.kind === Kind.INT) return Number(argument.value.value);
    if (argument.value.kind === Kind.VARIABLE) {
      const value = this.variables[argument.value.name.value];
      return typeof value === 'number' ? value : null;
    }
    return null;
  }

  /**
   * Depth, aliases and cost of a selection set. Cost counts one per field; a field's subtree
   * is multiplied by its `first` argument, or by ASSUMED_LIST_SIZE when it returns a list
   * that no enclosing `first` already bounded (a connection's `nodes`).
   */
  measure(selectionSet: SelectionSetNode, parent: GraphQLCompositeType | null, bounded: boolean, visiting: Set<string>): Measure {
    const total: Measure = { depth: 0, aliases: 0, cost: 0 };
    for (const selection of selectionSet.selections) {
      let inner: Measure;
      if (selection.kind === Kind.FIELD) {
        const fieldDef = parent && 'getFields' in parent ? parent.getFields()[selection.name.value] : undefined;
        const type = fieldDef?.type;
        const first = this.firstArgument(selection);
        const isList = type !== undefined && isListType(getNullableType(type));
        const multiplier = first ?? (isList && !bounded ? ASSUMED_LIST_SIZE : 1);
        const named = type ? getNamedType(type) : undefined;
        const child = selection.selectionSet
          ? this.measure(selection.selectionSet, named && isCompositeType(named) ? named : null, first !== null, visiting)
          : { depth: 0, aliases: 0, cost: 0 };
        inner = {
          depth: child.depth + 1,
          aliases: child.aliases + (selection.alias ? 1 : 0),
          cost: 1 + Math.max(multiplier, 1) * child.cost,
        };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const typed = selection.typeCondition ? this.schema.getType(selection.typeCondition.name.value) : parent;
        inner = this.measure(selection.selectionSet, typed && isCompositeType(typed) ? typed : parent, bounded, visiting);
      } else {
        const name = selection.name.value;
        const fragment = this.fragments.get(name);
        // A fragment cycle is invalid GraphQL; validation reports it, the analyzer just stops.
        if (!fragment || visiting.has(name)) continue;
        const typed = this.schema.getType(fragment.typeCondition.name.value);
        inner = this.measure(fragment.selectionSet, typed && isCompositeType(typed) ? typed : parent, bounded, new Set(visiting).add(name));
      }
      total.depth = Math.max(total.depth, inner.depth);
      total.aliases += inner.aliases;
      total.cost += inner.cost;
    }
    return total;
  }

  rootFieldCount(selectionSet: SelectionSetNode, visiting = new Set<string>()): number {
    let count = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) count++;
      else if (selection.kind === Kind.INLINE_FRAGMENT) count += this.rootFieldCount(selection.selectionSet, visiting);
      else {
        const fragment = this.fragments.get(selection.name.value);
        if (fragment && !visiting.has(fragment.name.value)) {
          count += this.rootFieldCount(fragment.selectionSet, new Set(visiting).add(fragment.name.value));
        }
      }
    }
    return count;
  }
}

function tooComplex(limit: keyof OperationLimits, max: number, actual: number): GraphQLError {
  return new GraphQLError(`Operation exceeds ${limit} (${actual} > ${max})`, {
    extensions: { code: ErrorCode.OperationLimitExceeded, limit, max, actual, http: { status: 400 } },
  });
}

export function checkOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  limits: OperationLimits,
): GraphQLError | null {
  const analyzer = new Analyzer(schema, document, variables);
  const rootType = schema.getRootType(operation.operation);
  const rootFields = analyzer.rootFieldCount(operation.selectionSet);
  if (rootFields > limits.maxRootFields) return tooComplex('maxRootFields', limits.maxRootFields, rootFields);
  const measure = analyzer.measure(operation.selectionSet, rootType ?? null, false, new Set());
  if (measure.depth > limits.maxDepth) return tooComplex('maxDepth', limits.maxDepth, measure.depth);
  if (measure.aliases > limits.maxAliases) return tooComplex('maxAliases', limits.maxAliases, measure.aliases);
  if (measure.cost > limits.maxCost) return tooComplex('maxCost', limits.maxCost, measure.cost);
  return null;
}

/** Refuses, before planning or any subgraph call, operations deeper, wider or costlier than allowed. */
export function operationLimitsPlugin<TContext extends object>(limits: OperationLimits): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const error = checkOperation(schema, document, operation, request.variables ?? {}, limits);
          if (error) throw error;
        },
      };
    },
  };
}
