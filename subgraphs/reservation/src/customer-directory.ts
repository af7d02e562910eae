import type { IncomingHttpHeaders } from 'node:http';
import { GraphQLError } from 'graphql';
import { badUserInput, ErrorCode } from '@reservations/platform/errors';
import { REQUEST_ID_HEADER } from '@reservations/platform/http/request-id';
import { currentDeadline, DEADLINE_HEADER } from '@reservations/platform/http/deadline';
import { isTimeout } from '@reservations/platform/http/timeout';
import type { Logger } from '@reservations/platform/logger';
import { SIGNATURE_HEADER, signatureFor } from '@reservations/platform/security/request-signing';
import { TENANT_HEADER } from '@reservations/platform/tenancy';
import type { CustomerLookupConfig } from './config';

/**
 * The question the gateway itself would ask the customer subgraph to resolve a reference:
 * the federation contract, not the customer database, decides whether a customer exists.
 */
const CUSTOMER_EXISTS = `query CustomerExists($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Customer { id } }
}`;

/** Caller headers worth passing on, so one request id and trace follow the lookup. */
const FORWARDED_HEADERS = [REQUEST_ID_HEADER, 'traceparent', 'tracestate', 'authorization'] as const;

interface EntitiesResponse {
  data?: { _entities?: ({ id?: unknown } | null)[] } | null;
  errors?: unknown[];
}

/** SERVICE_UNAVAILABLE: safe to retry later, and nothing was written. */
export function customerSubgraphUnavailable(reason: string): GraphQLError {
  return new GraphQLError(`Cannot check the customer right now: the customer subgraph is unavailable (${reason}). Nothing was booked; retry later.`, {
    extensions: { code: ErrorCode.ServiceUnavailable, subgraph: 'customer' },
  });
}

/**
 * Asks the customer subgraph whether a customer exists in a tenant, over HTTP with a timeout.
 * Anything but a clean answer (connection refused, timeout, 5xx, GraphQL errors) is
 * SERVICE_UNAVAILABLE: the subgraph could not say, so no reservation may be made.
 */
export class CustomerDirectory {
  constructor(
    private readonly config: CustomerLookupConfig,
    private readonly logger: Logger,
    /** The incoming request's headers, for request id and tracing. */
    private readonly callerHeaders: IncomingHttpHeaders = {},
  ) {}

  async exists(tenantId: string, customerId: string): Promise<boolean> {
    const headers: Record<string, string> = { 'content-type': 'application/json', [TENANT_HEADER]: tenantId };
    for (const name of FORWARDED_HEADERS) {
      const value = this.callerHeaders[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const { customerSubgraphUrl: url, customerLookupTimeoutMs: configuredTimeoutMs } = this.config;
    // The caller's deadline goes along and bounds the wait: no use asking past it.
    const deadline = currentDeadline();
    if (deadline !== null) headers[DEADLINE_HEADER] = String(deadline);
    const timeoutMs = deadline === null ? configuredTimeoutMs : Math.max(1, Math.min(configuredTimeoutMs, deadline - Date.now()));
    const log = this.logger.child({ dependency: 'customer', customerId });
    const payload = JSON.stringify({
      query: CUSTOMER_EXISTS,
      variables: { representations: [{ __typename: 'Customer', id: customerId }] },
    });
    // Signed like the gateway's own requests, so a subgraph that only executes those accepts it.
    const secret = this.config.gatewaySigningSecret;
    if (secret) headers[SIGNATURE_HEADER] = signatureFor(secret, 'customer', url, 'POST', headers, payload);
    let body: EntitiesResponse;
    try {
      const response = await fetch(url, { method: 'POST', headers, body: payload, signal: AbortSignal.timeout(timeoutMs) });
      if (!response.ok) {
        await response.body?.cancel().catch(() => undefined);
        log.warn({ status: response.status }, 'customer lookup failed');
        throw customerSubgraphUnavailable(`HTTP ${response.status}`);
      }
      body = (await response.json()) as EntitiesResponse;
    } catch (error) {
      if (error instanceof GraphQLError) throw error;
      const reason = isTimeout(error) ? `no answer within ${timeoutMs} ms` : 'connection failed';
      log.warn({ err: error, reason }, 'customer lookup failed');
      throw customerSubgraphUnavailable(reason);
    }
    const entity = body.data?._entities?.[0];
    // An error beside a null entity may be a failed lookup rather than a missing customer.
    if (body.errors?.length || entity === undefined) {
      log.warn({ errors: body.errors }, 'customer lookup answered with errors');
      throw customerSubgraphUnavailable('it answered with errors');
    }
    return entity !== null && entity.id === customerId;
  }

  /** Throws BAD_USER_INPUT on `field` when the tenant has no such customer. */
  async assertExists(tenantId: string, customerId: string, field: string): Promise<void> {
    if (!(await this.exists(tenantId, customerId))) {
      throw badUserInput(`${field} does not name a customer of this tenant`, field);
    }
  }
}
