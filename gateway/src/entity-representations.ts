// Hand-written: @apollo/gateway sends one representation per entity occurrence and offers no hook or option to share them.
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';

/** An `_entities` request's representations, each distinct one once, and where each original went. */
export interface DistinctRepresentations {
  distinct: unknown[];
  /** For each original representation, the index of its distinct one. */
  positions: number[];
}

/** A JSON value's text with object keys sorted, so equal representations match whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const record = value as Record<string, unknown>;
  const members: string[] = [];
  for (const key of Object.keys(record).sort()) {
    if (record[key] !== undefined) members.push(`${JSON.stringify(key)}:${canonical(record[key])}`);
  }
  return `{${members.join(',')}}`;
}

/** One step of a walk through representations' keys and values; `index` is that of the representation ending here. */
interface Step {
  next: Map<unknown, Step> | null;
  index: number;
}

/** Marks a value that is an object or list, compared by its JSON text, apart from strings of the same text. */
const NESTED = Symbol('nested');

function stepTo(step: Step, key: unknown): Step {
  step.next ??= new Map();
  let next = step.next.get(key);
  if (!next) step.next.set(key, (next = { next: null, index: -1 }));
  return next;
}

/**
 * Where a representation's walk ends: equal representations end at the same step. Keys are
 * taken in the representation's own order, or `inAnyOrder`, sorted, with nested values in
 * canonical form.
 */
function walk(root: Step, representation: unknown, inAnyOrder: boolean): Step {
  if (representation === null || typeof representation !== 'object' || Array.isArray(representation)) {
    return stepTo(stepTo(root, NESTED), canonical(representation));
  }
  let step = root;
  const record = representation as Record<string, unknown>;
  const keys = Object.keys(record);
  if (inAnyOrder) keys.sort();
  for (const key of keys) {
    const value = record[key];
    if (value === undefined) continue; // as JSON leaves it out
    step = stepTo(step, key);
    if (value === null || typeof value !== 'object') step = stepTo(step, value);
    else step = stepTo(stepTo(step, NESTED), inAnyOrder ? canonical(value) : JSON.stringify(value));
  }
  return step;
}

/**
 * The distinct representations in first-seen order, or null when there is nothing to share, so
 * the caller sends the request exactly as Apollo built it.
 */
export function dedupe(representations: readonly unknown[]): DistinctRepresentations | null {
  // Serialising each representation to compare them cost more than Apollo's own serialisation
  // of the request; walking their values does not. Apollo writes a type's keys in one order,
  // so the second walk, with keys sorted, is needed only once per distinct first walk.
  const asWritten: Step = { next: null, index: -1 };
  const sorted: Step = { next: null, index: -1 };
  const distinct: unknown[] = [];
  const positions: number[] = [];
  for (const representation of representations) {
    const end = walk(asWritten, representation, false);
    if (end.index < 0) {
      const sortedEnd = walk(sorted, representation, true);
      if (sortedEnd.index < 0) {
        sortedEnd.index = distinct.length;
        distinct.push(representation);
      }
      end.index = sortedEnd.index;
    }
    positions.push(end.index);
  }
  return distinct.length === representations.length ? null : { distinct, positions };
}

/**
 * A copy of a JSON value. Apollo merges each entity into the answer and later merges further
 * fetches into what it merged, so every position gets its own objects, as it would have had
 * from a subgraph answering every representation.
 */
function copy(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const items = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) items[i] = copy(value[i]);
    return items;
  }
  const record = value as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  // Parsed JSON has own, enumerable keys only; for-in allocates no list of entries.
  for (const key in record) {
    // An alias `__proto__` is a key like any other in parsed JSON; assigned, it would set the prototype.
    if (key === '__proto__') Object.defineProperty(result, key, { value: copy(record[key]), enumerable: true, writable: true, configurable: true });
    else result[key] = copy(record[key]);
  }
  return result;
}

type SubgraphError = NonNullable<GatewayGraphQLResponse['errors']>[number];

/** The distinct representation an error is about, when its path starts at one of them. */
function entityOf(error: SubgraphError, distinctCount: number): number | null {
  const index = error.path?.[0] === '_entities' ? error.path[1] : undefined;
  return typeof index === 'number' && Number.isInteger(index) && index >= 0 && index < distinctCount ? index : null;
}

/**
 * The subgraph's answer to the distinct representations as if it had answered every original
 * one: `data._entities` back at the original positions, and each error on an entity once per
 * original position of that entity, in position order (the order a subgraph resolving the
 * original list reports them). Other errors stay as they are, where they are. An answer whose
 * `_entities` does not match the distinct list is left for Apollo to refuse.
 */
export function expand(response: GatewayGraphQLResponse, positions: readonly number[]): GatewayGraphQLResponse {
  const distinctCount = positions.reduce((most, index) => Math.max(most, index + 1), 0);
  const expanded: GatewayGraphQLResponse = { ...response };
  const entities: unknown = response.data?._entities;
  if (Array.isArray(entities) && entities.length === distinctCount) {
    const seen = new Array<boolean>(distinctCount).fill(false);
    const atPositions = positions.map((index) => {
      if (seen[index]) return copy(entities[index]);
      seen[index] = true;
      return entities[index];
    });
    expanded.data = { ...response.data, _entities: atPositions };
  }
  const errors = response.errors;
  if (!errors?.some((error) => entityOf(error, distinctCount) !== null)) return expanded;

  const originalsOf: number[][] = Array.from({ length: distinctCount }, () => []);
  positions.forEach((index, original) => originalsOf[index]!.push(original));
  const placed: { original: number; error: SubgraphError }[] = [];
  for (const error of errors) {
    const index = entityOf(error, distinctCount);
    if (index === null) continue;
    for (const original of originalsOf[index]!) {
      placed.push({ original, error: { ...error, path: ['_entities', original, ...error.path!.slice(2)] } });
    }
  }
  // Array.prototype.sort is stable: one entity's errors keep the subgraph's order.
  placed.sort((a, b) => a.original - b.original);
  const remapped: SubgraphError[] = [];
  let entityErrorsPlaced = false;
  for (const error of errors) {
    if (entityOf(error, distinctCount) === null) remapped.push(error);
    else if (!entityErrorsPlaced) {
      entityErrorsPlaced = true;
      remapped.push(...placed.map((entry) => entry.error));
    }
  }
  expanded.errors = remapped;
  return expanded;
}
