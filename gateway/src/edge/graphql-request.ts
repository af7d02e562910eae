import { createHash } from 'node:crypto';
import type { HTTPGraphQLRequest } from '@apollo/server';

/**
 * A POSTed single operation as the edge sees it before any parsing: its document named by
 * how it was sent and its sha256 (`text:<hash>`, `apq:<hash>` or `id:<hash>`: the forms may be
 * admitted differently, e.g. text is refused under enforced trusted documents), its operation
 * name and its variables as JSON. Everything else (GET, batches, APQ registrations that send
 * both text and hash, unknown extensions) is left to the pipeline alone.
 */
export interface EdgeOperation {
  document: string;
  operationName: string | null;
  variables: string;
}

const HASH = /^(?:sha256:)?([0-9a-f]{64})$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function edgeOperation(request: HTTPGraphQLRequest): EdgeOperation | null {
  if (request.method !== 'POST' || !isObject(request.body)) return null;
  const { query, variables, operationName, extensions, documentId, ...rest } = request.body;
  if (Object.keys(rest).length > 0) return null;
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return null;
  if (variables !== undefined && variables !== null && !isObject(variables)) return null;
  let persisted: unknown;
  if (extensions !== undefined && extensions !== null) {
    if (!isObject(extensions)) return null;
    // Apollo Client names itself in `clientLibrary`: informational, it changes no answer.
    const { persistedQuery, clientLibrary: _clientLibrary, ...others } = extensions;
    if (Object.keys(others).length > 0) return null;
    persisted = isObject(persistedQuery) ? persistedQuery.sha256Hash : persistedQuery;
  }
  let document: string;
  if (typeof query === 'string') {
    if (persisted !== undefined || documentId !== undefined) return null;
    document = `text:${createHash('sha256').update(query).digest('hex')}`;
  } else if (query === undefined && typeof persisted === 'string' && documentId === undefined) {
    const hash = HASH.exec(persisted)?.[1];
    if (!hash) return null;
    document = `apq:${hash}`;
  } else if (query === undefined && persisted === undefined && typeof documentId === 'string') {
    const hash = HASH.exec(documentId)?.[1];
    if (!hash) return null;
    document = `id:${hash}`;
  } else {
    return null;
  }
  return { document, operationName: operationName ?? null, variables: variables ? JSON.stringify(variables) : '{}' };
}

/** How many operations are remembered; the oldest makes room. */
const KNOWN_OPERATIONS_MAX = 10_000;

/**
 * What the pipeline found out about each operation (by document and operation name): its type
 * (only queries are ever deduplicated) and whether its last answer could be cached (the cache
 * is not even looked up for one that could not: most traffic, anything touching customers or
 * reservations). Learnt from the pipeline, never guessed: an operation not seen yet is neither
 * deduplicated nor skipped.
 */
export class KnownOperations {
  private readonly operations = new Map<string, { type: string; cacheable: boolean | null }>();

  private static key(operation: EdgeOperation): string {
    return `${operation.document}\u0000${operation.operationName ?? ''}`;
  }

  type(operation: EdgeOperation): string | undefined {
    return this.operations.get(KnownOperations.key(operation))?.type;
  }

  /** False when the operation is known not to be a query, or its last answer could not be cached. */
  cacheable(operation: EdgeOperation): boolean {
    const known = this.operations.get(KnownOperations.key(operation));
    return known === undefined || (known.type === 'query' && known.cacheable !== false);
  }

  learn(operation: EdgeOperation, type: string, cacheable: boolean | null): void {
    const key = KnownOperations.key(operation);
    const known = this.operations.get(key);
    if (known !== undefined) {
      known.type = type;
      known.cacheable = cacheable;
      return;
    }
    if (this.operations.size >= KNOWN_OPERATIONS_MAX) this.operations.delete(this.operations.keys().next().value!);
    this.operations.set(key, { type, cacheable });
  }
}
