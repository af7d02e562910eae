// Hand-written: @apollo/gateway's executor cannot be given another result shaper or merger, and those are the measured hot spot (docs/benchmarks.md).
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ERRORS, errorCodeDef } from '@apollo/federation-internals';
import type { FetchNode, PlanNode, QueryPlanSelectionNode } from '@apollo/query-planner';
import type { GatewayExecutionResult, GatewayGraphQLRequestContext, GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { GraphQLError, isAbstractType, isInterfaceType, isObjectType, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { entitiesPart } from './entity-fetch-coalescing';
import type { ResultShaper } from './result-shaping';

type ResponsePath = (string | number)[];
type Data = Record<string, unknown>;

/** The request kind Apollo's executor gives a client operation's fetches (@apollo/gateway does not export its enum). */
const INCOMING_OPERATION = 'incoming operation' as unknown as Extract<GraphQLDataSourceProcessOptions, { incomingRequestContext: unknown }>['kind'];

/**
 * What one operation needs at execution time, built once per operation: the plan (only the
 * node kinds `executablePlan` admits), its result shaper, and the supergraph schema that
 * decides which entities a `requires` fragment applies to.
 */
export interface PreparedOperation {
  readonly node: PlanNode | undefined;
  readonly shape: ResultShaper;
  readonly supergraphSchema: GraphQLSchema;
  /** The operation's variable defaults, for `Condition` nodes (@skip/@include on a variable). */
  readonly variableDefaults: Readonly<Record<string, unknown>>;
  /** The entity fetches that may share a subgraph request with others of the same key (see entity-fetch-coalescing). */
  readonly coalescing: ReadonlyMap<FetchNode, string>;
}

/**
 * Whether every node of a plan is one this executor runs exactly as Apollo's does: no
 * subscription, no @defer, no data rewrites (interface objects, @fromContext). Apollo's
 * executor runs the others.
 */
export function executablePlan(node: PlanNode | undefined): boolean {
  if (!node) return true;
  switch (node.kind) {
    case 'Sequence':
    case 'Parallel':
      return node.nodes.every(executablePlan);
    case 'Flatten':
      return executablePlan(node.node);
    case 'Condition':
      return executablePlan(node.ifClause) && executablePlan(node.elseClause);
    case 'Fetch':
      return !node.hasDefers && !node.inputRewrites?.length && !node.outputRewrites?.length && !node.contextRewrites?.length;
    default:
      return false;
  }
}

interface Cursor {
  path: ResponsePath;
  data: unknown;
  fullResult: Data;
}

/** An entity fetch waiting to go out with the others of its key that start in the same moment. */
interface EntityRequest {
  fetch: FetchNode;
  cursor: Cursor;
  representations: Data[];
  resolve(response: GatewayGraphQLResponse): void;
  reject(error: unknown): void;
}

interface Execution {
  prepared: PreparedOperation;
  services: Readonly<Record<string, GraphQLDataSource>>;
  requestContext: GatewayGraphQLRequestContext;
  errors: unknown[];
  /** Coalescable entity fetches started in this moment, by key, until they go out. */
  batches?: Map<string, EntityRequest[]>;
}

/**
 * Executes a prepared plan as @apollo/gateway 2.14's `executeQueryPlan` does (same subgraph
 * requests, same merging, same errors and paths, same final shaping), without its per-request
 * operation rebuild, its `gateway.*` OpenTelemetry spans or usage-reporting traces (callers
 * send requests that capture traces to Apollo's executor).
 */
export async function executePrepared(
  prepared: PreparedOperation,
  services: Readonly<Record<string, GraphQLDataSource>>,
  requestContext: GatewayGraphQLRequestContext,
): Promise<GatewayExecutionResult> {
  const execution: Execution = { prepared, services, requestContext, errors: [] };
  const unfiltered: Data = Object.create(null) as Data;
  if (prepared.node) await executeNode(execution, prepared.node, { path: [], data: unfiltered, fullResult: unfiltered });
  let shaped: ReturnType<ResultShaper>;
  try {
    shaped = prepared.shape(unfiltered, requestContext.request.variables);
  } catch (error) {
    // Apollo's shaping reports a subgraph answer it cannot shape (a list where an object belongs) this way.
    if (error instanceof GraphQLError) return { errors: [error] };
    return {
      errors: [
        new GraphQLError(error instanceof Error ? error.message : 'Unexpected error during query plan execution', {
          originalError: error instanceof Error ? error : undefined,
        }),
      ],
    };
  }
  const { errors } = execution;
  if (errors.length === 0 && shaped.errors.length > 0) return { extensions: { valueCompletion: shaped.errors }, data: shaped.data };
  return errors.length === 0 ? { data: shaped.data } : { errors: errors as GraphQLError[], data: shaped.data };
}

async function executeNode(execution: Execution, node: PlanNode, cursor: Cursor): Promise<void> {
  switch (node.kind) {
    case 'Sequence':
      for (const child of node.nodes) await executeNode(execution, child, cursor);
      return;
    case 'Parallel':
      await Promise.all(node.nodes.map((child) => executeNode(execution, child, cursor)));
      return;
    case 'Flatten': {
      const data = flattenResultsAtPath(cursor.data, node.path, 0);
      // Apollo's executor skips a branch whose path holds nothing (`moveIntoCursor`).
      if (!data) return;
      await executeNode(execution, node.node, { path: cursor.path.concat(node.path), data, fullResult: cursor.fullResult });
      return;
    }
    case 'Fetch':
      try {
        await executeFetch(execution, node, cursor);
      } catch (error) {
        execution.errors.push(error);
      }
      return;
    case 'Condition': {
      const branch = conditionHolds(execution, node.condition) ? node.ifClause : node.elseClause;
      if (branch) await executeNode(execution, branch, cursor);
      return;
    }
    default:
      throw new Error(`Plan node "${node.kind}" reached the gateway's executor`);
  }
}

function conditionHolds(execution: Execution, variable: string): boolean {
  const values = execution.requestContext.request.variables;
  let value: unknown = values && Object.hasOwn(values, variable) ? values[variable] : undefined;
  if (value === undefined) value = execution.prepared.variableDefaults[variable];
  if (typeof value !== 'boolean') throw new Error(`Invalid non-boolean value ${String(value)} for Boolean! variable $${variable}`);
  return value;
}

/** What a Flatten node's path reaches: one value, or (past an `@`) every non-missing value, in order, in one array. */
function flattenResultsAtPath(value: unknown, path: readonly (string | number)[], from: number): unknown {
  if (from === path.length || value === undefined || value === null) return value;
  const current = path[from];
  if (current === '@') {
    const into: unknown[] = [];
    collectAtPath(value, path, from + 1, into);
    return into;
  }
  return flattenResultsAtPath(step(value, current), path, from + 1);
}

// Apollo's flatMap over nested arrays, pushing into one array instead of building one per level.
function collectAtPath(values: unknown, path: readonly (string | number)[], from: number, into: unknown[]): void {
  // Where Apollo's `flatMap` throws: a subgraph answered something else than a list there.
  if (!Array.isArray(values)) throw new TypeError(`Expected a list in the result at a \`@\` of path ${path.join('.')}`);
  for (const element of values) {
    let value = element;
    let at = from;
    while (at < path.length && value !== undefined && value !== null && path[at] !== '@') value = step(value, path[at++]);
    if (at < path.length && value !== undefined && value !== null) collectAtPath(value, path, at + 1, into);
    else if (Array.isArray(value)) for (const item of value) into.push(item);
    else into.push(value);
  }
}

function step(value: unknown, key: string | number | undefined): unknown {
  if (typeof key !== 'string') throw new Error(`Unexpected ${typeof key} found in path`);
  if (Array.isArray(value)) throw new Error(`Unexpected array in result for path element ${key}`);
  const object = value as Data;
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

async function executeFetch(execution: Execution, fetch: FetchNode, cursor: Cursor): Promise<void> {
  const service = execution.services[fetch.serviceName];
  if (!service) throw new Error(`Couldn't find service with name "${fetch.serviceName}"`);
  const entities: Data[] = Array.isArray(cursor.data)
    ? (cursor.data.filter((entity) => entity !== null && entity !== undefined) as Data[])
    : [cursor.data as Data];
  if (entities.length === 0) return;
  const provided = execution.requestContext.request.variables;
  const variables: Data = Object.create(null) as Data;
  for (const name of fetch.variableUsages ?? []) {
    if (provided && Object.hasOwn(provided, name) && provided[name] !== undefined) variables[name] = provided[name];
  }

  if (!fetch.requires) {
    const received = answered(execution, fetch, cursor, await request(execution, service, fetch, cursor, variables));
    for (const entity of entities) deepMerge(entity, received);
    return;
  }

  const { supergraphSchema } = execution.prepared;
  const representations: Data[] = [];
  const representedEntities: Data[] = [];
  for (const entity of entities) {
    const representation = selectFrom(supergraphSchema, entity, fetch.requires);
    if (representation && representation.__typename) {
      representations.push(representation);
      representedEntities.push(entity);
    }
  }
  if (representations.length === 0) return;
  if ('representations' in variables) throw new Error(`Variables cannot contain key "representations"`);
  const received = answered(execution, fetch, cursor, await requestEntities(execution, service, fetch, cursor, variables, representations));
  if (!received) return;
  const receivedEntities = received._entities;
  if (!Array.isArray(receivedEntities)) throw new Error(`Expected "data._entities" in response to be an array`);
  if (receivedEntities.length !== representations.length) throw new Error(`Expected "data._entities" to contain ${representations.length} elements`);
  for (let i = 0; i < representations.length; i++) {
    const receivedEntity = receivedEntities[i] as Data | null | undefined;
    const existing = representedEntities[i]!;
    if (receivedEntity && !receivedEntity.__typename) receivedEntity.__typename = existing.__typename;
    deepMerge(existing, receivedEntity);
  }
}

/** One subgraph request, for `fetch`. */
function request(
  execution: Execution,
  service: GraphQLDataSource,
  fetch: FetchNode,
  cursor: Cursor,
  variables: Data,
): Promise<GatewayGraphQLResponse> {
  const { requestContext } = execution;
  return service.process({
    kind: INCOMING_OPERATION,
    request: { query: fetch.operation, variables, operationName: fetch.operationName },
    incomingRequestContext: requestContext,
    context: requestContext.context,
    document: fetch.operationDocumentNode,
    pathInIncomingRequest: cursor.path,
  });
}

/**
 * An entity fetch's subgraph answer. A coalescable fetch joins the others of its key that start
 * in the same turn of the event loop (every branch of a Parallel starts synchronously): they go
 * out as one request, with their representations one after another, and each gets its part of
 * the answer back (see entity-fetch-coalescing), as if it had been sent alone.
 */
function requestEntities(
  execution: Execution,
  service: GraphQLDataSource,
  fetch: FetchNode,
  cursor: Cursor,
  variables: Data,
  representations: Data[],
): Promise<GatewayGraphQLResponse> {
  const key = execution.prepared.coalescing.get(fetch);
  if (key === undefined) return request(execution, service, fetch, cursor, { ...variables, representations });
  return new Promise((resolve, reject) => {
    const batches = (execution.batches ??= new Map());
    let batch = batches.get(key);
    if (!batch) {
      const started: EntityRequest[] = (batch = []);
      batches.set(key, started);
      queueMicrotask(() => {
        batches.delete(key);
        const [first, ...others] = started as [EntityRequest, ...EntityRequest[]];
        // One key, one question: every member asks it with the same variables, so the first's do.
        const asked = (all: Data[]) => request(execution, service, first.fetch, first.cursor, { ...variables, representations: all });
        if (others.length === 0) {
          asked(first.representations).then(first.resolve, first.reject);
          return;
        }
        const counts = started.map((member) => member.representations.length);
        asked(started.flatMap((member) => member.representations)).then(
          (response) => started.forEach((member, index) => member.resolve(entitiesPart(response, counts, index))),
          (error: unknown) => started.forEach((member) => member.reject(error)),
        );
      });
    }
    batch.push({ fetch, cursor, representations, resolve, reject });
  });
}

/** A subgraph's answer to `fetch`: its errors join the response's, with paths into the client's answer. */
function answered(execution: Execution, fetch: FetchNode, cursor: Cursor, response: GatewayGraphQLResponse): Data | null | undefined {
  const { requestContext } = execution;
  if (response.errors) {
    const pathOf = errorPaths(fetch, cursor);
    for (const error of response.errors) execution.errors.push(downstreamServiceError(error, fetch.serviceName, pathOf));
    if (!response.extensions?.ftv1) {
      const paths = response.errors.map((error) => ({ subgraph: fetch.serviceName, path: error.path }));
      const { metrics } = requestContext;
      if (metrics.nonFtv1ErrorPaths) metrics.nonFtv1ErrorPaths.push(...paths);
      else metrics.nonFtv1ErrorPaths = paths;
    }
  }
  return response.data;
}

/** A subgraph error's path in the client's answer: an `_entities` index becomes the entity's place. */
function errorPaths(fetch: FetchNode, cursor: Cursor): (path: GraphQLFormattedError['path']) => ResponsePath | undefined {
  let hydrated: ResponsePath[] | undefined;
  return (path) => {
    if (fetch.requires && typeof path?.[1] === 'number') {
      if (!hydrated) {
        hydrated = [];
        hydratePaths([], cursor.path, 0, cursor.fullResult, hydrated);
      }
      return [...(hydrated[path[1]] ?? []), ...path.slice(2)];
    }
    return path ? [...cursor.path, ...path] : undefined;
  };
}

function hydratePaths(parent: ResponsePath, path: ResponsePath, from: number, data: unknown, into: ResponsePath[]): void {
  if (data === null || data === undefined) return;
  const head = path[from];
  if (head === undefined) {
    into.push(parent.slice());
  } else if (head === '@') {
    if (!Array.isArray(data)) throw new Error('expected array when encountering `@`');
    data.forEach((value, index) => {
      parent.push(index);
      hydratePaths(parent, path, from + 1, value, into);
      parent.pop();
    });
  } else if (typeof head === 'string') {
    if (Array.isArray(data)) {
      data.forEach((value, index) => {
        parent.push(index);
        hydratePaths(parent, path, from, value, into);
        parent.pop();
      });
    } else if (Object.hasOwn(data as Data, head)) {
      parent.push(head);
      hydratePaths(parent, path, from + 1, (data as Data)[head], into);
      parent.pop();
    }
  } else {
    throw new Error(`unknown path part "${head}"`);
  }
}

function downstreamServiceError(
  original: GraphQLFormattedError,
  serviceName: string,
  pathOf: (path: GraphQLFormattedError['path']) => ResponsePath | undefined,
): GraphQLError {
  const message = original.message || `Error while fetching subquery from service "${serviceName}"`;
  const options = {
    originalError: original as unknown as Error,
    path: pathOf(original.path),
    extensions: { ...original.extensions, serviceName },
  };
  const codeDef = errorCodeDef(original);
  if (!codeDef && original.extensions?.code) return new GraphQLError(message, options);
  return (codeDef ?? ERRORS.DOWNSTREAM_SERVICE_ERROR).err(message, options);
}

/** An entity's representation: the `requires` selection of what the answer holds so far, or null when a field is missing. */
function selectFrom(schema: GraphQLSchema, source: Data | null, selections: readonly QueryPlanSelectionNode[]): Data | null {
  if (source === null) return null;
  // A plain object: representation keys are schema field names, never `__proto__`.
  let result: Data = {};
  let empty = true;
  for (const selection of selections) {
    if (selection.kind === 'Field') {
      const name = selection.alias ?? selection.name;
      const value = Object.hasOwn(source, name) ? source[name] : undefined;
      if (value === undefined) return null;
      const nested = selection.selections;
      if (Array.isArray(value)) result[name] = value.map((item: Data | null) => (nested ? selectFrom(schema, item, nested) : item));
      else result[name] = nested ? selectFrom(schema, value as Data | null, nested) : value;
      empty = false;
    } else if (selection.typeCondition && isObjectOfType(schema, source, selection.typeCondition)) {
      const fragment = selectFrom(schema, source, selection.selections);
      if (fragment === null) continue;
      // Merged into nothing yet, the fragment's object is what the merge would have built.
      if (empty) result = fragment;
      else deepMerge(result, fragment);
      empty = false;
    }
  }
  return result;
}

function isObjectOfType(schema: GraphQLSchema, object: Data, typeCondition: string): boolean {
  const typename = object.__typename;
  if (!typename) return false;
  if (typeCondition === typename) return true;
  const type = schema.getType(String(typename));
  const condition = schema.getType(typeCondition);
  if (!type || !condition || !isAbstractType(condition)) return false;
  return (isObjectType(type) || isInterfaceType(type)) && schema.isSubType(condition, type);
}

function isObject(value: unknown): value is Data {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Apollo's `deepMerge`: a subgraph's answer merged into what earlier fetches put there. */
function deepMerge(target: Data, source: Data | null | undefined): void {
  if (source === undefined || source === null) return;
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (value === undefined) continue;
    let existing = target[key];
    if (existing !== undefined && !Object.hasOwn(target, key)) {
      // An inherited property (a response name such as `constructor`) is shadowed, never merged into.
      Object.defineProperty(target, key, { configurable: true, enumerable: true, value: undefined, writable: true });
      existing = undefined;
    }
    if (existing && isObject(value)) {
      deepMerge(existing as Data, value);
    } else if (Array.isArray(value) && Array.isArray(existing) && value.length === existing.length) {
      for (let i = 0; i < value.length; i++) {
        if (isObject(existing[i]) && isObject(value[i])) deepMerge(existing[i] as Data, value[i] as Data);
        else existing[i] = value[i];
      }
    } else {
      target[key] = value;
    }
  }
}
