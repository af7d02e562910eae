import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import type { Logger } from './logger';

/**
 * The `extensions.code` values clients can rely on. Apollo Server adds its own for
 * parsing and validation (GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED, BAD_USER_INPUT
 * for variable coercion).
 */
export const ErrorCode = {
  BadUserInput: 'BAD_USER_INPUT',
  NotFound: 'NOT_FOUND',
  Conflict: 'CONFLICT',
  CapacityExceeded: 'CAPACITY_EXCEEDED',
  /** A service this one depends on is unreachable or failing; the request may be retried. */
  ServiceUnavailable: 'SERVICE_UNAVAILABLE',
  TenantRequired: 'TENANT_REQUIRED',
  InvalidTenant: 'INVALID_TENANT',
  BadRequest: 'BAD_REQUEST',
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  Internal: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export function badUserInput(message: string, field: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BadUserInput, field } });
}

export function notFound(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.NotFound } });
}

export function conflict(message: string, field: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.Conflict, field } });
}

/**
 * Resolver errors we did not raise on purpose (database, driver, bugs: any thrown Error that
 * is not a GraphQLError) are logged with their detail and reach the client only as a
 * generic INTERNAL_SERVER_ERROR, so no SQL, Prisma text or hostnames leak. Errors a
 * subgraph returned arrive at the gateway as plain objects, already masked there, and pass.
 */
export function maskUnexpectedErrors(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (!(original instanceof Error) || original instanceof GraphQLError) return formatted;
    logger.error({ err: original, path: formatted.path }, 'unexpected resolver error');
    return {
      message: 'Internal server error',
      ...(formatted.path ? { path: formatted.path } : {}),
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      extensions: { code: ErrorCode.Internal },
    };
  };
}
