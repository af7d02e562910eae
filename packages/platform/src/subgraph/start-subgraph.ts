import type { IncomingHttpHeaders } from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import { flagUnknownCommits } from '../database/commit-outcome';
import { openDatabase, type OpenDatabase } from '../database/connection';
import { guardDeadlines } from '../database/deadline-guard';
import { databaseHealth } from '../database/health';
import { pendingMigrations } from '../database/migrations';
import { deployMigrations, enterRuntimeRole } from '../database/roles';
import { maskUnexpectedErrors } from '../errors';
import { connectRedis, type RedisConnection } from '../cache/redis-connection';
import { closeHttpServer, createGraphQLHttpServer, listen, sendJson } from '../http/graphql-http-server';
import { closeConnectionsAfterEachResponse, onceTrue, Readiness, readinessRoute } from '../http/lifecycle';
import type { RunningService } from '../http/run-service';
import type { Logger } from '../logger';
import { stringInputGuardPlugin } from '../graphql/string-input-guard';
import { observeDatabase } from '../observability/database';
import { observabilityPlugin } from '../observability/graphql-plugin';
import { createServiceMetrics, metricsRoutes, type ServiceMetrics } from '../observability/metrics';
import { flushSentry, initSentry } from '../observability/sentry';
import { gatewaySignatureCheck, NonceRegistry, type NonceStore } from '../security/request-signing';
import { SharedNonceStore } from '../security/shared-nonce-store';
import { TENANT_HEADER, tenantFromHeader, tenantRequiredPlugin, type TenantContext } from '../tenancy';
import type { SubgraphConfig } from './config';

/** What makes one subgraph different from another; everything else is shared below. */
export interface SubgraphDefinition<TClient, TContext extends TenantContext> {
  name: string;
  migrationsDir: string;
  schema: GraphQLSchema;
  /** Creates the data client (Prisma) over the opened database. */
  connect(database: OpenDatabase, logger: Logger): TClient;
  disconnect(client: TClient): Promise<void>;
  seedDemoTenant(client: TClient, logger: Logger): Promise<void>;
  /** Builds the per-request context: tenant, loaders, client, logger. */
  context(input: { tenantId: string | null; client: TClient; logger: Logger; headers: IncomingHttpHeaders }): TContext;
  /** The subgraph's own error codes that mean the client has to change something. */
  clientErrorCodes?: readonly string[];
  /**
   * Apollo Server plugins of this subgraph only, installed after the shared ones. They get the
   * replica's one connection to the shared Redis (null without REDIS_URL), which the platform
   * opens, watches and closes.
   */
  plugins?(shared: SubgraphShared): ApolloServerPlugin<TContext>[];
}

/** What the platform shares with a subgraph's own plugins. */
export interface SubgraphShared {
  redis: RedisConnection | null;
  logger: Logger;
}

export interface StartedSubgraph<TClient> extends Required<RunningService> {
  port: number;
  client: TClient;
}

async function prepareSchema(database: OpenDatabase, config: SubgraphConfig, migrationsDir: string, logger: Logger): Promise<void> {
  if (config.migrateOnStart) {
    const { applied } = await deployMigrations(database, config.migrationDatabaseUrl, migrationsDir);
    if (applied.length > 0) logger.info({ applied }, `applied ${applied.length} migration(s)`);
    return;
  }
  const pending = await pendingMigrations(database.executor, migrationsDir);
  if (pending.length > 0) {
    throw new Error(
      `${pending.length} migration(s) not applied to ${database.location}: ${pending.join(', ')}. ` +
        'Run `npm run db:deploy` (or set MIGRATE_ON_START=true).',
    );
  }
}

/**
 * Where this replica remembers the nonces of signed requests: in Redis when configured, so
 * that a request refused as a replay by one replica is refused by every other; otherwise in
 * this process only, which production states at start-up.
 */
function nonceStore(config: SubgraphConfig, redis: RedisConnection | null, logger: Logger): NonceStore {
  if (redis) return new SharedNonceStore(redis, config.signatureWindowMs);
  if (config.mode === 'production') {
    logger.warn('REDIS_URL unset: this replica remembers signed-request nonces alone; a request replayed to another replica is not recognised');
  }
  return new NonceRegistry(config.signatureWindowMs);
}

/**
 * The subgraph's Apollo Server with every plugin it runs with, not yet started: what
 * `startSubgraph` serves over HTTP, and what tests run operations on in-process.
 */
export function createSubgraphApollo<TClient, TContext extends TenantContext>(
  definition: SubgraphDefinition<TClient, TContext>,
  metrics: ServiceMetrics,
  logger: Logger,
  redis: RedisConnection | null,
): ApolloServer<TContext> {
  return new ApolloServer<TContext>({
    schema: definition.schema,
    includeStacktraceInErrorResponses: false,
    // runService owns the process lifecycle and stops the HTTP server before Apollo.
    stopOnTerminationSignals: false,
    formatError: maskUnexpectedErrors(logger),
    // Inline traces only serve Apollo Studio usage reporting, which this platform does not use.
    plugins: [
      tenantRequiredPlugin<TContext>(),
      // Also here, not only at the gateway: a subgraph's database is what cannot store NUL.
      stringInputGuardPlugin<TContext>(),
      ApolloServerPluginInlineTraceDisabled(),
      observabilityPlugin<TContext>(metrics, logger, { subgraph: definition.name, clientErrorCodes: definition.clientErrorCodes ?? [] }),
      ...(definition.plugins?.({ redis, logger }) ?? []),
    ],
  });
}

/** Opens the database, brings its schema up to date, seeds the demo tenant and listens. */
export async function startSubgraph<TClient, TContext extends TenantContext>(
  definition: SubgraphDefinition<TClient, TContext>,
  config: SubgraphConfig,
  logger: Logger,
): Promise<StartedSubgraph<TClient>> {
  // Before anything serves requests; a no-op without SENTRY_DSN (the SDK is not even loaded).
  initSentry(config.observability.sentry, { service: definition.name, logger });
  const metrics = createServiceMetrics(definition.name);
  // Every SQL statement the client sends is timed at the driver adapter (see observability/database),
  // sent only while the request's deadline allows (database/deadline-guard), and a commit whose
  // answer was lost is reported as such (database/commit-outcome).
  const opened = await openDatabase({ url: config.databaseUrl, embeddedDir: config.embeddedDir, timeouts: config.databaseTimeouts, logger });
  const database = observeDatabase(guardDeadlines(flagUnknownCommits(opened)), metrics);
  const databaseState = databaseHealth(database);
  logger.info({ database: database.location, kind: database.kind }, 'database opened');
  let client: TClient | null = null;
  let redis: RedisConnection | null = null;
  try {
    await prepareSchema(database, config, definition.migrationsDir, logger);
    // From here on every statement runs as a role that row-level security binds.
    const role = await enterRuntimeRole(database);
    logger.info({ role }, 'database role checked: row-level security applies');
    const connected = definition.connect(database, logger);
    client = connected;
    if (config.seedDemoData) await definition.seedDemoTenant(connected, logger);
    // One connection per replica, for the replay guard and the subgraph's own plugins alike.
    if (config.redis) redis = connectRedis(config.redis.url, config.redis.keyPrefix, logger, config.redis);

    const apollo = createSubgraphApollo(definition, metrics, logger, redis);
    await apollo.start();
    if (!config.gatewaySigningSecret) logger.warn('GATEWAY_SIGNING_SECRET unset: accepting unsigned requests (development)');
    const secret = config.gatewaySigningSecret;
    const readiness = new Readiness();
    // The shared replay guard must have worked once before this replica takes traffic: until
    // then every signed mutation would be refused (see verifyRequest). A later Redis outage
    // refuses mutations only, without taking every replica out of rotation.
    const shared = redis;
    const redisOnce = shared && secret ? onceTrue(() => shared.isReady()) : null;
    if (redisOnce) readiness.require('redis connected once', redisOnce.condition);
    // Ready only while the database answers: the gateway's readiness reads this too.
    readiness.require('database', async () => (await databaseState()) === 'up');
    const httpServer = createGraphQLHttpServer<TContext>({
      apollo,
      logger,
      metrics,
      // Subgraph requests carry many entity representations; the gateway bounds client input.
      maxBodyBytes: 5 * 1024 * 1024,
      timeouts: config.httpTimeouts,
      ...(secret
        ? {
            checkCaller: gatewaySignatureCheck({
              secret,
              audience: definition.name,
              windowMs: config.signatureWindowMs,
              nonces: nonceStore(config, redis, logger),
            }),
          }
        : {}),
      honourDeadlines: true,
      context: async (req, observation) => {
        const tenantId = tenantFromHeader(req.headers[TENANT_HEADER]);
        // Request-scoped: every line a resolver logs carries requestId, traceId and tenant.
        return definition.context({ tenantId, client: connected, logger: observation.logger.child({ tenant: tenantId }), headers: req.headers });
      },
      observability: { service: definition.name, tags: { subgraph: definition.name } },
      routes: {
        '/health': (_req, res) => sendJson(res, 200, { status: 'ok', service: definition.name }),
        '/ready': readinessRoute(readiness, definition.name, async () => ({ database: await databaseState() })),
        ...metricsRoutes(metrics, config.observability, config.mode, logger),
      },
    });
    const { url, port } = await listen(httpServer, config.port, config.host);
    return {
      url,
      port,
      client: connected,
      ready: redisOnce?.settled ?? Promise.resolve(),
      drain() {
        readiness.drain();
        closeConnectionsAfterEachResponse(httpServer);
      },
      async stop() {
        redisOnce?.cancel();
        await closeHttpServer(httpServer);
        await apollo.stop();
        await shared?.close();
        await definition.disconnect(connected);
        await database.close();
        await flushSentry();
      },
    };
  } catch (error) {
    if (client !== null) await definition.disconnect(client).catch(() => undefined);
    await redis?.close();
    await database.close().catch(() => undefined);
    throw error;
  }
}
