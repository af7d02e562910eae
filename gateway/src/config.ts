import path from 'node:path';
import { readRedisSettings, type RedisSettings } from '@reservations/platform/cache/redis-config';
import { readHttpServerTimeouts, type HttpServerTimeouts } from '@reservations/platform/http/graphql-http-server';
import {
  EnvReader,
  REPO_ROOT,
  SHARED_SETTINGS,
  type EnvReaderOptions,
  type LogFormat,
  type RuntimeMode,
  type SettingDescriptions,
} from '@reservations/platform/config';
import { readShutdownDrainMs } from '@reservations/platform/http/run-service';
import { OBSERVABILITY_SETTINGS, readObservabilityConfig, type ObservabilityConfig } from '@reservations/platform/observability/config';
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
  logFormat: LogFormat;
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
  /** An `_entities` query sends each distinct representation once (see entity-representations). */
  deduplicateEntityRepresentations: boolean;
  /** Who executes query plans: the gateway's own executor (see execution/native-execution) or Apollo's. */
  queryPlanExecutor: 'native' | 'apollo';
  /** The native executor sends identical entity fetches that start together as one request (see execution/entity-fetch-coalescing). */
  coalesceEntityFetches: boolean;
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

export function readGatewayConfig(env: Record<string, string | undefined> = process.env, options?: EnvReaderOptions): GatewayConfig {
  const reader = new EnvReader(env, options);
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
    logFormat: reader.logFormat(),
    host: reader.string('HOST', '0.0.0.0'),
    port: reader.port('GATEWAY_PORT', 4000),
    supergraphPath: supergraphPath ? path.resolve(supergraphPath) : path.join(REPO_ROOT, 'supergraph.graphql'),
    subgraphUrls,
    resilience,
    defaultResilience: readResiliencePolicy(reader, null),
    deduplicateSubgraphQueries: reader.bool('DEDUPLICATE_SUBGRAPH_QUERIES', true),
    deduplicateEntityRepresentations: reader.bool('DEDUPLICATE_ENTITY_REPRESENTATIONS', true),
    queryPlanExecutor: reader.oneOf('QUERY_PLAN_EXECUTOR', ['native', 'apollo'] as const, 'native'),
    coalesceEntityFetches: reader.bool('COALESCE_ENTITY_FETCHES', true),
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
    reader.report(
      `TENANT_COST_BUDGET (${defaultBudget}) must be 0 (off) or at least MAX_QUERY_COST (${config.limits.maxCost}), or no costly operation could ever run`,
    );
  }
  reader.done();
  return config;
}

/** Every variable readGatewayConfig reads, described (docs/configuration.md and .env.example are generated from it). */
export const GATEWAY_SETTINGS: SettingDescriptions = {
  ...SHARED_SETTINGS,
  ...OBSERVABILITY_SETTINGS,
  GATEWAY_PORT: { group: 'Process and HTTP server', meaning: 'Port of the gateway.' },
  SUPERGRAPH_PATH: {
    group: 'Routing to subgraphs and resilience',
    meaning: 'The composed supergraph to serve.',
    default: '`supergraph.graphql` at the repository root',
  },
  CUSTOMER_SUBGRAPH_URL: {
    group: 'Routing to subgraphs and resilience',
    meaning: 'Where the gateway reaches the customer subgraph, e.g. inside docker-compose.',
    default: "the supergraph's `routing_url`",
    example: 'http://localhost:4004/graphql',
  },
  RESERVATION_SUBGRAPH_URL: {
    group: 'Routing to subgraphs and resilience',
    meaning: 'Where the gateway reaches the reservation subgraph.',
    default: "the supergraph's `routing_url`",
    example: 'http://localhost:4003/graphql',
  },
  SERVICE_MAX_RETRIES: {
    group: 'Routing to subgraphs and resilience',
    meaning: 'Retries after a failed subgraph attempt (queries, and mutations carrying an `idempotencyKey`).',
  },
  SERVICE_RETRY_DELAY_MS: { group: 'Routing to subgraphs and resilience', meaning: 'First retry delay, doubled each retry, ±20 % jitter.' },
  SERVICE_MAX_RETRY_DELAY_MS: { group: 'Routing to subgraphs and resilience', meaning: 'Cap on one retry delay, `Retry-After` included.' },
  SERVICE_TIMEOUT: { group: 'Routing to subgraphs and resilience', meaning: 'Per-attempt timeout in ms.' },
  SERVICE_DEADLINE_MS: { group: 'Routing to subgraphs and resilience', meaning: 'Overall budget of one subgraph request, retries included.' },
  SERVICE_BREAKER_THRESHOLD: { group: 'Routing to subgraphs and resilience', meaning: "Consecutive failed attempts that open a subgraph's circuit." },
  SERVICE_BREAKER_RESET_MS: { group: 'Routing to subgraphs and resilience', meaning: 'How long an open circuit fails fast before one probe.' },
  SERVICE_MAX_RESPONSE_BYTES: {
    group: 'Routing to subgraphs and resilience',
    meaning: 'Largest subgraph answer the gateway buffers; a larger one is not read and its part of the answer is `RESPONSE_TOO_LARGE`.',
  },
  '<SUBGRAPH>_SERVICE_*': {
    group: 'Routing to subgraphs and resilience',
    meaning: 'Each `SERVICE_*` setting above for one subgraph only, e.g. `RESERVATION_SERVICE_TIMEOUT=2000`.',
    default: 'the `SERVICE_*` value',
  },
  DEDUPLICATE_SUBGRAPH_QUERIES: {
    group: 'Routing to subgraphs and resilience',
    meaning: 'Identical subgraph queries in flight at the same moment share one request (never mutations, never across tenants or credentials).',
  },
  DEDUPLICATE_ENTITY_REPRESENTATIONS: {
    group: 'Routing to subgraphs and resilience',
    meaning:
      'A subgraph call for entities (`_entities`) names each distinct entity once, however often the answer reaches it; the answer is the same either way. `false` sends one per occurrence, as Apollo Gateway does.',
  },
  QUERY_PLAN_EXECUTOR: {
    group: 'Routing to subgraphs and resilience',
    meaning:
      "`native`: the gateway executes Apollo's query plans itself, with each operation's result shaping compiled once: the same answers for much less CPU. Plans with subscriptions, @defer or data rewrites, and operations asking for introspection, still run on Apollo's executor. `apollo`: every plan on Apollo's executor.",
  },
  COALESCE_ENTITY_FETCHES: {
    group: 'Routing to subgraphs and resilience',
    meaning:
      "With the native executor: entity fetches that ask one subgraph the same question at different places of the answer, and start together, go out as one `_entities` request (Apollo's planner gives each place its own). The answer is the same either way; `false` sends each on its own, as Apollo Gateway does.",
  },
  DEDUPLICATE_CLIENT_QUERIES: {
    group: 'Routing to subgraphs and resilience',
    meaning:
      'Identical client queries in flight at once (same tenant, caller, document, operation name and variables) run once and share the answer; never mutations. See [caching](caching.md#identical-queries-in-flight-inbound-deduplication).',
  },
  READY_PROBE_INTERVAL_MS: {
    group: 'Routing to subgraphs and resilience',
    meaning: 'How long one round of subgraph probes answers `GET /ready` (`0` probes on every call; concurrent calls still share a round).',
  },
  RESPONSE_CACHE_ENABLED: { group: 'Redis and caches', meaning: 'Cache whole responses of cacheable queries (catalogue reads).' },
  REDIS_DEFAULT_TTL: { group: 'Redis and caches', meaning: 'The longest a cached response is kept, in seconds.' },
  APQ_TTL_SECONDS: { group: 'Persisted queries and trusted documents', meaning: 'How long a registered persisted query is kept, in seconds.' },
  APQ_MAX_DOCUMENT_BYTES: {
    group: 'Persisted queries and trusted documents',
    meaning: 'Largest document a client may register as a persisted query (400 `PERSISTED_QUERY_LIMIT_EXCEEDED` above).',
  },
  APQ_TENANT_MAX_DOCUMENTS: {
    group: 'Persisted queries and trusted documents',
    meaning:
      'Registrations per tenant per `APQ_TTL_SECONDS` window, shared in Redis when configured (429 `PERSISTED_QUERY_LIMIT_EXCEEDED` with `Retry-After` above).',
  },
  APQ_TENANT_MAX_BYTES: {
    group: 'Persisted queries and trusted documents',
    meaning: 'Registered bytes per tenant per `APQ_TTL_SECONDS` window, likewise.',
  },
  TRUSTED_DOCUMENTS_MODE: {
    group: 'Persisted queries and trusted documents',
    meaning:
      '`off` runs anything; `allow-and-log` runs unlisted operations but logs and counts them; `enforce` runs only listed documents, sent by hash. See [security](security.md#trusted-documents).',
  },
  TRUSTED_DOCUMENTS_PATH: {
    group: 'Persisted queries and trusted documents',
    meaning:
      "A trusted-documents manifest (hash to document, as GraphQL Code Generator's client preset writes it), or a directory whose `*.json` manifests are all loaded.",
    example: './examples/web/src/gql/persisted-documents.json',
  },
  TRUSTED_DOCUMENTS_FROM_REDIS: {
    group: 'Persisted queries and trusted documents',
    meaning: 'Also look up hashes a front-end deploy published to Redis (`npm run documents:publish`); needs `REDIS_URL`.',
  },
  AUTH_REQUIRED: { group: 'Security', meaning: 'Require a bearer JWT on every request; needs `JWT_SECRET` or `JWT_JWKS_URL`.' },
  JWT_SECRET: { group: 'Security', meaning: 'HS256 key for caller tokens.' },
  JWT_JWKS_URL: {
    group: 'Security',
    meaning: 'JWKS URL for RS256/ES256 caller tokens.',
    example: 'https://issuer.example.com/.well-known/jwks.json',
  },
  JWT_ISSUER: { group: 'Security', meaning: 'Expected `iss` of caller tokens, checked when set.', example: 'https://issuer.example.com/' },
  JWT_AUDIENCE: { group: 'Security', meaning: 'Expected `aud` of caller tokens, checked when set.', example: 'reservations-api' },
  JWT_TENANT_CLAIM: { group: 'Security', meaning: "The token claim naming the caller's tenant." },
  JWT_REQUIRE_EXP: {
    group: 'Security',
    meaning: 'Refuse tokens without an `exp` claim; `false` accepts tokens that never expire (not recommended).',
  },
  JWT_MAX_LIFETIME_SECONDS: {
    group: 'Security',
    meaning: 'The longest a token may be valid: `exp - iat` and `exp - now` above it are refused (with `JWT_REQUIRE_EXP`).',
  },
  INTROSPECTION: { group: 'Security', meaning: 'Allow schema introspection.', default: '`false` in production, else `true`' },
  LANDING_PAGE: { group: 'Security', meaning: 'Serve Apollo Sandbox on `GET /graphql`.', default: '`false` in production, else `true`' },
  CORS_ORIGINS: {
    group: 'Security',
    meaning: 'Origins browsers may call from (exact origins, never with credentials).',
    default: '`*` outside production, none in production',
    example: 'https://app.example.com',
  },
  MAX_BODY_BYTES: { group: 'Security', meaning: 'Largest accepted request body (413 `PAYLOAD_TOO_LARGE` above).' },
  MAX_QUERY_DEPTH: { group: 'Admission limits and tenant budgets', meaning: 'Depth of an operation (fragments add no depth).' },
  MAX_QUERY_ALIASES: { group: 'Admission limits and tenant budgets', meaning: 'Aliases in an operation, fragments expanded.' },
  MAX_ROOT_FIELDS: { group: 'Admission limits and tenant budgets', meaning: 'Root fields of an operation, fragments expanded.' },
  MAX_QUERY_COST: {
    group: 'Admission limits and tenant budgets',
    meaning: 'Estimated cost of one operation (see [demand control](security.md#demand-control)).',
  },
  TENANT_COST_BUDGET: {
    group: 'Admission limits and tenant budgets',
    meaning:
      'Cost each tenant may spend per window, shared by all gateway replicas through Redis; `0` turns budgets off, otherwise at least `MAX_QUERY_COST`.',
  },
  TENANT_COST_WINDOW_SECONDS: { group: 'Admission limits and tenant budgets', meaning: 'Length of a budget window.' },
  TENANT_COST_BUDGETS: {
    group: 'Admission limits and tenant budgets',
    meaning: 'Per-tenant budgets replacing the default (`0`: not limited).',
    format: 'JSON object of tenant to budget',
    example: '{"big-venue": 5000000, "internal-tools": 0}',
  },
  TENANT_MAX_IN_FLIGHT: {
    group: 'Admission limits and tenant budgets',
    meaning:
      'Requests of one tenant in progress at once on one replica; further ones wait with their bodies unread. See [security](security.md#in-flight-slots-per-tenant).',
  },
  TENANT_MAX_QUEUED: {
    group: 'Admission limits and tenant budgets',
    meaning: 'Requests of one tenant waiting for a slot; the next is refused with 429 `RATE_LIMITED`.',
  },
  RATE_LIMITED_HOLD_MS: {
    group: 'Admission limits and tenant budgets',
    meaning:
      "How long a refusal to a tenant over its budget is held before it is sent (never past the window's end; `0` sends it at once), pacing clients that ignore `Retry-After`.",
  },
};
