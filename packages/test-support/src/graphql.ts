export interface GraphQLResponseBody<TData = Record<string, unknown>> {
  data?: TData | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface GraphQLCall<TData> {
  status: number;
  headers: Headers;
  body: GraphQLResponseBody<TData>;
}

/** POSTs one operation the way a front-end would, with the tenant header when given. */
export async function graphql<TData = Record<string, unknown>>(
  url: string,
  query: string,
  { variables, tenant, headers = {} }: { variables?: Record<string, unknown>; tenant?: string; headers?: Record<string, string> } = {},
): Promise<GraphQLCall<TData>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(tenant ? { 'x-tenant-id': tenant } : {}), ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponseBody<TData> };
}

/** Like `graphql` but fails the test on any GraphQL error, returning the data. */
export async function graphqlData<TData = Record<string, unknown>>(
  url: string,
  query: string,
  options: { variables?: Record<string, unknown>; tenant?: string; headers?: Record<string, string> } = {},
): Promise<TData> {
  const { body } = await graphql<TData>(url, query, options);
  if (body.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  if (!body.data) throw new Error('GraphQL response without data');
  return body.data;
}
