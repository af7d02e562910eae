import type { IncomingHttpHeaders } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import { openDatabase } from '@reservations/platform/database/connection';
import { deployMigrations, enterRuntimeRole } from '@reservations/platform/database/roles';
import type { Logger } from '@reservations/platform/logger';
import { createServiceMetrics } from '@reservations/platform/observability/metrics';
import { createSubgraphApollo, type SubgraphDefinition } from '@reservations/platform/subgraph/start-subgraph';
import { TENANT_HEADER, tenantFromHeader, type TenantContext } from '@reservations/platform/tenancy';
import type { GraphQLCall, GraphQLCallOptions, GraphQLResponseBody, OperationRunner } from './graphql';
import type { TestDatabase } from './postgres';
import { silentLogger } from './supergraph';

/**
 * The fast test layer: one subgraph's resolvers through its own Apollo Server (the same schema,
 * plugins and per-request context as in production) with `executeOperation`, on a real
 * database, without HTTP and without the other services. What HTTP adds (signatures,
 * deadlines, body limits, the 400 for a malformed tenant header, which throws here) is tested
 * over HTTP.
 */
export interface InProcessOperations extends OperationRunner {
  stop(): Promise<void>;
}

export interface InProcessSubgraph<TClient> extends InProcessOperations {
  /** The data client the resolvers use (Prisma), e.g. to count queries or look behind the API. */
  client: TClient;
  /**
   * Another Apollo Server of the subgraph over the same database and client, e.g. one whose
   * clock the test sets; stopped with this one.
   */
  serve<TContext extends TenantContext>(definition: SubgraphDefinition<TClient, TContext>): Promise<InProcessOperations>;
}

/** Runs operations on `definition`'s Apollo Server, with the context it builds per request from `client`. */
export async function inProcessOperations<TClient, TContext extends TenantContext>(
  definition: SubgraphDefinition<TClient, TContext>,
  client: TClient,
  logger: Logger = silentLogger,
): Promise<InProcessOperations> {
  const apollo: ApolloServer<TContext> = createSubgraphApollo(definition, createServiceMetrics(definition.name), logger, null);
  await apollo.start();
  return {
    async run<TData>(query: string, { variables, tenant, headers = {} }: GraphQLCallOptions = {}): Promise<GraphQLCall<TData>> {
      const requestHeaders: IncomingHttpHeaders = { 'content-type': 'application/json', ...(tenant ? { [TENANT_HEADER]: tenant } : {}) };
      for (const [name, value] of Object.entries(headers)) requestHeaders[name.toLowerCase()] = value;
      const httpHeaders = new HeaderMap();
      for (const [name, value] of Object.entries(requestHeaders)) if (typeof value === 'string') httpHeaders.set(name, value);
      // As the HTTP server does: the tenant header read the same way, the context built the same way.
      const contextValue = definition.context({ tenantId: tenantFromHeader(requestHeaders[TENANT_HEADER]), client, logger, headers: requestHeaders });
      const response = await apollo.executeOperation<TData>(
        { query, ...(variables ? { variables } : {}), http: { method: 'POST', headers: httpHeaders, search: '', body: {} } },
        { contextValue },
      );
      if (response.body.kind !== 'single') throw new Error('incremental delivery is not used by subgraphs');
      // As a client reads it: what JSON carries over the wire, nothing more.
      const body = JSON.parse(JSON.stringify(response.body.singleResult)) as GraphQLResponseBody<TData>;
      return { status: response.http.status ?? 200, headers: new Headers([...response.http.headers]), body };
    },
    stop: () => apollo.stop(),
  };
}

/**
 * `definition` on `database` (migrated as its owner, then used as the runtime role that
 * row-level security binds, as in production), served in-process. `stop()` stops it and
 * disconnects; the test drops the database.
 */
export async function startInProcessSubgraph<TClient, TContext extends TenantContext>(
  definition: SubgraphDefinition<TClient, TContext>,
  database: TestDatabase,
  logger: Logger = silentLogger,
): Promise<InProcessSubgraph<TClient>> {
  const opened = await openDatabase({ url: database.runtimeUrl, embeddedDir: '' });
  const stops: (() => Promise<void>)[] = [() => opened.close()];
  const stop = async (): Promise<void> => {
    for (const stopOne of stops.splice(0).reverse()) await stopOne();
  };
  try {
    await deployMigrations(opened, database.url, definition.migrationsDir);
    await enterRuntimeRole(opened);
    const client = definition.connect(opened, logger);
    stops.push(() => definition.disconnect(client));
    const operations = await inProcessOperations(definition, client, logger);
    stops.push(operations.stop);
    return {
      client,
      run: operations.run,
      async serve(other) {
        const more = await inProcessOperations(other, client, logger);
        stops.push(more.stop);
        return more;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
