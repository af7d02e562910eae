import type { IncomingMessage } from 'node:http';
import { REQUEST_ID_HEADER } from '@reservations/platform/http/request-id';
import type { RequestObservation } from '@reservations/platform/observability/request-scope';
import { TRACEPARENT_HEADER } from '@reservations/platform/observability/trace-context';
import { TENANT_HEADER, type TenantContext } from '@reservations/platform/tenancy';
import type { EdgeRequest } from './edge/request-state';

/**
 * The client headers subgraphs may see. Everything else a client sends stays at the
 * gateway, so a client cannot smuggle headers (cookies, internal flags) to subgraphs.
 * `traceparent` is not copied: subgraphs get the request's own (which continues the client's).
 */
const FORWARDED_CLIENT_HEADERS = ['authorization', 'tracestate'] as const;

/** Request-scoped ids and the bound logger are in `currentRequest()` (platform request-scope). */
export interface GatewayContext extends TenantContext {
  /** Headers to send with every subgraph request made for this client request. */
  subgraphHeaders: Record<string, string>;
  /** What the edge learnt of this request (caller, cache lookup), and what the pipeline tells it. */
  edge: EdgeRequest;
}

export async function createGatewayContext(
  req: IncomingMessage,
  edge: EdgeRequest,
  /** The request's id and trace: subgraphs get its traceparent even when the client sent none. */
  observation: RequestObservation,
): Promise<GatewayContext> {
  const { tenant: tenantId } = await edge.caller;
  const subgraphHeaders: Record<string, string> = {
    [REQUEST_ID_HEADER]: observation.requestId,
    // The same trace id, with the gateway's own span as the parent (W3C: each hop sends its own).
    [TRACEPARENT_HEADER]: observation.traceparent,
  };
  if (tenantId !== null) subgraphHeaders[TENANT_HEADER] = tenantId;
  for (const name of FORWARDED_CLIENT_HEADERS) {
    const value = req.headers[name];
    if (typeof value === 'string') subgraphHeaders[name] = value;
  }
  return { tenantId, subgraphHeaders, edge };
}
