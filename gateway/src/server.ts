import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { maskUnexpectedErrors } from '@reservations/platform/errors';
import { closeHttpServer, createGraphQLHttpServer, listen, sendJson } from '@reservations/platform/http/graphql-http-server';
import type { RunningService } from '@reservations/platform/http/run-service';
import type { Logger } from '@reservations/platform/logger';
import { TENANT_HEADER, tenantFromHeader, tenantRequiredPlugin } from '@reservations/platform/tenancy';
import type { GatewayConfig } from './config';
import type { GatewayContext } from './context';
import { SubgraphDataSource } from './subgraph-data-source';

export interface StartedGateway extends RunningService {
  port: number;
}

export function createGateway(config: GatewayConfig, logger: Logger): ApolloGateway {
  const supergraphSdl = readFileSync(config.supergraphPath, 'utf8');
  return new ApolloGateway({
    supergraphSdl,
    logger,
    buildService: ({ name, url }) => new SubgraphDataSource({ url: config.subgraphUrls[name] ?? url }),
  });
}

export async function startGateway(config: GatewayConfig, logger: Logger): Promise<StartedGateway> {
  const apollo = new ApolloServer<GatewayContext>({
    gateway: createGateway(config, logger),
    includeStacktraceInErrorResponses: false,
    // runService owns the process lifecycle and stops the HTTP server before Apollo.
    stopOnTerminationSignals: false,
    formatError: maskUnexpectedErrors(logger),
    plugins: [tenantRequiredPlugin<GatewayContext>()],
  });
  await apollo.start();
  const httpServer = createGraphQLHttpServer<GatewayContext>({
    apollo,
    logger,
    context: async (req) => ({ tenantId: tenantFromHeader(req.headers[TENANT_HEADER]), logger }),
    routes: { '/health': (_req, res) => sendJson(res, 200, { status: 'ok', service: 'gateway' }) },
  });
  try {
    const { url, port } = await listen(httpServer, config.port, config.host);
    return {
      url,
      port,
      async stop() {
        await closeHttpServer(httpServer);
        await apollo.stop();
      },
    };
  } catch (error) {
    await apollo.stop();
    throw error;
  }
}
