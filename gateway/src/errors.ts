import { ReservationErrorCode } from '@reservations/reservation-subgraph/errors';
import { TrustedDocumentCode } from './security/trusted-documents';

/** The `extensions.code` values only the gateway raises, beside the platform's `ErrorCode`. */
export const GatewayErrorCode = {
  /** The gateway's operation limits (depth, aliases, root fields, cost). */
  OperationLimitExceeded: 'OPERATION_LIMIT_EXCEEDED',
  /** A persisted query too large to register, or a tenant past its registration quota. */
  PersistedQueryLimitExceeded: 'PERSISTED_QUERY_LIMIT_EXCEEDED',
  /** A subgraph's answer to this operation is larger than the gateway buffers. */
  ResponseTooLarge: 'RESPONSE_TOO_LARGE',
  /** The tenant spent its cost budget for the current window (HTTP 429, Retry-After). */
  RateLimited: 'RATE_LIMITED',
} as const;

/**
 * Codes beyond the platform's that mean the client has to change something: the gateway's own,
 * and those of the subgraphs whose errors it passes on (so a refused booking is a client error
 * in the gateway's metrics as it is in the subgraph's).
 */
export const GATEWAY_CLIENT_ERROR_CODES: readonly string[] = [
  ...Object.values(GatewayErrorCode),
  TrustedDocumentCode.NotInList,
  TrustedDocumentCode.IdRequired,
  ...Object.values(ReservationErrorCode),
];

/**
 * Refusals while the gateway builds a request's context (authentication, the tenant's budget),
 * by error code: each is counted under its own reason in http_requests_refused_total.
 */
export const GATEWAY_CONTEXT_REFUSALS: Readonly<Record<string, string>> = {
  UNAUTHENTICATED: 'unauthenticated', // 401: no, a malformed or an invalid bearer token
  FORBIDDEN: 'forbidden', // 403: a token for another tenant than the header names
  [GatewayErrorCode.RateLimited]: 'rate_limited', // 429: a tenant that spent its cost budget, until its window ends
};

/** Refusals at the gateway's HTTP edge, before the body is read, beyond the context refusals above. */
export const GATEWAY_EDGE_REFUSALS: readonly string[] = [
  'tenant_concurrency', // 429: a tenant with its in-flight requests and waiting line both full
];
