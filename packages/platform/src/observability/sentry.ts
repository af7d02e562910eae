import type { Breadcrumb, ErrorEvent } from '@sentry/node';
import type { Logger } from '../logger';
import type { SentryConfig } from './config';
import { currentRequest } from './request-scope';
import { scrubText, scrubValue, withoutQuery } from './scrub';

type SentryApi = typeof import('@sentry/node');
type ProfilingApi = typeof import('@sentry/profiling-node');

/**
 * Sentry is loaded only when a DSN is configured: without one, `@sentry/node` is never
 * required and every function here returns at its first line.
 */
let sentry: SentryApi | null = null;

/** The SDK, when initialised in this process. */
export function sentryApi(): SentryApi | null {
  return sentry;
}

export function isSentryActive(): boolean {
  return sentry !== null;
}

/**
 * Default integrations kept. Left out: the ones that patch modules at load time (GraphQL, pg,
 * Prisma, DataLoader, Redis, web frameworks, AI SDKs), because Sentry starts after those
 * modules are loaded (see docs/operations.md, "Observability") and this platform instruments its own
 * GraphQL operations and SQL statements; and LocalVariables, whose captured variables would
 * hold customers' personal data.
 */
const KEPT_DEFAULT_INTEGRATIONS = new Set([
  'EventFilters',
  'FunctionToString',
  'LinkedErrors',
  'RequestData',
  'NodeSystemError',
  'Console',
  'NodeFetch',
  'OnUncaughtException',
  'OnUnhandledRejection',
  'ContextLines',
  'Context',
  'Modules',
  'ProcessSession',
]);

/**
 * No request body, query string or cookies; emails and phones masked anywhere; credentials
 * filtered under any key, request headers included (see scrub.ts).
 */
export function scrubEvent<T extends ErrorEvent>(event: T): T {
  if (event.request) {
    const { data: _data, query_string: _query, cookies: _cookies, ...request } = event.request;
    event.request = { ...request, ...(request.url ? { url: withoutQuery(request.url) } : {}) };
  }
  if (event.user) event.user = event.user.id !== undefined ? { id: event.user.id } : {};
  return scrubValue(event);
}

export function scrubBreadcrumb(breadcrumb: Breadcrumb): Breadcrumb {
  const data = breadcrumb.data ? { ...breadcrumb.data } : undefined;
  if (data && typeof data.url === 'string') data.url = withoutQuery(data.url);
  return scrubValue({ ...breadcrumb, ...(data ? { data } : {}) });
}

/**
 * Starts Sentry for this process, once (several in-process services share it). Returns false
 * when there is no configuration. Profiling is attempted only when its sample rate is above
 * zero; a profiler whose native module cannot load is reported and left out.
 */
export function initSentry(config: SentryConfig | null, { service, logger }: { service: string; logger: Logger }): boolean {
  if (config === null) return false;
  if (sentry !== null) return true;
  const api = require('@sentry/node') as SentryApi;
  let profiling: ReturnType<ProfilingApi['nodeProfilingIntegration']> | null = null;
  if (config.profileSessionSampleRate > 0) {
    try {
      const { nodeProfilingIntegration } = require('@sentry/profiling-node') as ProfilingApi;
      profiling = nodeProfilingIntegration();
    } catch (error) {
      logger.warn({ err: error }, 'Sentry profiling unavailable: its native module did not load; continuing without it');
    }
  }
  api.init({
    dsn: config.dsn,
    environment: config.environment,
    ...(config.release ? { release: config.release } : {}),
    tracesSampleRate: config.tracesSampleRate,
    ...(profiling ? { profileSessionSampleRate: config.profileSessionSampleRate, profileLifecycle: 'trace' as const } : {}),
    // What the SDK may collect on its own: nothing that can hold personal data or credentials.
    dataCollection: {
      userInfo: false,
      cookies: false,
      httpHeaders: false,
      httpBodies: [],
      urlQueryParams: false,
      graphQL: { document: false, variables: false },
      databaseQueryData: false,
      stackFrameVariables: false,
      genAI: { inputs: false, outputs: false },
      queues: false,
    },
    // Do not rewrite the messages of fetch errors other code inspects (only the reported copy).
    enhanceFetchErrorMessages: 'report-only',
    maxBreadcrumbs: 50,
    integrations: (defaults) => [
      ...defaults.filter((integration) => KEPT_DEFAULT_INTEGRATIONS.has(integration.name)),
      // Request isolation and outgoing-call breadcrumbs and spans; the incoming request's span is
      // started by the platform's HTTP server so it can continue a W3C traceparent.
      api.httpIntegration({ disableIncomingRequestSpans: true }),
      ...(profiling ? [profiling] : []),
    ],
    beforeSend: (event) => scrubEvent(event),
    beforeBreadcrumb: (breadcrumb) => scrubBreadcrumb(breadcrumb),
    beforeSendSpan: (span) => ({ ...span, name: scrubText(span.name), attributes: scrubValue(span.attributes) }),
    initialScope: { tags: { service } },
  });
  sentry = api;
  logger.info(
    { environment: config.environment, release: config.release, tracesSampleRate: config.tracesSampleRate, profiling: profiling !== null },
    'Sentry error and trace reporting on',
  );
  return true;
}

/** Tags on the current request's events (its isolation scope). */
export function setRequestTags(tags: Record<string, string | null | undefined>): void {
  if (sentry === null) return;
  const scope = sentry.getIsolationScope();
  for (const [name, value] of Object.entries(tags)) if (value !== null && value !== undefined) scope.setTag(name, value);
}

function errorKey(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Reports an error nobody raised on purpose. One event per distinct error per request: a
 * batch that fails for fifty entities is one problem, not fifty. (The SDK also never sends
 * the same Error object twice.)
 */
export function reportUnexpectedError(error: unknown, extra: Record<string, unknown> = {}): void {
  if (sentry === null) return;
  const request = currentRequest();
  if (request) {
    const key = errorKey(error);
    if (request.reportedErrors.has(key)) return;
    request.reportedErrors.add(key);
  }
  sentry.captureException(error, { level: 'error', extra: scrubValue(extra) });
}

/** Reports a problem that is not an exception (e.g. a dependency that stopped answering). */
export function reportProblem(message: string, { tags = {}, fingerprint }: { tags?: Record<string, string>; fingerprint?: string[] } = {}): void {
  if (sentry === null) return;
  sentry.captureMessage(message, { level: 'error', tags, ...(fingerprint ? { fingerprint } : {}) });
}

export function addBreadcrumb(breadcrumb: Breadcrumb): void {
  sentry?.addBreadcrumb(breadcrumb);
}

/** Sends whatever is queued (events, spans, profiles); for graceful shutdown. */
export async function flushSentry(timeoutMs = 2_000): Promise<void> {
  if (sentry === null) return;
  await sentry.flush(timeoutMs);
}
