/**
 * Ceiling: Apollo Server alone, as its standalone server runs it, with a one-field schema. What
 * the GraphQL layer costs before any gateway work (query planning, subgraph calls) is added.
 */
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { runService } from '@reservations/platform/http/run-service';
import { createLogger } from '@reservations/platform/logger';

void runService('apollo-server', createLogger('apollo-server', process.env.LOG_LEVEL ?? 'warn'), async () => {
  const server = new ApolloServer({ typeDefs: 'type Query { ok: Boolean! }', resolvers: { Query: { ok: () => true } } });
  const { url } = await startStandaloneServer(server, { listen: { host: process.env.HOST ?? '127.0.0.1', port: 0 } });
  return { url: new URL('/graphql', url).toString(), stop: () => server.stop() };
});
