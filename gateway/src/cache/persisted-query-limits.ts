import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { WindowCounter } from '@reservations/platform/cache/window-counter';
import type { EnvReader } from '@reservations/platform/config';
import type { TenantContext } from '@reservations/platform/tenancy';
import { GatewayErrorCode } from '../errors';

/** Bounds on what clients may store through automatic persisted queries (APQ). */
export interface PersistedQueryLimits {
  /** The largest document that may be registered, in UTF-8 bytes. */
  maxDocumentBytes: number;
  /** Registrations per tenant per window of APQ_TTL_SECONDS (re-registering counts again). */
  maxTenantDocuments: number;
  /** Registered bytes per tenant per window. */
  maxTenantBytes: number;
}

export function readPersistedQueryLimits(reader: EnvReader): PersistedQueryLimits {
  return {
    maxDocumentBytes: reader.int('APQ_MAX_DOCUMENT_BYTES', 32_768, { min: 1_024, max: 10_485_760 }),
    maxTenantDocuments: reader.int('APQ_TENANT_MAX_DOCUMENTS', 1_000, { min: 1, max: 10_000_000 }),
    maxTenantBytes: reader.int('APQ_TENANT_MAX_BYTES', 4_194_304, { min: 1_024, max: 1_073_741_824 }),
  };
}

function limitExceeded(message: string, limit: keyof PersistedQueryLimits, max: number, http: { status: number; headers?: HeaderMap }): GraphQLError {
  return new GraphQLError(message, { extensions: { code: GatewayErrorCode.PersistedQueryLimitExceeded, limit, max, http } });
}

/**
 * Every registered document is kept for APQ_TTL_SECONDS (a day by default), in Redis shared by
 * all gateways: unbounded, one client could fill it with padded documents. A registration (a
 * request carrying both the document and its hash) is refused when the document is larger than
 * `maxDocumentBytes` (400) or when its tenant has registered `maxTenantDocuments` documents or
 * `maxTenantBytes` bytes in the current window (429 with Retry-After). Refused documents are not
 * stored (Apollo Server writes them only after this hook); the same operation sent without the
 * persisted-query extension still runs.
 */
export function persistedQueryLimitsPlugin<TContext extends TenantContext>(
  limits: PersistedQueryLimits,
  counter: WindowCounter,
  clock: () => number = Date.now,
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ metrics, source, contextValue }) {
          if (!metrics.persistedQueryRegister) return;
          const bytes = Buffer.byteLength(source, 'utf8');
          if (bytes > limits.maxDocumentBytes) {
            throw limitExceeded(`A persisted query may be at most ${limits.maxDocumentBytes} bytes`, 'maxDocumentBytes', limits.maxDocumentBytes, {
              status: 400,
            });
          }
          const count = await counter.add(`tenant:${contextValue.tenantId ?? '-'}`, [1, bytes], [limits.maxTenantDocuments, limits.maxTenantBytes]);
          if (count.admitted) return;
          const [documents = 0] = count.totals;
          const over = documents + 1 > limits.maxTenantDocuments ? ('maxTenantDocuments' as const) : ('maxTenantBytes' as const);
          const retryAfter = Math.max(1, Math.ceil((count.endsAtMs - clock()) / 1_000));
          throw limitExceeded(
            'This tenant registered too many persisted queries; send the full query without the persistedQuery extension, or retry later',
            over,
            limits[over],
            { status: 429, headers: new HeaderMap([['retry-after', String(retryAfter)]]) },
          );
        },
      };
    },
  };
}
