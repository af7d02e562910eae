import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from 'pino';

/**
 * What every part of a service may need to know about the request it is working for, without
 * threading it through each call: ids for logs and error reports, and the trace to continue
 * downstream. Set by the HTTP server around each GraphQL request.
 */
export interface RequestObservation {
  readonly service: string;
  readonly requestId: string;
  /** W3C trace id (32 hex digits), shared by every service the request reaches. */
  readonly traceId: string;
  /** The parent span of whatever this service calls: its own span, or (without Sentry) the caller's. */
  readonly spanId: string;
  readonly sampled: boolean;
  /** The `traceparent` to send with calls made for this request. */
  readonly traceparent: string;
  /** When the request arrived (`process.hrtime.bigint()`), for its duration. */
  readonly startedAt: bigint;
  /** Bound to requestId and traceId. */
  readonly logger: Logger;
  /** Errors already reported to Sentry for this request (one event per distinct error). */
  readonly reportedErrors: Set<string>;
}

const storage = new AsyncLocalStorage<RequestObservation>();

export function currentRequest(): RequestObservation | undefined {
  return storage.getStore();
}

export function runInRequestScope<T>(observation: RequestObservation, work: () => T): T {
  return storage.run(observation, work);
}
