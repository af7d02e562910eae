import path from 'node:path';
import { readRedisSettings, type RedisSettings } from '@reservations/platform/cache/redis-config';
import { readHttpServerTimeouts, type HttpServerTimeouts } from '@reservations/platform/http/graphql-http-server';
import { EnvReader, REPO_ROOT, type RuntimeMode } from '@reservations/platform/config';
import { readShutdownDrainMs } from '@reservations/platform/http/run-service';
import { readObservabilityConfig, type ObservabilityConfig } from '@reservations/platform/observability/config';
import { readPersistedQueryLimits, type PersistedQueryLimits } from './cache/persisted-query-limits';
import { readResiliencePolicy, type ResiliencePolicy } from './resilience/policy';
import { readCallerAuthConfig, type CallerAuthConfig } from './security/caller-auth';
import { readOperationLimits, type OperationLimits } from './security/operation-limits';
import { readTrustedDocumentsConfig, type TrustedDocumentsConfig } from './security/trusted-documents';
import { readTenantBudgetConfig, type TenantBudgetConfig } from './security/tenant-budget';
import { readTenantAdmissionConfig, type TenantAdmissionConfig } from './edge/tenant-admission';

export interface GatewayConfig {
  mode: RuntimeMode;
  logLevel: string;
  host: string;
  port: number;
  /** The composed supergraph SDL the gateway serves (static composition). */
  supergraphPath: string;
  /** Per-subgraph URL overrides of the supergraph's routing URLs, by subgraph name. */
  subgraphUrls: Record<string, string>;
  /** Retry, timeout and breaker settings per known subgraph, and for any other. */
  resilience: Record<string, ResiliencePolicy>;
  defaultResilience: ResiliencePolicy;
  /** Identical queries in flight at once share one subgraph request (see resilient-fetcher). */
  deduplicateSubgraphQueries: boolean;
  /** Identical client queries in flight at once (same tenant, caller, document, variables) run once (see edge/inbound-deduplication). */
  deduplicateClientQueries: boolean;
  /** Shared Redis for the gateway's caches; null means in-process caches only. */
  redis: RedisSettings | null;
  /** How long a registered persisted query (APQ) is kept. */
  apqTtlSeconds: number;
  /** Bounds on registering persisted queries, per document and per tenant per APQ_TTL_SECONDS. */
  apqLimits: PersistedQueryLimits;
  /** Whole-response cache of cacheable queries (catalogue reads). */
  responseCache: { enabled: boolean; maxTtlSeconds: number };
  /** Secret shared with the subgraphs to sign every request sent to them. */
  gatewaySigningSecret: string | null;
  auth: CallerAuthConfig;
  limits: OperationLimits;
  /** Which operations may run: trusted-document manifests and the mode that applies them. */
  trustedDocuments: TrustedDocumentsConfig;
  /** Per-tenant cost budgets per window, shared in Redis when configured. */
  tenantBudgets: TenantBudgetConfig;
  /** Per-tenant in-flight requests and the pace of refusals to spent tenants, at the HTTP edge. */
  tenantAdmission: TenantAdmissionConfig;
  introspection: boolean;
  landingPage: boolean;
  /** Origins browsers may call the gateway from (`*`: any). */
  corsOrigins: string[];
  maxBodyBytes: number;
  /** Header, request and keep-alive timeouts of the HTTP server. */
  httpTimeouts: HttpServerTimeouts;
  /** How long one round of subgraph probes answers GET /ready. */
  readyProbeIntervalMs: number;
  /** Sentry (when SENTRY_DSN is set) and /metrics. */
  observability: ObservabilityConfig;
  /** After SIGTERM, how long /ready fails while requests are still served (SHUTDOWN_DRAIN_MS). */
  shutdownDrainMs: number;
}

/** Subgraph name in supergraph.yaml -> the variable that overrides its routing URL. */
export const SUBGRAPH_URL_VARIABLES = {
  customer: 'CUSTOMER_SUBGRAPH_URL',
  reservation: 'RESERVATION_SUBGRAPH_URL',
} as const;

export function readGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  const reader = new EnvReader(env);
  const subgraphUrls: Record<string, string> = {};
  const resilience: Record<string, ResiliencePolicy> = {};
  for (const [name, variable] of Object.entries(SUBGRAPH_URL_VARIABLES)) {
    const url = reader.optionalUrl(variable, ['http', 'https']);
    if (url !== null) subgraphUrls[name] = url;
    resilience[name] = readResiliencePolicy(reader, name);
  }
  const supergraphPath = reader.optionalString('SUPERGRAPH_PATH');
  const config: GatewayConfig = {
    mode: reader.mode(),
    logLevel: reader.logLevel(),
    host: reader.string('HOST', '0.0.0.0'),
    port: reader.port('GATEWAY_PORT', 4000),
    supergraphPath: supergraphPath ? path.resolve(supergraphPath) : path.join(REPO_ROOT, 'supergraph.graphql'),
    subgraphUrls,
    resilience,
    defaultResilience: readResiliencePolicy(reader, null),
    deduplicateSubgraphQueries: reader.bool('DEDUPLICATE_SUBGRAPH_QUERIES', true),
    deduplicateClientQueries: reader.bool('DEDUPLICATE_CLIENT_QUERIES', true),
    redis: readRedisSettings(reader),
    apqTtlSeconds: reader.int('APQ_TTL_SECONDS', 86_400, { min: 1, max: 31_536_000 }),
    apqLimits: readPersistedQueryLimits(reader),
    responseCache: {
      enabled: reader.bool('RESPONSE_CACHE_ENABLED', true),
      maxTtlSeconds: reader.int('REDIS_DEFAULT_TTL', 300, { min: 1, max: 86_400 }),
    },
    gatewaySigningSecret: reader.secret('GATEWAY_SIGNING_SECRET', { minLength: 32, requiredIn: 'production' }),
    auth: readCallerAuthConfig(reader),
    limits: readOperationLimits(reader),
    trustedDocuments: readTrustedDocumentsConfig(reader),
    tenantBudgets: readTenantBudgetConfig(reader),
    tenantAdmission: readTenantAdmissionConfig(reader),
    introspection: reader.bool('INTROSPECTION', reader.mode() !== 'production'),
    landingPage: reader.bool('LANDING_PAGE', reader.mode() !== 'production'),
    corsOrigins: reader.list('CORS_ORIGINS', reader.mode() === 'production' ? [] : ['*']),
    maxBodyBytes: reader.int('MAX_BODY_BYTES', 262_144, { min: 1_024, max: 10_485_760 }),
    httpTimeouts: readHttpServerTimeouts(reader),
    readyProbeIntervalMs: reader.int('READY_PROBE_INTERVAL_MS', 2_000, { min: 0, max: 60_000 }),
    observability: readObservabilityConfig(reader),
    shutdownDrainMs: readShutdownDrainMs(reader),
  };
  if (config.trustedDocuments.fromRedis && !config.redis) reader.report('TRUSTED_DOCUMENTS_FROM_REDIS: needs REDIS_URL');
  if (config.trustedDocuments.mode === 'enforce' && !config.trustedDocuments.manifestPath && !config.trustedDocuments.fromRedis) {
    reader.report('TRUSTED_DOCUMENTS_MODE=enforce: set TRUSTED_DOCUMENTS_PATH or TRUSTED_DOCUMENTS_FROM_REDIS, or nothing could run');
  }
  const { defaultBudget } = config.tenantBudgets;
  if (defaultBudget > 0 && defaultBudget < config.limits.maxCost) {
    reader.report(`TENANT_COST_BUDGET (${defaultBudget}) must be 0 (off) or at least MAX_QUERY_COST (${config.limits.maxCost}), or no costly operation could ever run`);
  }
  reader.done();
  return config;
}
