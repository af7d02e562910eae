// Hand-written retry loop: p-retry/cockatiel cannot tell a request whose bytes may have reached the subgraph (never re-sent unless idempotent) nor bound attempts by the client's deadline.
import type { Fetcher, FetcherRequestInit } from '@apollo/utils.fetcher';
import { GraphQLError } from 'graphql';
import { ErrorCode, outcomeUnknown } from '@reservations/platform/errors';
import { DEADLINE_HEADER } from '@reservations/platform/http/deadline';
import { isTimeout } from '@reservations/platform/http/timeout';
import { secondsSince } from '@reservations/platform/observability/metrics';
import { REQUEST_ID_HEADER } from '@reservations/platform/http/request-id';
import { TRACEPARENT_HEADER } from '@reservations/platform/observability/trace-context';
import type { Logger } from '@reservations/platform/logger';
import { currentRequest } from '@reservations/platform/observability/request-scope';
import { SIGNATURE_HEADER, signatureFor } from '@reservations/platform/security/request-signing';
import { GatewayErrorCode } from '../errors';
import { systemClock, type GatewayClock } from '../clock';
import type { CircuitBreaker } from './circuit-breaker';
import type { ResiliencePolicy } from './policy';
import { isQueryBody } from '@reservations/platform/graphql/request-body';
import { isRetrySafeBody } from './retry-safety';
import type { SubgraphHealth } from './subgraph-health';
import { requestWasSent, SubgraphResponseTooLargeError, type SubgraphResponse, type SubgraphTransport } from './subgraph-transport';

/** How one attempt ended: answered (any status but the retryable ones), or why not. */
export type AttemptResult = 'answered' | 'timeout' | 'network' | 'http_429' | 'http_5xx';
/** How a whole subgraph request ended: answered, or the reason it became SERVICE_UNAVAILABLE. */
export type FetchOutcome = 'answered' | 'circuit_open' | 'deadline' | 'not_retried' | 'retries_exhausted' | 'no_time_left';

/** What metrics and error reporting learn from a subgraph's fetcher (see gateway/src/observability). */
export interface SubgraphFetchObserver {
  attempt(subgraph: string, result: AttemptResult, seconds: number): void;
  retry(subgraph: string, reason: string): void;
  finished(subgraph: string, outcome: FetchOutcome, seconds: number, reason: string | null): void;
  /** A query was answered by an identical one already in flight, without a fetch of its own. */
  deduplicated(subgraph: string): void;
}

/** Statuses that say "try again later"; any other response is the subgraph's answer. */
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

export interface ResilientFetcherOptions {
  subgraph: string;
  policy: ResiliencePolicy;
  breaker: CircuitBreaker;
  health: SubgraphHealth;
  logger: Logger;
  /** Sends one attempt (see subgraph-transport). */
  transport: SubgraphTransport;
  /** Shared secret to sign each attempt with (see platform security/request-signing). */
  signingSecret?: string | null;
  /** Let identical queries in flight at the same time share one subgraph request. */
  deduplicateQueries?: boolean;
  observer?: SubgraphFetchObserver;
  /** Backoff, deadline and Retry-After dates are read from it (default: the system's). */
  clock?: GatewayClock;
}

export function serviceUnavailable(subgraph: string, reason: string): GraphQLError {
  return new GraphQLError(`Subgraph "${subgraph}" is unavailable: ${reason}`, {
    extensions: { code: ErrorCode.ServiceUnavailable, subgraph },
  });
}

/**
 * A change the gateway sent but could not confirm: the subgraph may have applied it. Never
 * reported as a failure, because a client told "failed" would book again.
 */
export function unconfirmedChange(subgraph: string, reason: string): GraphQLError {
  return outcomeUnknown(
    `Subgraph "${subgraph}" did not confirm this change (${reason}); it may or may not have been applied. ` +
      'Retry with the same idempotencyKey, which returns the change if it was made, or read it back ' +
      '(a booking: reservationByIdempotencyKey) before trying again.',
    { subgraph },
  );
}

/**
 * How far before the attempt's own timeout the subgraph's deadline lies: time for the
 * subgraph's refusal to travel back, so the gateway hears "not applied" instead of timing out.
 */
export function deadlineMarginMs(timeoutMs: number): number {
  return Math.min(200, Math.floor(timeoutMs / 10));
}

/** The client asked for more than the gateway buffers from one subgraph: a narrower query will do. */
export function responseTooLarge(subgraph: string, maxBytes: number): GraphQLError {
  return new GraphQLError(`The answer of subgraph "${subgraph}" exceeds ${maxBytes} bytes; ask for fewer items or fields`, {
    extensions: { code: GatewayErrorCode.ResponseTooLarge, subgraph, max: maxBytes },
  });
}

/** Retry-After as milliseconds (delta-seconds or an HTTP date), or null when absent/invalid. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (header === null) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** Exponential backoff with ±20 % jitter: about 1 s, 2 s, 4 s for a 1 s base. */
export function backoffMs(attempt: number, baseMs: number, random: () => number): number {
  return Math.round(baseMs * 2 ** attempt * (0.8 + 0.4 * random()));
}

type Attempt =
  | { kind: 'answered'; response: SubgraphResponse }
  | { kind: 'too-large'; maxBytes: number }
  | { kind: 'retryable-status'; response: SubgraphResponse }
  /** `sent`: the request had been written when the attempt failed. */
  | { kind: 'network'; reason: string; sent: boolean };

/**
 * Gateway statuses after which a sent change may have been applied: a proxy in front of the
 * subgraph answered for it (bad gateway, gateway timeout). A 503 or 429 is a refusal to start.
 */
const STATUS_OUTCOME_UNKNOWN = new Set([502, 504]);

function attemptResult(result: Attempt): AttemptResult {
  if (result.kind === 'answered' || result.kind === 'too-large') return 'answered';
  if (result.kind === 'network') return result.reason.startsWith('timed out') ? 'timeout' : 'network';
  return result.response.status === 429 ? 'http_429' : 'http_5xx';
}

/** Headers that differ per client request without changing the answer: tracing only. */
const PER_REQUEST_HEADERS = new Set([REQUEST_ID_HEADER, TRACEPARENT_HEADER, 'tracestate']);

/**
 * The key under which identical subgraph queries share one fetch, or null when this request
 * must have its own. Only queries qualify (see isQueryBody), and the key holds everything the
 * subgraph sees but tracing: URL, tenant, credentials, and the body with its variables. So
 * requests share an answer only when the subgraph could not have told them apart.
 */
export function deduplicationKey(url: string, headers: Record<string, string> | undefined, body: string): string | null {
  if (!isQueryBody(body)) return null;
  const identity = Object.entries(headers ?? {})
    .filter(([name]) => !PER_REQUEST_HEADERS.has(name.toLowerCase()))
    .map(([name, value]) => `${name.toLowerCase()}:${value}`)
    .sort()
    .join('\n');
  return `${url}\n${identity}\n${body}`;
}

/** A copy per waiting request: Apollo may extend errors it is handed. */
function copyError(error: unknown): unknown {
  return error instanceof GraphQLError ? new GraphQLError(error.message, { extensions: error.extensions }) : error;
}

/**
 * The fetcher the gateway uses for one subgraph: per-attempt timeout, bounded retries with
 * backoff for requests that are safe to repeat, an overall deadline, and a circuit breaker.
 * Whatever gives up becomes a SERVICE_UNAVAILABLE error naming the subgraph ("not applied"),
 * except a change (anything but a query) that some attempt sent without an answer: that is
 * OUTCOME_UNKNOWN. Each attempt carries its deadline to the subgraph (see platform http/deadline).
 */
export function createResilientFetcher(options: ResilientFetcherOptions): Fetcher {
  const { subgraph, policy, breaker, health, logger, transport, observer, clock = systemClock } = options;

  async function attempt(url: string, method: string, requestHeaders: Record<string, string>, body: string, timeoutMs: number): Promise<Attempt> {
    const headers = { ...requestHeaders, [DEADLINE_HEADER]: String(Date.now() + timeoutMs - deadlineMarginMs(timeoutMs)) };
    const signed = options.signingSecret
      ? { ...headers, [SIGNATURE_HEADER]: signatureFor(options.signingSecret, subgraph, url, method, headers, body) }
      : headers;
    try {
      const response = await transport(url, { method, headers: signed, body, timeoutMs });
      return RETRYABLE_STATUS.has(response.status) ? { kind: 'retryable-status', response } : { kind: 'answered', response };
    } catch (error) {
      if (error instanceof SubgraphResponseTooLargeError) return { kind: 'too-large', maxBytes: error.maxBytes };
      return { kind: 'network', reason: isTimeout(error) ? `timed out after ${timeoutMs} ms` : 'connection failed', sent: requestWasSent(error) };
    }
  }

  const inFlight = new Map<string, Promise<SubgraphResponse>>();

  const fetcher: Fetcher = async (url, init = {}) => {
    const body = init.body === undefined ? '' : init.body.toString();
    const key = options.deduplicateQueries ? deduplicationKey(url, init.headers, body) : null;
    if (key === null) return send(url, init, body);
    const shared = inFlight.get(key);
    if (shared !== undefined) {
      observer?.deduplicated(subgraph);
      return shared.then(
        (response) => response.clone(),
        (error: unknown) => Promise.reject(copyError(error)),
      );
    }
    const own = send(url, init, body);
    inFlight.set(key, own);
    try {
      return (await own).clone();
    } finally {
      inFlight.delete(key);
    }
  };
  return fetcher;

  async function send(url: string, init: FetcherRequestInit, body: string): Promise<SubgraphResponse> {
    const method = init.method ?? 'POST';
    const headers = init.headers ?? {};
    // Within a client request, log with its request-scoped logger (requestId and traceId); built
    // only when there is something to log, which is rare.
    const log = () => currentRequest()?.logger.child({ subgraph }) ?? logger.child({ subgraph, requestId: headers[REQUEST_ID_HEADER] });
    // Breaker transitions are logged here, where the request that caused them is known.
    const observe = <T>(change: () => T): T => {
      const before = breaker.state;
      const result = change();
      if (breaker.state !== before) log().warn({ from: before, to: breaker.state }, `circuit breaker ${breaker.state}`);
      return result;
    };
    const retrySafe = isRetrySafeBody(body);
    const isChange = !isQueryBody(body);
    // Set once an attempt sent a change and heard nothing conclusive: from then on, giving up
    // cannot claim that nothing was applied.
    let unconfirmed = false;
    const deadline = clock.now() + policy.deadlineMs;
    const started = process.hrtime.bigint();
    const giveUp = (outcome: FetchOutcome, reason: string): GraphQLError => {
      observer?.finished(subgraph, outcome, secondsSince(started), reason);
      if (!unconfirmed) return serviceUnavailable(subgraph, reason);
      log().warn({ reason }, 'gave up on a change the subgraph may have applied: outcome unknown');
      return unconfirmedChange(subgraph, reason);
    };

    for (let attemptNumber = 0; ; attemptNumber++) {
      if (!observe(() => breaker.tryAcquire())) throw giveUp('circuit_open', 'circuit open');
      const remaining = deadline - clock.now();
      if (remaining <= 0) {
        breaker.release();
        throw giveUp('deadline', 'deadline exceeded');
      }
      const attemptStarted = process.hrtime.bigint();
      const ticket = breaker.ticket();
      const result = await attempt(url, method, headers, body, Math.min(policy.timeoutMs, remaining));
      observer?.attempt(subgraph, attemptResult(result), secondsSince(attemptStarted));

      if (result.kind === 'answered') {
        observe(() => breaker.recordSuccess(ticket));
        health.succeeded();
        observer?.finished(subgraph, 'answered', secondsSince(started), null);
        return result.response;
      }
      if (result.kind === 'too-large') {
        // The subgraph is healthy and would answer the same again: neither a failure nor worth a retry.
        breaker.release();
        health.succeeded();
        observer?.finished(subgraph, 'answered', secondsSince(started), null);
        log().info({ maxBytes: result.maxBytes }, 'subgraph response over the size cap; not read');
        throw responseTooLarge(subgraph, result.maxBytes);
      }

      let reason: string;
      let waitAtLeast = 0;
      if (result.kind === 'network') {
        reason = result.reason;
        if (reason.startsWith('timed out')) log().warn({ attempt: attemptNumber + 1 }, `subgraph request ${reason}`);
        if (isChange && result.sent) unconfirmed = true;
        observe(() => breaker.recordFailure(ticket));
      } else {
        const { status, headers } = result.response;
        reason = `HTTP ${status}`;
        waitAtLeast = retryAfterMs(headers.get('retry-after'), clock.now()) ?? 0;
        if (isChange && STATUS_OUTCOME_UNKNOWN.has(status)) unconfirmed = true;
        // A 429 is the subgraph protecting itself, not a sign that it is down.
        if (status === 429) breaker.release();
        else observe(() => breaker.recordFailure(ticket));
      }
      health.failed(reason);

      if (!retrySafe) {
        log().warn({ reason }, 'subgraph request failed; not retried (a mutation without idempotency key)');
        throw giveUp('not_retried', reason);
      }
      if (attemptNumber >= policy.maxRetries) {
        log().warn({ reason, attempts: attemptNumber + 1 }, 'subgraph request failed; retries exhausted');
        throw giveUp('retries_exhausted', reason);
      }
      const delay = Math.min(Math.max(backoffMs(attemptNumber, policy.retryDelayMs, Math.random), waitAtLeast), policy.maxRetryDelayMs);
      if (clock.now() + delay >= deadline) {
        log().warn({ reason, attempts: attemptNumber + 1 }, 'subgraph request failed; no time left to retry');
        throw giveUp('no_time_left', reason);
      }
      log().warn({ reason, attempt: attemptNumber + 1, delayMs: delay }, 'retrying subgraph request');
      observer?.retry(subgraph, reason);
      await clock.sleep(delay);
    }
  }
}
