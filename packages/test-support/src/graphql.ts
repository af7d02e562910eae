export interface GraphQLResponseBody<TData = Record<string, unknown>> {
  data?: TData | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface GraphQLCall<TData> {
  status: number;
  headers: Headers;
  body: GraphQLResponseBody<TData>;
}

export interface GraphQLCallOptions {
  variables?: Record<string, unknown>;
  tenant?: string;
  headers?: Record<string, string>;
}

/** Runs operations without HTTP: a subgraph in-process (see subgraph-operations.ts). */
export interface OperationRunner {
  run<TData>(query: string, options?: GraphQLCallOptions): Promise<GraphQLCall<TData>>;
}

/** Where an operation goes: a URL, over HTTP, or a subgraph in-process. */
export type GraphQLTarget = string | OperationRunner;

/**
 * POSTs one operation the way a front-end would, with the tenant header when given; or runs it
 * on an in-process subgraph with the same headers.
 */
export async function graphql<TData = Record<string, unknown>>(
  target: GraphQLTarget,
  query: string,
  { variables, tenant, headers = {} }: GraphQLCallOptions = {},
): Promise<GraphQLCall<TData>> {
  if (typeof target !== 'string') return target.run<TData>(query, { variables, tenant, headers });
  const url = target;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(tenant ? { 'x-tenant-id': tenant } : {}), ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponseBody<TData> };
}

/** Like `graphql` but fails the test on any GraphQL error, returning the data. */
export async function graphqlData<TData = Record<string, unknown>>(
  target: GraphQLTarget,
  query: string,
  options: GraphQLCallOptions = {},
): Promise<TData> {
  const { body } = await graphql<TData>(target, query, options);
  if (body.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  if (!body.data) throw new Error('GraphQL response without data');
  return body.data;
}
