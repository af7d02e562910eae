/**
 * Peer: Apollo Gateway with its defaults, as its documentation sets it up — `@apollo/server`'s
 * standalone server with an `ApolloGateway` over a static supergraph (BENCH_SUPERGRAPH_PATH).
 * No plugins, no data-source subclass: what the gateway costs before anything of ours is added.
 */
import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { runService } from '@reservations/platform/http/run-service';
import { createLogger } from '@reservations/platform/logger';

const supergraphPath = process.env.BENCH_SUPERGRAPH_PATH;
if (!supergraphPath) throw new Error('BENCH_SUPERGRAPH_PATH is not set');

void runService('apollo-gateway', createLogger('apollo-gateway', process.env.LOG_LEVEL ?? 'warn'), async () => {
  const server = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl: readFileSync(supergraphPath, 'utf8') }) });
  const { url } = await startStandaloneServer(server, { listen: { host: process.env.HOST ?? '127.0.0.1', port: 0 } });
  return { url: new URL('/graphql', url).toString(), stop: () => server.stop() };
});
