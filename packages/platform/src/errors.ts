import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import type { Logger } from './logger';
import { isDatabaseUnavailable } from './database/unavailable';
import { currentRequest } from './observability/request-scope';
import { reportUnexpectedError } from './observability/sentry';

/**
 * The `extensions.code` values every service shares. Apollo Server adds its own for parsing
 * and validation (GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED, BAD_USER_INPUT for
 * variable coercion); each service adds the codes of its own domain (the gateway's limits,
 * the reservation subgraph's capacity) and names which of them are client errors.
 */
export const ErrorCode = {
  BadUserInput: 'BAD_USER_INPUT',
  NotFound: 'NOT_FOUND',
  Conflict: 'CONFLICT',
  /**
   * A service this one depends on is unreachable or failing, and nothing was applied: the
   * request may be retried as it is.
   */
  ServiceUnavailable: 'SERVICE_UNAVAILABLE',
  /**
   * A change was sent but its answer was lost (a timeout, a connection lost after sending): it
   * may or may not have been applied. Retry with the same idempotency key, or read it back.
   */
  OutcomeUnknown: 'OUTCOME_UNKNOWN',
  TenantRequired: 'TENANT_REQUIRED',
  InvalidTenant: 'INVALID_TENANT',
  Unauthenticated: 'UNAUTHENTICATED',
  Forbidden: 'FORBIDDEN',
  BadRequest: 'BAD_REQUEST',
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  Internal: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Codes that mean the client has to change something (input, headers, credentials, the
 * operation itself). Requests failing only with these, or with a service's own client codes
 * (see `observabilityPlugin`), count as `client_error` in metrics and are never reported to
 * Sentry. Everything else, INTERNAL_SERVER_ERROR and SERVICE_UNAVAILABLE included, is a
 * server-side failure. (Error reporting itself goes by the error, not the code: only errors
 * nobody raised on purpose are reported, in `maskUnexpectedErrors` below; the gateway also
 * reports subgraphs it gave up on.)
 */
export const CLIENT_ERROR_CODES: ReadonlySet<string> = new Set([
  ErrorCode.BadUserInput,
  ErrorCode.NotFound,
  ErrorCode.Conflict,
  ErrorCode.TenantRequired,
  ErrorCode.InvalidTenant,
  ErrorCode.Unauthenticated,
  ErrorCode.Forbidden,
  ErrorCode.BadRequest,
  ErrorCode.PayloadTooLarge,
  // Apollo Server's own.
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

export function badUserInput(message: string, field: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BadUserInput, field } });
}

/** `field`, when given, names the argument or input field that held the unknown id. */
export function notFound(message: string, field?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.NotFound, ...(field ? { field } : {}) } });
}

/** A change whose answer was lost on the way: it may or may not have been applied. */
export function outcomeUnknown(message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.OutcomeUnknown, ...extensions } });
}

export function conflict(message: string, field: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.Conflict, field } });
}

/**
 * A subgraph's HTTP failure reaches the gateway with the subgraph's URL and raw response in
 * `extensions.response`; clients get the code and message only.
 */
function withoutInternals(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const extensions = formatted.extensions;
  if (!extensions || !('response' in extensions || 'exception' in extensions || 'stacktrace' in extensions)) return formatted;
  const { response: _response, exception: _exception, stacktrace: _stacktrace, ...kept } = extensions;
  return { ...formatted, extensions: kept };
}

/**
 * Resolver errors we did not raise on purpose (database, driver, bugs: any thrown Error that
 * is not a GraphQLError) are logged with their detail and reach the client only as a
 * generic INTERNAL_SERVER_ERROR, so no SQL, Prisma text or hostnames leak. Errors a
 * subgraph returned arrive at the gateway as plain objects, already masked there, and pass.
 * This is also the one place such errors are reported to Sentry (when it is on), so each is
 * reported once, by the service where it happened, with the request's tags. A lost, refused or
 * timed-out database is no bug: it is logged as a warning and answered SERVICE_UNAVAILABLE.
 */
export function maskUnexpectedErrors(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (!(original instanceof Error) || original instanceof GraphQLError) return withoutInternals(formatted);
    if (isDatabaseUnavailable(original)) {
      (currentRequest()?.logger ?? logger).warn({ err: original, path: formatted.path }, 'database unavailable');
      return {
        message: 'The database is unavailable right now. Nothing was changed; retry shortly.',
        ...(formatted.path ? { path: formatted.path } : {}),
        ...(formatted.locations ? { locations: formatted.locations } : {}),
        extensions: { code: ErrorCode.ServiceUnavailable },
      };
    }
    (currentRequest()?.logger ?? logger).error({ err: original, path: formatted.path }, 'unexpected resolver error');
    reportUnexpectedError(original, { path: formatted.path });
    return {
      message: 'Internal server error',
      ...(formatted.path ? { path: formatted.path } : {}),
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      extensions: { code: ErrorCode.Internal },
    };
  };
}
