// Hand-written: @opentelemetry/core's W3CTraceContextPropagator needs the OpenTelemetry context API in every service; without Sentry only one header is parsed and passed on.
import { randomHex } from '../random';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * W3C Trace Context (`traceparent`) is what every service reads and sends, with or without
 * Sentry, so one trace id follows a request from the gateway into every subgraph and shows in
 * each service's logs. Sentry's own `sentry-trace`/`baggage` headers, when present, carry its
 * sampling decision along the same trace.
 */
export const TRACEPARENT_HEADER = 'traceparent';
export const SENTRY_TRACE_HEADER = 'sentry-trace';
export const BAGGAGE_HEADER = 'baggage';

export interface TraceParent {
  traceId: string;
  parentId: string;
  sampled: boolean;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const SENTRY_TRACE = /^([0-9a-f]{32})-([0-9a-f]{16})(?:-([01]))?$/;
const ALL_ZERO = /^0+$/;

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** A valid `traceparent`, or null (malformed, version ff, or all-zero ids are ignored as the spec says). */
export function parseTraceparent(header: string | undefined): TraceParent | null {
  const match = header === undefined ? null : TRACEPARENT.exec(header.trim().toLowerCase());
  if (!match) return null;
  const [, version, traceId, parentId, flags, rest] = match as unknown as [string, string, string, string, string, string | undefined];
  // Version 00 has exactly four fields; later versions may append more after a dash.
  if (version === 'ff' || (version === '00' && rest !== undefined)) return null;
  if (ALL_ZERO.test(traceId) || ALL_ZERO.test(parentId)) return null;
  return { traceId, parentId, sampled: (parseInt(flags, 16) & 1) === 1 };
}

export function formatTraceparent(traceId: string, spanId: string, sampled: boolean): string {
  return `00-${traceId}-${spanId}-${sampled ? '01' : '00'}`;
}

export function newTraceId(): string {
  return randomHex(16);
}

export function newSpanId(): string {
  return randomHex(8);
}

/** The trace a request continues. `sampled` undefined: this service decides. */
export interface IncomingTrace {
  traceId: string;
  parentSpanId: string;
  sampled: boolean | undefined;
  /** Sentry's dynamic sampling context, only together with a matching `sentry-trace`. */
  baggage: string | undefined;
}

/**
 * Which trace an incoming request belongs to. A `sentry-trace` on the same trace (or alone)
 * wins, because it carries Sentry's sampling decision and its span parentage. A bare
 * `traceparent` gives the trace id; its sampled flag is honoured only from a trusted upstream
 * (a subgraph's caller), not at the edge, where any client could otherwise force every
 * request to be traced.
 */
export function incomingTrace(headers: IncomingHttpHeaders, { trustSampledFlag }: { trustSampledFlag: boolean }): IncomingTrace | null {
  const parent = parseTraceparent(single(headers[TRACEPARENT_HEADER]));
  const sentry = SENTRY_TRACE.exec(single(headers[SENTRY_TRACE_HEADER])?.trim() ?? '');
  if (sentry && (!parent || parent.traceId === sentry[1])) {
    return {
      traceId: sentry[1]!,
      parentSpanId: sentry[2]!,
      sampled: sentry[3] === undefined ? undefined : sentry[3] === '1',
      baggage: single(headers[BAGGAGE_HEADER]),
    };
  }
  if (!parent) return null;
  return {
    traceId: parent.traceId,
    parentSpanId: parent.parentId,
    // A caller that did not record says nothing about whether this service should.
    sampled: trustSampledFlag && parent.sampled ? true : undefined,
    baggage: undefined,
  };
}

/** The incoming trace as Sentry's `sentry-trace` header value, for `continueTrace`. */
export function toSentryTrace(trace: IncomingTrace): string {
  const sampled = trace.sampled === undefined ? '' : trace.sampled ? '-1' : '-0';
  return `${trace.traceId}-${trace.parentSpanId}${sampled}`;
}
