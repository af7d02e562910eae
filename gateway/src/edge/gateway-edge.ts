import type { GraphQLEdge } from '@reservations/platform/http/graphql-http-server';
import type { Logger } from '@reservations/platform/logger';
import { secondsSince, type RequestOutcome, type ServiceMetrics } from '@reservations/platform/observability/metrics';
import { currentRequest } from '@reservations/platform/observability/request-scope';
import type { ResponseCache } from '../cache/response-cache';
import type { CallerResolver } from '../security/caller-auth';
import {
  logUnlisted,
  trustedDocumentVerdict,
  type DocumentForm,
  type TrustedDocumentList,
  type TrustedDocumentsMode,
  type TrustedDocumentsObserver,
} from '../security/trusted-documents';
import type { InboundDeduplication } from './inbound-deduplication';
import { edgeOperation, type KnownOperations } from './graphql-request';
import { edgeRequest, verifiedCaller } from './request-state';
import type { TenantAdmission } from './tenant-admission';

export interface GatewayEdgeParts {
  resolveCaller: CallerResolver;
  admission: TenantAdmission;
  known: KnownOperations;
  /** Null when RESPONSE_CACHE_ENABLED=false. */
  cache: ResponseCache | null;
  /** Null when DEDUPLICATE_CLIENT_QUERIES=false. */
  deduplication: InboundDeduplication | null;
  /** A cache hit counts as the pipeline would have counted its document. */
  trustedDocuments: { mode: TrustedDocumentsMode; list: TrustedDocumentList; observer: TrustedDocumentsObserver };
  metrics: ServiceMetrics;
  /** Counts answers shared with an identical request in flight. */
  recordShared: () => void;
  logger: Logger;
}

/**
 * The gateway's work at the HTTP edge, in order: the caller is resolved from the headers and
 * its tenant admitted (see tenant-admission) before the body is read; then, with the body
 * parsed, a response-cache hit is answered without Apollo; then identical queries in flight
 * share one run of the pipeline; whatever the pipeline answers teaches `known` the operation's
 * type and cacheability, and a storable answer is stored.
 */
export function gatewayEdge(parts: GatewayEdgeParts): GraphQLEdge {
  const { resolveCaller, admission, known, cache, deduplication, trustedDocuments, metrics, recordShared, logger } = parts;

  /** An answer the pipeline did not make still counts as a GraphQL request, with its own log line. */
  const observe = (operationName: string | null, type: string, outcome: RequestOutcome, tenant: string | null, answeredBy: 'cache' | 'shared') => {
    const request = currentRequest();
    const seconds = request ? secondsSince(request.startedAt) : 0;
    metrics.recordRequest({ operation: metrics.operationLabel(operationName, true), type, outcome }, seconds);
    if (!logger.isLevelEnabled('info')) return;
    (request?.logger ?? logger).info(
      { operation: operationName ?? 'anonymous', operationType: type, tenant, outcome, durationMs: Math.round(seconds * 1e4) / 10, answeredBy },
      'graphql request',
    );
  };

  /**
   * The trusted-documents verdict on an edge document (`<form>:<hash>`); anything refused is
   * left to the pipeline, which answers the refusal. Asks the list only when the verdict needs it.
   */
  const trustedVerdict = async (document: string): Promise<'listed' | 'unlisted' | 'refused' | null> => {
    const separator = document.indexOf(':');
    const form = document.slice(0, separator) as DocumentForm;
    const { mode, list } = trustedDocuments;
    // Off, and not named by id: null whatever the list holds, so the list is not asked.
    if (mode === 'off' && form !== 'id') return null;
    return trustedDocumentVerdict(mode, form, (await list.get(document.slice(separator + 1))) !== undefined);
  };

  return {
    admit: (req, observation) => admission.admit(req, edgeRequest(req, resolveCaller), observation),
    async execute(request, req, run) {
      const state = edgeRequest(req, resolveCaller);
      const operation = edgeOperation(request);
      const caller = operation === null ? null : await verifiedCaller(state);
      if (operation === null || caller === null) return run();
      const runAndLearn = async () => {
        const response = await run();
        if (state.operation) known.learn(operation, state.operation.type, state.cacheable ?? null);
        cache?.store(state, response);
        return response;
      };
      if (cache !== null && caller.tenant !== null) {
        const verdict = await trustedVerdict(operation.document);
        if (verdict !== 'refused') {
          const found = await cache.lookup(operation, { ...caller, tenant: caller.tenant }, state, req.headers.accept);
          if (found !== null) {
            // Counted (and logged) as the pipeline counts each document it runs.
            if (verdict !== null) trustedDocuments.observer.document(verdict);
            if (verdict === 'unlisted') logUnlisted(logger, operation.document, operation.operationName);
            observe(found.hit.operationName, 'query', 'success', caller.tenant, 'cache');
            return found.response;
          }
        }
      }
      if (deduplication !== null && known.type(operation) === 'query') {
        const { response, sharedFrom } = await deduplication.run(operation, caller, req.headers.accept, state, runAndLearn);
        if (sharedFrom !== null) {
          recordShared();
          observe(
            sharedFrom.operation?.name ?? null,
            sharedFrom.operation?.type ?? 'query',
            sharedFrom.outcome ?? 'success',
            caller.tenant,
            'shared',
          );
        }
        return response;
      }
      return runAndLearn();
    },
  };
}
