import type { IncomingMessage } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import { outcomeOf } from '@reservations/platform/observability/graphql-plugin';
import type { RequestOutcome } from '@reservations/platform/observability/metrics';
import type { Caller, CallerResolver } from '../security/caller-auth';
import { TENANT_HEADER } from '@reservations/platform/tenancy';

/**
 * What the gateway learns about one request at its edge and in Apollo's pipeline, in one
 * place: the caller (resolved once, before the body is read), the response cache's lookup and
 * what the pipeline found (the operation, whether its answer may be stored).
 */
export interface EdgeRequest {
  /** Rejects with the refusal (401, 403, 400) the request's context then answers with. */
  caller: Promise<Caller>;
  /** The response cache looked this request up under `key` at catalogue `version` (null: cache unavailable). */
  cacheLookup?: { key: string; version: string | null };
  /** The pipeline resolved this operation. */
  operation?: { type: string; name: string | null };
  outcome?: RequestOutcome;
  /** The answer may be stored: its cache policy and estimated cost (charged again on every hit). */
  storable?: { maxAge: number; scope: string; cost: number };
  /** Whether the answer's cache policy allowed storing it (learned per operation). */
  cacheable?: boolean;
}

const requests = new WeakMap<IncomingMessage, EdgeRequest>();

/** The request's state, created (and its caller resolution started) on first use. */
export function edgeRequest(req: IncomingMessage, resolveCaller: CallerResolver): EdgeRequest {
  let state = requests.get(req);
  if (state === undefined) {
    const caller = resolveCaller({ authorization: req.headers.authorization, tenant: req.headers[TENANT_HEADER] });
    // Observed here so a refusal is not an unhandled rejection; the context awaits it and answers it.
    caller.catch(() => undefined);
    state = { caller };
    requests.set(req, state);
  }
  return state;
}

/** The caller when it was verified, else null (the pipeline will answer the refusal). */
export async function verifiedCaller(state: EdgeRequest): Promise<Caller | null> {
  try {
    return await state.caller;
  } catch {
    return null;
  }
}

/** Tells each request's edge state what the pipeline resolved and how it ended. */
export function edgeStatePlugin<TContext extends { edge: EdgeRequest }>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, operation, operationName, contextValue }) {
          if (operation) contextValue.edge.operation = { type: operation.operation, name: operationName ?? null };
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : response.body.initialResult.errors;
          contextValue.edge.outcome = outcomeOf(errors ?? []);
        },
      };
    },
  };
}
