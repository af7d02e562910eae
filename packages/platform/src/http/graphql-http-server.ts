import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLRequest, type HTTPGraphQLResponse } from '@apollo/server';
import type { EnvReader } from '../config';
import { ErrorCode } from '../errors';
import type { Logger } from '../logger';
import type { RefusalReason, ServiceMetrics } from '../observability/metrics';
import { observeRequest, type RequestObservationOptions } from '../observability/observe-request';
import type { RequestObservation } from '../observability/request-scope';
import { reportUnexpectedError } from '../observability/sentry';
import { TENANT_HEADER } from '../tenancy';
import { DEADLINE_PASSED_MESSAGE, deadlineOf, runWithDeadline } from './deadline';
import { REQUEST_ID_HEADER, requestIdOf } from './request-id';
import { sendJson, type RouteHandler } from './routes';

export { sendJson, type RouteHandler } from './routes';

export const GRAPHQL_PATH = '/graphql';
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * How long a client may take, so slow or stalled clients cannot hold connections (and memory)
 * open: Node's own defaults are a minute for headers and five for a whole request.
 */
export interface HttpServerTimeouts {
  /** From connecting (or the previous response) to the end of the request headers. */
  headersTimeoutMs: number;
  /** To receive the whole request, body included (the response may take longer). */
  requestTimeoutMs: number;
  /** How long an idle kept-alive connection stays open for the next request. */
  keepAliveTimeoutMs: number;
}

export const DEFAULT_HTTP_TIMEOUTS: HttpServerTimeouts = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000 };

export function readHttpServerTimeouts(reader: EnvReader): HttpServerTimeouts {
  const timeouts: HttpServerTimeouts = {
    headersTimeoutMs: reader.int('HTTP_HEADERS_TIMEOUT_MS', DEFAULT_HTTP_TIMEOUTS.headersTimeoutMs, { min: 100, max: 300_000 }),
    requestTimeoutMs: reader.int('HTTP_REQUEST_TIMEOUT_MS', DEFAULT_HTTP_TIMEOUTS.requestTimeoutMs, { min: 100, max: 3_600_000 }),
    keepAliveTimeoutMs: reader.int('HTTP_KEEP_ALIVE_TIMEOUT_MS', DEFAULT_HTTP_TIMEOUTS.keepAliveTimeoutMs, { min: 100, max: 600_000 }),
  };
  if (timeouts.requestTimeoutMs < timeouts.headersTimeoutMs) {
    reader.report('HTTP_REQUEST_TIMEOUT_MS: must be at least HTTP_HEADERS_TIMEOUT_MS (the headers are part of the request)');
  }
  return timeouts;
}

/** What a caller check sees of a GraphQL request: enough to verify a signature over it. */
export interface IncomingGraphQLRequest {
  method: string;
  /** Path and query string, as sent. */
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * Whether a GraphQL request may execute at all: a refusal answers 401, or 503
 * SERVICE_UNAVAILABLE (retryable) when `unavailable` says the check itself could not be made.
 */
export type CallerVerdict = { ok: true } | { ok: false; reason: string; unavailable?: true };
export type CallerCheck = (request: IncomingGraphQLRequest) => CallerVerdict | Promise<CallerVerdict>;

/** An answer the server sends as it is, without Apollo. */
export interface EdgeAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * What the edge decided from a request's headers alone, before its body was read: go on
 * (`release` runs once when the response has ended or the client left), or refuse with
 * `answer`, sent after `holdMs` (a pace for clients that ignore Retry-After).
 */
export type EdgeAdmission =
  { admitted: true; release?: () => void } | { admitted: false; answer: EdgeAnswer; reason: RefusalReason; holdMs?: number };

/** Service-specific work at the HTTP edge, around Apollo's pipeline (the gateway's admission, cache and deduplication). */
export interface GraphQLEdge {
  admit?(req: IncomingMessage, observation: RequestObservation): EdgeAdmission | Promise<EdgeAdmission>;
  /** With the parsed request: may answer it (a cache hit) or wrap `run`, which executes it through Apollo. */
  execute?(request: HTTPGraphQLRequest, req: IncomingMessage, run: () => Promise<HTTPGraphQLResponse>): Promise<HTTPGraphQLResponse>;
}

export interface GraphQLHttpServerOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  /**
   * `observation` holds the request's id (also sent back in the x-request-id response header),
   * its trace (and the traceparent to send downstream) and a logger bound to both.
   */
  context: (req: IncomingMessage, observation: RequestObservation) => Promise<TContext>;
  logger: Logger;
  /** The service's metrics: requests this server refuses before GraphQL runs are counted there. */
  metrics: ServiceMetrics;
  /** Extra GET routes such as /health; keys are exact paths. */
  routes?: Record<string, RouteHandler>;
  maxBodyBytes?: number;
  /** For subgraphs: only the gateway's signed requests execute. */
  checkCaller?: CallerCheck;
  /**
   * For subgraphs: honour the gateway's deadline header (see http/deadline). A request whose
   * deadline has passed is refused before it runs; one still in time runs with its deadline in
   * scope, where the database guard reads it.
   */
  honourDeadlines?: boolean;
  /** Origins browsers may call from; `*` for any. Default `*`. */
  corsOrigins?: readonly string[];
  /** Names the service for request logs, traces and Sentry tags (see observability/observe-request). */
  observability?: RequestObservationOptions;
  /** Default DEFAULT_HTTP_TIMEOUTS. */
  timeouts?: HttpServerTimeouts;
  edge?: GraphQLEdge;
}

function sendGraphQLError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { errors: [{ message, extensions: { code } }] });
}

class BodyTooLargeError extends Error {}

/** The client went away before its body arrived: nobody to answer, and no fault of ours. */
class ClientClosedError extends Error {}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError();
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      const buffer = chunk as Buffer;
      size += buffer.length;
      if (size > limit) throw new BodyTooLargeError();
      chunks.push(buffer);
    }
  } catch (error) {
    if (req.destroyed && !(error instanceof BodyTooLargeError)) throw new ClientClosedError('client closed the request before sending its body');
    throw error;
  }
  return Buffer.concat(chunks).toString('utf8');
}

function isJson(req: IncomingMessage): boolean {
  const type = req.headers['content-type'] ?? '';
  return /^application\/(graphql-response\+)?json\b/i.test(type) || /^application\/json/i.test(type);
}

/**
 * Browsers may read responses only from allowed origins: `*` allows any (development and
 * Sandbox), otherwise exact origins such as `https://app.example.com`. No credentials are
 * ever allowed: callers authenticate with a bearer token, not cookies.
 */
function applyCors(req: IncomingMessage, res: ServerResponse, allowedOrigins: readonly string[]): void {
  res.setHeader('vary', 'origin');
  const origin = req.headers.origin;
  if (allowedOrigins.includes('*')) res.setHeader('access-control-allow-origin', '*');
  else if (origin && allowedOrigins.includes(origin)) res.setHeader('access-control-allow-origin', origin);
  else return;
  res.setHeader('access-control-expose-headers', REQUEST_ID_HEADER);
  if (req.method === 'OPTIONS') {
    res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
    const requested = req.headers['access-control-request-headers'];
    res.setHeader('access-control-allow-headers', requested ?? `content-type, ${TENANT_HEADER}, authorization, ${REQUEST_ID_HEADER}`);
    res.setHeader('access-control-max-age', '600');
  }
}

/**
 * A plain node:http front for Apollo Server: GraphQL on /graphql, small JSON routes beside
 * it, bounded bodies, and errors a client can act on instead of HTML or stack traces.
 */
export function createGraphQLHttpServer<TContext extends BaseContext>(options: GraphQLHttpServerOptions<TContext>): http.Server {
  const { apollo, context, logger, metrics, routes = {} } = options;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const corsOrigins = options.corsOrigins ?? ['*'];
  const observability = options.observability ?? { service: 'graphql' };

  async function handleGraphQL(req: IncomingMessage, res: ServerResponse, search: string, observation: RequestObservation): Promise<void> {
    if (options.edge?.admit) {
      const admission = await options.edge.admit(req, observation);
      if (!admission.admitted) {
        metrics.recordRefused(admission.reason);
        // Held without reading the body: the socket costs a timer meanwhile, not the event loop.
        if (admission.holdMs) await sleep(admission.holdMs);
        const { status, headers, body } = admission.answer;
        res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
        res.end(body);
        return;
      }
      const { release } = admission;
      // A client already gone will not close the response again.
      if (release) {
        if (req.socket.destroyed) release();
        else res.once('close', release);
      }
    }
    let body: unknown;
    let text = '';
    if (req.method === 'POST') {
      try {
        text = await readBody(req, maxBodyBytes);
      } catch (error) {
        if (error instanceof BodyTooLargeError) {
          metrics.recordRefused('body_too_large');
          res.setHeader('connection', 'close');
          sendGraphQLError(res, 413, ErrorCode.PayloadTooLarge, `Request body exceeds ${maxBodyBytes} bytes`);
          return;
        }
        // Clients hang up (timeouts, navigation, lost networks): worth a line, not an error report.
        if (error instanceof ClientClosedError) {
          observation.logger.info({ received: text.length }, error.message);
          return;
        }
        throw error;
      }
    }
    if (options.checkCaller) {
      const verdict = await options.checkCaller({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: text });
      if (!verdict.ok && verdict.unavailable) {
        observation.logger.warn({ reason: verdict.reason }, 'cannot verify the caller right now');
        metrics.recordRefused('caller_unverifiable');
        res.setHeader('retry-after', '1');
        sendGraphQLError(res, 503, ErrorCode.ServiceUnavailable, 'Cannot verify the request right now; nothing was executed. Retry shortly');
        return;
      }
      if (!verdict.ok) {
        observation.logger.warn({ reason: verdict.reason }, 'refused a request that is not from the gateway');
        metrics.recordRefused('caller_refused');
        sendGraphQLError(res, 401, ErrorCode.Unauthenticated, 'Only the gateway may call this service');
        return;
      }
    }
    const deadline = options.honourDeadlines ? deadlineOf(req.headers) : null;
    if (deadline !== null && Date.now() >= deadline) {
      observation.logger.info({ deadline: new Date(deadline).toISOString() }, 'refused a request whose deadline had passed');
      metrics.recordRefused('deadline_passed');
      sendGraphQLError(res, 503, ErrorCode.ServiceUnavailable, DEADLINE_PASSED_MESSAGE);
      return;
    }
    if (req.method === 'POST') {
      if (isJson(req)) {
        try {
          body = text === '' ? undefined : JSON.parse(text);
        } catch {
          metrics.recordRefused('invalid_json');
          sendGraphQLError(res, 400, ErrorCode.BadRequest, 'Request body is not valid JSON');
          return;
        }
      } else {
        body = text;
      }
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const httpGraphQLRequest: HTTPGraphQLRequest = { method: req.method ?? 'GET', headers, search, body };
    const run = () =>
      runWithDeadline(deadline, () => apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest, context: () => context(req, observation) }));
    const response = options.edge?.execute ? await options.edge.execute(httpGraphQLRequest, req, run) : await run();
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }

  const timeouts = options.timeouts ?? DEFAULT_HTTP_TIMEOUTS;
  const server = http.createServer(
    {
      headersTimeout: timeouts.headersTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      // Node enforces both timeouts on this tick (default 30 s, which would let short ones overrun).
      connectionsCheckingInterval: Math.min(1_000, Math.ceil(timeouts.headersTimeoutMs / 2)),
    },
    (req, res) => {
      const requestId = requestIdOf(req);
      res.setHeader(REQUEST_ID_HEADER, requestId);
      const url = requestTarget(req.url);
      if (url === null) {
        // A target no URL parser accepts (`//`, `//:x`): the client's mistake, answered, never thrown.
        metrics.recordRefused('invalid_target');
        sendJson(res, 400, { error: 'invalid request target' });
        return;
      }
      applyCors(req, res, corsOrigins);
      const handle = async (): Promise<void> => {
        if (req.method === 'OPTIONS') {
          res.writeHead(204).end();
          return;
        }
        const route = routes[url.pathname];
        if (route && (req.method === 'GET' || req.method === 'HEAD')) {
          await route(req, res);
          return;
        }
        if (url.pathname === GRAPHQL_PATH) {
          if (req.method !== 'GET' && req.method !== 'POST') {
            metrics.recordRefused('method_not_allowed');
            res.setHeader('allow', 'GET, POST, OPTIONS');
            sendGraphQLError(res, 405, ErrorCode.BadRequest, 'Use GET or POST');
            return;
          }
          await observeRequest(req, res, { requestId, path: url.pathname, logger, options: observability }, (observation) =>
            handleGraphQL(req, res, url.search, observation),
          );
          return;
        }
        metrics.recordRefused('not_found');
        sendJson(res, 404, { error: 'not found', graphql: GRAPHQL_PATH });
      };
      handle().catch((error: unknown) => {
        logger.error({ err: error, path: url.pathname, requestId }, 'request failed');
        // A /graphql failure was already reported by observeRequest with the request's tags; the
        // SDK sends an Error object only once, so this adds an event only for the other routes.
        reportUnexpectedError(error, { path: url.pathname });
        if (!res.headersSent) sendGraphQLError(res, 500, ErrorCode.Internal, 'Internal server error');
        else res.destroy();
      });
    },
  );
  server.keepAliveTimeout = timeouts.keepAliveTimeoutMs;
  return server;
}

/** The request's path and query, or null when the target cannot be parsed. */
function requestTarget(target: string | undefined): URL | null {
  try {
    return new URL(target ?? '/', 'http://localhost');
  } catch {
    return null;
  }
}

export interface Listening {
  url: string;
  port: number;
}

export async function listen(server: http.Server, port: number, host: string): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  return { port: address.port, url: `http://${shownHost}:${address.port}${GRAPHQL_PATH}` };
}

/**
 * Stops accepting connections, lets in-flight requests finish for up to `graceMs`, then
 * closes whatever is left, so a stop never hangs on a keep-alive client.
 */
export async function closeHttpServer(server: http.Server, graceMs = 5_000): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const force = setTimeout(() => server.closeAllConnections(), graceMs);
  force.unref();
  await closed;
  clearTimeout(force);
}
