/**
 * Whether a GraphQL request body is a query, read from how Apollo's data sources write it
 * (the gateway's RemoteGraphQLDataSource, the reservation subgraph's customer lookup): the
 * query text first, starting with its operation (`query ...` or a bare `{ ... }`).
 * Conservative: a body written any other way does not count as a query.
 */
export function isQueryBody(text: string): boolean {
  return /^\{"query":"(?:query\b|\{)/.test(text);
}
