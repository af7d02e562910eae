import { createHash, timingSafeEqual } from 'node:crypto';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RedisConnection, RedisFailure } from '../cache/redis-connection';
import type { RuntimeMode } from '../config';
import { ErrorCode } from '../errors';
import { sendJson, type RouteHandler } from '../http/routes';
import type { Logger } from '../logger';
import type { ObservabilityConfig } from './config';

/** Outcome of a GraphQL request: no errors, only errors the client caused, or anything else. */
export type RequestOutcome = 'success' | 'client_error' | 'server_error';

/**
 * Why the HTTP server answered a request itself, before any GraphQL ran. A fixed set: a label
 * taken from the request (its path, say) would let clients grow the series without limit.
 */
const REFUSAL_REASONS = [
  'invalid_target', // 400: a request target no URL parser accepts
  'body_too_large', // 413
  'invalid_json', // 400: a JSON content type with a body that does not parse
  'caller_refused', // 401: a subgraph request without a valid gateway signature
  'caller_unverifiable', // 503: a signed mutation while the shared replay guard (Redis) is unreachable
  'deadline_passed', // 503: a subgraph request that arrived after the gateway's deadline for it
  'method_not_allowed', // 405 on /graphql
  'not_found', // 404: no such route
  'metrics_unauthorized', // 401: /metrics without METRICS_TOKEN
  // Refused while the request's context was built (a service adds its own reasons, by code):
  'invalid_tenant', // 400: a malformed x-tenant-id
  'context_refused', // any other refusal while building the context
] as const;

/** The platform's reasons, or one of the service's own (given to the constructor, so each is exported from the start). */
export type RefusalReason = (typeof REFUSAL_REASONS)[number] | (string & {});

/** Context refusals every service counts apart, by error code. */
const CONTEXT_REFUSALS: Readonly<Record<string, string>> = { [ErrorCode.InvalidTenant]: 'invalid_tenant' };

/** Operation names come from clients; past this many distinct ones, new names count as `other`. */
const MAX_OPERATION_LABELS = 100;

const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const QUERY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * Process metrics (CPU, memory, event loop lag, GC) describe the process, not a service
 * instance, and their collectors (an event-loop monitor, a GC observer) must not be started
 * once per server when tests run several servers in one process: one registry per process.
 */
let processRegistry: Registry | null = null;

function processMetrics(): Registry {
  if (processRegistry === null) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** SQL statement kind from its first keyword: a label with a handful of values. */
function statementKind(sql: string): string {
  // The statement that opens every tenant transaction (database/tenant-client), counted apart.
  if (sql.startsWith(`SELECT set_config('app.tenant_id'`)) return 'tenant';
  const keyword = /^\s*([A-Za-z]+)/.exec(sql)?.[1]?.toLowerCase();
  switch (keyword) {
    case 'select':
    case 'insert':
    case 'update':
    case 'delete':
    case 'with':
      return keyword;
    case 'begin':
    case 'commit':
    case 'rollback':
    case 'savepoint':
    case 'release':
      return 'transaction';
    default:
      return 'other';
  }
}

/**
 * One service instance's metrics in its own registry (never prom-client's global default), so
 * several servers in one process keep separate counts. Every series carries `service`.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'operation' | 'type' | 'outcome'>;
  private readonly requestSeconds: Histogram<'operation' | 'type' | 'outcome'>;
  private readonly refused: Counter<'reason'>;
  private queries: Histogram<'statement' | 'outcome'> | null = null;
  private readonly operations = new Set<string>();
  private readonly contextRefusals: Readonly<Record<string, string>>;

  /**
   * `contextRefusals`: the service's own refusals while building a request's context, as
   * error code -> reason (a fixed set, like the platform's reasons). `ownRefusals`: reasons the
   * service's own HTTP edge refuses with.
   */
  constructor(
    readonly service: string,
    contextRefusals: Readonly<Record<string, string>> = {},
    ownRefusals: readonly string[] = [],
  ) {
    this.contextRefusals = { ...CONTEXT_REFUSALS, ...contextRefusals };
    this.registry.setDefaultLabels({ service });
    this.requests = new Counter({
      name: 'graphql_requests_total',
      help: 'GraphQL requests by operation name, operation type and outcome',
      labelNames: ['operation', 'type', 'outcome'],
      registers: [this.registry],
    });
    this.requestSeconds = new Histogram({
      name: 'graphql_request_duration_seconds',
      help: 'Time from receiving a GraphQL request to sending its response',
      labelNames: ['operation', 'type', 'outcome'],
      buckets: REQUEST_BUCKETS,
      registers: [this.registry],
    });
    this.refused = new Counter({
      name: 'http_requests_refused_total',
      help: 'HTTP requests answered with an error before any GraphQL ran, by reason',
      labelNames: ['reason'],
      registers: [this.registry],
    });
    // Every reason is exported from the start, so a first refusal is an increase, not a new series.
    for (const reason of new Set([...REFUSAL_REASONS, ...Object.values(contextRefusals), ...ownRefusals])) this.refused.inc({ reason }, 0);
  }

  /** The operation label: the name, `anonymous`, `unresolved` (never parsed or validated), or `other` past the cap. */
  operationLabel(name: string | null | undefined, resolved: boolean): string {
    if (!resolved) return 'unresolved';
    if (!name) return 'anonymous';
    if (this.operations.has(name)) return name;
    if (this.operations.size >= MAX_OPERATION_LABELS) return 'other';
    this.operations.add(name);
    return name;
  }

  recordRequest(labels: { operation: string; type: string; outcome: RequestOutcome }, seconds: number): void {
    this.requests.inc(labels);
    this.requestSeconds.observe(labels, seconds);
  }

  /** A request the HTTP server refused before GraphQL ran: not in graphql_requests_total. */
  recordRefused(reason: RefusalReason): void {
    this.refused.inc({ reason });
  }

  /** A request refused while its context was built, with a GraphQLError of this code. */
  recordContextRefused(code: unknown): void {
    this.refused.inc({ reason: this.contextRefusals[String(code)] ?? 'context_refused' });
  }

  /** Time of one SQL statement the data client sent (services with a database only). */
  recordQuery(sql: string, ok: boolean, seconds: number): void {
    this.queries ??= new Histogram({
      name: 'db_query_duration_seconds',
      help: 'Time of each SQL statement sent by the data client, by statement kind and outcome',
      labelNames: ['statement', 'outcome'],
      buckets: QUERY_BUCKETS,
      registers: [this.registry],
    });
    this.queries.observe({ statement: statementKind(sql), outcome: ok ? 'ok' : 'error' }, seconds);
  }

  /** Exports whether Redis is used (its breaker is closed) and the commands that got no answer. */
  watchRedis(redis: Pick<RedisConnection, 'health'>): void {
    new Gauge({
      name: 'redis_available',
      help: '1 while commands go to Redis, 0 while it is skipped (down, hung or too slow) until a probe answers',
      registers: [this.registry],
      collect() {
        this.set(redis.health().available ? 1 : 0);
      },
    });
    new Counter({
      name: 'redis_commands_failed_total',
      help: 'Redis commands without an answer: skipped (Redis known unhealthy), timeout, error',
      labelNames: ['reason'],
      registers: [this.registry],
      collect() {
        this.reset();
        const failed = redis.health().failedCommands;
        for (const reason of Object.keys(failed) as RedisFailure[]) this.inc({ reason }, failed[reason]);
      },
    });
  }

  /** Prometheus text exposition: process metrics, then this instance's. */
  async render(): Promise<string> {
    const [process, own] = await Promise.all([processMetrics().metrics(), this.registry.metrics()]);
    return `${process.trimEnd()}\n\n${own.trimEnd()}\n`;
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

export function createServiceMetrics(
  service: string,
  contextRefusals: Readonly<Record<string, string>> = {},
  ownRefusals: readonly string[] = [],
): ServiceMetrics {
  return new ServiceMetrics(service, contextRefusals, ownRefusals);
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * Whether an Authorization header bears `token` ("Bearer <token>"); never when there is no
 * token. Both sides are hashed first: equally long, so the comparison's time says nothing about
 * the token, not even its length.
 */
export function bearerCheck(token: string | null): (authorization: string | undefined) => boolean {
  if (token === null) return () => false;
  const expected = sha256(token);
  return (authorization) => {
    const presented = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
    return presented !== undefined && timingSafeEqual(sha256(presented), expected);
  };
}

/** GET and HEAD /metrics; with a token, only for requests that bear it. */
function metricsRoute(metrics: ServiceMetrics, token: string | null): RouteHandler {
  const bearsToken = bearerCheck(token);
  return async (req, res) => {
    if (token !== null && !bearsToken(req.headers.authorization)) {
      metrics.recordRefused('metrics_unauthorized');
      res.setHeader('www-authenticate', 'Bearer');
      sendJson(res, 401, { error: 'unauthorized' });
      return;
    }
    const body = await metrics.render();
    res.writeHead(200, { 'content-type': metrics.contentType, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}

/**
 * The /metrics route as configured: none with METRICS_ENABLED=false, otherwise behind
 * METRICS_TOKEN when it is set. Production without a token is allowed (an ingress may block
 * the path) but said at start-up, since metrics name operations, subgraphs and error rates.
 */
export function metricsRoutes(metrics: ServiceMetrics, config: ObservabilityConfig, mode: RuntimeMode, logger: Logger): Record<string, RouteHandler> {
  if (!config.metricsEnabled) return {};
  if (config.metricsToken === null && mode === 'production') {
    logger.warn('METRICS_TOKEN unset: /metrics is public; set METRICS_TOKEN or block /metrics at the ingress');
  }
  return { '/metrics': metricsRoute(metrics, config.metricsToken) };
}

/** Seconds since `start` (from `process.hrtime.bigint()`). */
export function secondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}
