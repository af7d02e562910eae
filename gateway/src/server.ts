import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import type { QueryPlan, QueryPlanCache } from '@apollo/query-planner';
import { ApolloServer } from '@apollo/server';
import { InMemoryLRUCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';
import { parse } from 'graphql';
import { maskUnexpectedErrors } from '@reservations/platform/errors';
import { closeHttpServer, createGraphQLHttpServer, listen, sendJson } from '@reservations/platform/http/graphql-http-server';
import { closeConnectionsAfterEachResponse, Readiness } from '@reservations/platform/http/lifecycle';
import type { RunningService } from '@reservations/platform/http/run-service';
import type { Logger } from '@reservations/platform/logger';
import { observabilityPlugin } from '@reservations/platform/observability/graphql-plugin';
import { bearerCheck, metricsRoutes } from '@reservations/platform/observability/metrics';
import { flushSentry, initSentry } from '@reservations/platform/observability/sentry';
import { stringInputGuardPlugin } from '@reservations/platform/graphql/string-input-guard';
import { tenantRequiredPlugin } from '@reservations/platform/tenancy';
import { systemClock, type GatewayClock } from './clock';
import type { GatewayConfig } from './config';
import { createGatewayContext, type GatewayContext } from './context';
import { GATEWAY_CLIENT_ERROR_CODES } from './errors';
import { CATALOGUE_VERSION_NAMESPACE, CatalogueVersions } from '@reservations/customer-subgraph/catalogue-versions';
import { connectRedis } from '@reservations/platform/cache/redis-connection';
import { cappedTtl, RESPONSES_NAMESPACE, ResponseCache } from './cache/response-cache';
import { gatewayEdge } from './edge/gateway-edge';
import { NativePlanExecution } from './execution/native-execution';
import { keepNamesOneByte } from './one-byte-names';
import { KnownOperations } from './edge/graphql-request';
import { InboundDeduplication } from './edge/inbound-deduplication';
import { edgeRequest, edgeStatePlugin } from './edge/request-state';
import { TenantAdmission } from './edge/tenant-admission';
import { persistedQueryLimitsPlugin } from './cache/persisted-query-limits';
import { InProcessWindowCounter } from '@reservations/platform/cache/window-counter';
import { landingPagePlugins } from './landing-page';
import { GatewayMetrics } from './observability/metrics';
import { FirstContact, gatewayReadiness, SubgraphReadiness } from './readiness';
import { createCallerResolver } from './security/caller-auth';
import { executableOperationPlugin } from './security/executable-operation';
import { CostDirectives } from './security/cost-directives';
import { EntityFetches } from './security/entity-fetches';
import { demandControlPlugin } from './security/operation-limits';
import { TenantBudgets } from './security/tenant-budget';
import { readManifests, TRUSTED_DOCUMENTS_NAMESPACE, TrustedDocumentList, trustedDocumentsPlugin } from './security/trusted-documents';
import type { SubgraphFetchObserver } from './resilience/resilient-fetcher';
import { createSubgraphLink, type SubgraphLink } from './resilience/subgraph-link';
import { SubgraphDataSource } from './subgraph-data-source';

export interface StartedGateway extends Required<RunningService> {
  port: number;
}

/**
 * The gateway over the static supergraph. `links` collects, per subgraph, the resilient
 * fetcher and the health the gateway learns from its traffic (read by /ready).
 */
export function createGateway(
  config: GatewayConfig,
  supergraphSdl: string,
  logger: Logger,
  links: Map<string, SubgraphLink>,
  onCatalogueChanged: (tenant: string) => Promise<void>,
  observer: SubgraphFetchObserver,
  /** Shared with admission, which plans each operation first (see security/entity-fetches.ts). */
  plans: QueryPlanCache,
  clock: GatewayClock = systemClock,
): ApolloGateway {
  // Before Apollo builds anything from it: its schema names would otherwise make every answer two-byte text (see one-byte-names).
  keepNamesOneByte(parse(supergraphSdl, { noLocation: true }));
  return new ApolloGateway({
    supergraphSdl,
    logger,
    queryPlannerConfig: { cache: plans },
    buildService: ({ name, url }) => {
      const target = config.subgraphUrls[name] ?? url;
      if (!target) throw new Error(`Subgraph "${name}" has no routing URL`);
      const policy = config.resilience[name] ?? config.defaultResilience;
      const link = createSubgraphLink(name, target, {
        policy,
        logger,
        signingSecret: config.gatewaySigningSecret,
        deduplicateQueries: config.deduplicateSubgraphQueries,
        observer,
        clock,
      });
      links.set(name, link);
      return new SubgraphDataSource(link, onCatalogueChanged, logger, config.deduplicateEntityRepresentations);
    },
  });
}

export interface GatewayOptions {
  /** What the gateway's policies read time from (token expiry, timeouts, retries, breaker); tests pass their own. */
  clock?: GatewayClock;
}

export async function startGateway(config: GatewayConfig, logger: Logger, { clock = systemClock }: GatewayOptions = {}): Promise<StartedGateway> {
  // Before anything serves requests; a no-op without SENTRY_DSN (the SDK is not even loaded).
  initSentry(config.observability.sentry, { service: 'gateway', logger });
  const metrics = new GatewayMetrics();
  const links = new Map<string, SubgraphLink>();
  const trusted = config.trustedDocuments;
  // Read before anything opens: a broken manifest stops start-up with nothing to clean up.
  const manifests = trusted.manifestPath ? readManifests(trusted.manifestPath) : new Map<string, Map<string, string>>();
  const redis = config.redis ? connectRedis(config.redis.url, config.redis.keyPrefix, logger, config.redis) : null;
  // Each cache is shared in Redis when configured; otherwise in this process, with the same semantics.
  const store = (namespace: string, maxSize: number, errorsAreMisses = true): KeyValueCache<string> =>
    redis ? redis.keyValueCache(namespace, { errorsAreMisses }) : new InMemoryLRUCache<string>({ maxSize });
  const versions = new CatalogueVersions(store(CATALOGUE_VERSION_NAMESPACE, 1_000_000, false), redis, (hit) =>
    metrics.recordCacheLookup('catalogue-version', hit),
  );
  if (redis) metrics.service.watchRedis(redis);
  // Only the response cache reads catalogue versions: without it, a write has nothing to refresh.
  const onCatalogueChanged = config.responseCache.enabled ? (tenant: string) => versions.bump(tenant) : async () => undefined;
  const trustedDocuments = new TrustedDocumentList(
    manifests.values(),
    trusted.fromRedis && redis ? redis.keyValueCache(TRUSTED_DOCUMENTS_NAMESPACE) : null,
  );
  if (trusted.mode !== 'off') {
    logger.info({ mode: trusted.mode, documents: trustedDocuments.size, fromRedis: trusted.fromRedis }, 'trusted documents on');
  }
  // The gateway's own default: about 30 MiB of plans.
  const plans = new InMemoryLRUCache<QueryPlan>({ maxSize: 30 * 1024 * 1024 });
  // Read once: the gateway plans from it and admission prices operations by its directives.
  const supergraphSdl = readFileSync(config.supergraphPath, 'utf8');
  const gateway = createGateway(config, supergraphSdl, logger, links, onCatalogueChanged, metrics.fetchObserver, plans, clock);
  const budgets = new TenantBudgets(config.tenantBudgets, redis, logger);
  const known = new KnownOperations();
  const responseCache = config.responseCache.enabled
    ? new ResponseCache(
        cappedTtl(store(RESPONSES_NAMESPACE, 64 * 1024 * 1024), config.responseCache.maxTtlSeconds),
        redis !== null,
        versions,
        budgets,
        known,
        (cache, hit) => metrics.recordCacheLookup(cache, hit),
        createHash('sha256').update(supergraphSdl).digest('base64url').slice(0, 16),
      )
    : null;
  const apollo = new ApolloServer<GatewayContext>({
    gateway: new NativePlanExecution(gateway, plans, {
      native: config.queryPlanExecutor === 'native',
      coalesceEntityFetches: config.coalesceEntityFetches,
      executed: metrics.recordPlanExecution,
    }),
    // Automatic persisted queries: in Redis when configured, so every gateway instance (and
    // a restarted one) knows a hash once any has seen it; else an in-process LRU cache.
    // Every hash lookup counts as an `apq` cache hit or miss in /metrics.
    persistedQueries: {
      ttl: config.apqTtlSeconds,
      cache: metrics.countLookups('apq', store('apq', 30 * 1024 * 1024)), // Apollo's default size
    },
    introspection: config.introspection,
    // Bounds parsing work before validation ever runs (a huge document is refused early).
    parseOptions: { maxTokens: 10_000 },
    includeStacktraceInErrorResponses: false,
    // runService owns the process lifecycle and stops the HTTP server before Apollo.
    stopOnTerminationSignals: false,
    formatError: maskUnexpectedErrors(logger),
    plugins: [
      // First: its refusal must be the one a refused request gets (see trusted-documents).
      trustedDocumentsPlugin<GatewayContext>(trusted.mode, trustedDocuments, logger, metrics.trustedDocumentsObserver),
      tenantRequiredPlugin<GatewayContext>(),
      executableOperationPlugin<GatewayContext>(),
      stringInputGuardPlugin<GatewayContext>(),
      demandControlPlugin<GatewayContext>({
        limits: config.limits,
        directives: CostDirectives.fromSupergraph(supergraphSdl),
        entityFetches: new EntityFetches(gateway, plans),
        budgets,
        recordCost: (estimated, actual) => metrics.recordCost(estimated, actual),
      }),
      persistedQueryLimitsPlugin<GatewayContext>(
        config.apqLimits,
        redis ? redis.windowCounter('persisted-query-quota', config.apqTtlSeconds) : new InProcessWindowCounter(config.apqTtlSeconds),
      ),
      ...landingPagePlugins(config.landingPage),
      ...(responseCache ? [responseCache.plugin()] : []),
      edgeStatePlugin<GatewayContext>(),
      observabilityPlugin<GatewayContext>(metrics.service, logger, { clientErrorCodes: GATEWAY_CLIENT_ERROR_CODES }),
    ],
  });
  await apollo.start().catch(async (error: unknown) => {
    await redis?.close();
    throw error;
  });
  // Loading the supergraph built one link per subgraph: expose their breakers.
  for (const link of links.values()) metrics.watchSubgraph(link);
  const firstContact = new FirstContact(links, { logger });
  const lifecycle = new Readiness().require('every subgraph answered once', () => firstContact.complete);
  const resolveCaller = createCallerResolver(config.auth, clock);
  if (!config.auth.required) {
    logger.warn('authentication not required: the x-tenant-id header alone selects the tenant (development mode)');
  }
  if (!config.gatewaySigningSecret) logger.warn('GATEWAY_SIGNING_SECRET unset: requests to subgraphs are not signed');
  const subgraphReadiness = new SubgraphReadiness(links, redis, { probeIntervalMs: config.readyProbeIntervalMs });
  const bearsMetricsToken = bearerCheck(config.observability.metricsToken);
  const admission = new TenantAdmission(config.tenantAdmission, budgets);
  metrics.watchAdmission(admission);
  const httpServer = createGraphQLHttpServer<GatewayContext>({
    apollo,
    logger,
    metrics: metrics.service,
    maxBodyBytes: config.maxBodyBytes,
    timeouts: config.httpTimeouts,
    corsOrigins: config.corsOrigins,
    edge: gatewayEdge({
      resolveCaller,
      admission,
      known,
      cache: responseCache,
      deduplication: config.deduplicateClientQueries ? new InboundDeduplication() : null,
      trustedDocuments: { mode: trusted.mode, list: trustedDocuments, observer: metrics.trustedDocumentsObserver },
      metrics: metrics.service,
      recordShared: () => metrics.recordSharedAnswer(),
      logger,
    }),
    context: async (req, observation) => {
      const context = await createGatewayContext(req, edgeRequest(req, resolveCaller), observation);
      if (context.tenantId !== null) budgets.refuseIfSpent(context.tenantId);
      return context;
    },
    // The edge: a client's bare traceparent gives the trace id, not the sampling decision.
    observability: { service: 'gateway', edge: true },
    routes: {
      '/health': (_req, res) => sendJson(res, 200, { status: 'ok', service: 'gateway' }),
      '/ready': async (req, res) => {
        const { httpStatus, body } = await gatewayReadiness(await lifecycle.state(), subgraphReadiness);
        // Subgraph URLs, breaker states and last errors are for operators, not for anyone who reaches the port.
        const detailed = config.mode !== 'production' || bearsMetricsToken(req.headers.authorization);
        sendJson(res, httpStatus, detailed ? body : { status: body.status });
      },
      ...metricsRoutes(metrics.service, config.observability, config.mode, logger),
    },
  });
  try {
    const { url, port } = await listen(httpServer, config.port, config.host);
    return {
      url,
      port,
      ready: firstContact.run(),
      drain() {
        lifecycle.drain();
        closeConnectionsAfterEachResponse(httpServer);
      },
      async stop() {
        firstContact.stop();
        await closeHttpServer(httpServer);
        await apollo.stop();
        for (const link of links.values()) link.close();
        await redis?.close();
        await flushSentry();
      },
    };
  } catch (error) {
    await apollo.stop();
    await redis?.close();
    throw error;
  }
}
