import { Kind, OperationTypeNode, parse, type ArgumentNode, type ObjectFieldNode, type ValueNode } from 'graphql';
import { isQueryBody } from '@reservations/platform/graphql/request-body';

const IDEMPOTENCY_KEY = 'idempotencyKey';

function hasKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasKey);
  if (value === null || typeof value !== 'object') return false;
  const record = value as Record<string, unknown>;
  const key = record[IDEMPOTENCY_KEY];
  if (typeof key === 'string' && key !== '') return true;
  return Object.values(record).some(hasKey);
}

function literalHasKey(node: ValueNode, variables: Record<string, unknown>): boolean {
  switch (node.kind) {
    case Kind.VARIABLE:
      return hasKey(variables[node.name.value]);
    case Kind.LIST:
      return node.values.some((item) => literalHasKey(item, variables));
    case Kind.OBJECT:
      return entriesHaveKey(node.fields, variables);
    default:
      return false;
  }
}

/** The value given to an `idempotencyKey` argument or input field: present and non-empty? */
function keyValuePresent(node: ValueNode, variables: Record<string, unknown>): boolean {
  if (node.kind === Kind.STRING) return node.value !== '';
  if (node.kind !== Kind.VARIABLE) return false;
  const value = variables[node.name.value];
  return typeof value === 'string' && value !== '';
}

/** A field's arguments or an input object's fields: is a non-empty idempotencyKey among them, at any depth? */
function entriesHaveKey(entries: readonly (ArgumentNode | ObjectFieldNode)[], variables: Record<string, unknown>): boolean {
  return entries.some((entry) =>
    entry.name.value === IDEMPOTENCY_KEY ? keyValuePresent(entry.value, variables) : literalHasKey(entry.value, variables),
  );
}

/**
 * Whether the gateway may send a subgraph request more than once. Queries may always be
 * repeated. A mutation may only when every root field carries a non-empty idempotencyKey
 * (as an argument, or inside an input object, inline or through variables): the subgraph
 * then answers a repeat with the first result instead of writing twice.
 */
export function isRetrySafe(query: string, variables: Record<string, unknown> = {}): boolean {
  // Cheap pre-check: the gateway's subgraph fetches start with their operation keyword.
  if (!/^\s*mutation\b/.test(query)) return true;
  let document;
  try {
    document = parse(query);
  } catch {
    return false;
  }
  return document.definitions.every((definition) => {
    if (definition.kind !== Kind.OPERATION_DEFINITION || definition.operation !== OperationTypeNode.MUTATION) return true;
    return definition.selectionSet.selections.every(
      (selection) => selection.kind === Kind.FIELD && entriesHaveKey(selection.arguments ?? [], variables),
    );
  });
}

/** Reads query and variables out of the JSON body RemoteGraphQLDataSource sends. */
export function isRetrySafeBody(body: string | Buffer | undefined): boolean {
  if (body === undefined) return true;
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (isQueryBody(text) || !text.includes('mutation')) return true;
  try {
    const parsed = JSON.parse(text) as { query?: unknown; variables?: unknown };
    if (typeof parsed.query !== 'string') return false;
    const variables = parsed.variables && typeof parsed.variables === 'object' ? (parsed.variables as Record<string, unknown>) : {};
    return isRetrySafe(parsed.query, variables);
  } catch {
    return false;
  }
}
