import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger';
import { runInRequestScope, type RequestObservation } from './request-scope';
import { reportUnexpectedError, sentryApi } from './sentry';
import { formatTraceparent, incomingTrace, newSpanId, newTraceId, parseTraceparent, toSentryTrace, TRACEPARENT_HEADER } from './trace-context';

export interface RequestObservationOptions {
  /** The service's name in logs and Sentry tags (gateway, customer, reservation). */
  service: string;
  /** Sentry tags for every request of this server, e.g. `{ subgraph: 'customer' }`. */
  tags?: Record<string, string>;
  /**
   * True for the gateway: clients are not trusted to decide sampling with a bare traceparent.
   * Subgraphs follow their caller's decision.
   */
  edge?: boolean;
}

function observation(
  options: RequestObservationOptions,
  requestId: string,
  logger: Logger,
  ids: { traceId: string; spanId: string; sampled: boolean },
  traceparent = formatTraceparent(ids.traceId, ids.spanId, ids.sampled),
): RequestObservation {
  let bound: Logger | undefined;
  return {
    service: options.service,
    requestId,
    ...ids,
    traceparent,
    startedAt: process.hrtime.bigint(),
    // Built on first use: most requests log nothing, and a child logger per request is not free.
    get logger() {
      return (bound ??= logger.child({ requestId, traceId: ids.traceId }));
    },
    reportedErrors: new Set(),
  };
}

/**
 * Without Sentry the service records no span of its own, so it passes a valid traceparent on
 * unchanged (as W3C allows an intermediary that does not participate) and starts one only
 * when the caller sent none.
 */
function unrecordedTrace(
  req: IncomingMessage,
  options: RequestObservationOptions,
): [ids: { traceId: string; spanId: string; sampled: boolean }, traceparent?: string] {
  const header = req.headers[TRACEPARENT_HEADER];
  const parent = typeof header === 'string' ? parseTraceparent(header) : null;
  if (parent && typeof header === 'string') {
    return [{ traceId: parent.traceId, spanId: parent.parentId, sampled: parent.sampled }, header.trim().toLowerCase()];
  }
  // No usable traceparent: a lone `sentry-trace` still names the trace.
  const incoming = incomingTrace(req.headers, { trustSampledFlag: !options.edge });
  return [{ traceId: incoming?.traceId ?? newTraceId(), spanId: incoming?.parentSpanId ?? newSpanId(), sampled: incoming?.sampled ?? false }];
}

/**
 * Runs `handle` as one observed request: it continues the caller's trace (or starts one),
 * and makes the ids, a bound logger and the traceparent to send downstream available through
 * `currentRequest()`. With Sentry on, the request is also a Sentry transaction (a segment span
 * on the same trace id) with its own isolation scope for tags and breadcrumbs; without it,
 * only ids are generated.
 */
export function observeRequest<T>(
  req: IncomingMessage,
  res: ServerResponse,
  // `path` as the HTTP server parsed it, so the request target is parsed once.
  { requestId, path, logger, options }: { requestId: string; path: string; logger: Logger; options: RequestObservationOptions },
  handle: (observation: RequestObservation) => Promise<T>,
): Promise<T> {
  const api = sentryApi();
  if (api === null) {
    const observed = observation(options, requestId, logger, ...unrecordedTrace(req, options));
    return runInRequestScope(observed, () => handle(observed));
  }
  const incoming = incomingTrace(req.headers, { trustSampledFlag: !options.edge });
  return api.withIsolationScope((scope) =>
    api.continueTrace({ sentryTrace: incoming ? toSentryTrace(incoming) : undefined, baggage: incoming?.baggage }, () =>
      api.startSpan(
        {
          name: `${req.method ?? 'GET'} ${path}`,
          op: 'http.server',
          forceTransaction: true,
          attributes: {
            'service.name': options.service,
            'http.request.method': req.method ?? 'GET',
            'url.path': path,
            'sentry.origin': 'manual.platform.http',
          },
        },
        async (span) => {
          const { traceId, spanId, traceFlags } = span.spanContext();
          // A request's breadcrumbs are its own, not whatever the process did before it.
          scope.clearBreadcrumbs();
          scope.setTags({ requestId, service: options.service, ...options.tags });
          const observed = observation(options, requestId, logger, { traceId, spanId, sampled: (traceFlags & 1) === 1 });
          try {
            return await runInRequestScope(observed, () => handle(observed));
          } catch (error) {
            // Inside the request's scope, so the event carries its tags; the caller logs it.
            reportUnexpectedError(error, { path });
            throw error;
          } finally {
            api.setHttpStatus(span, res.statusCode);
          }
        },
      ),
    ),
  );
}
