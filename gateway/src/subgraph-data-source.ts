import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { FetcherResponse } from '@apollo/utils.fetcher';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ErrorCode } from '@reservations/platform/errors';
import { CATALOGUE_CHANGED_HEADER } from '@reservations/customer-subgraph/catalogue-versions';
import type { Logger } from '@reservations/platform/logger';
import { currentRequest } from '@reservations/platform/observability/request-scope';
import { reportUnexpectedError } from '@reservations/platform/observability/sentry';
import type { GatewayContext } from './context';
import { dedupe, expand, type DistinctRepresentations } from './entity-representations';
import type { SubgraphLink } from './resilience/subgraph-link';

/**
 * A subgraph's 4xx answer whose body is a GraphQL response: the subgraph refused the request
 * before executing it (a variable it could not coerce, a body too large) and said why.
 * errorFromResponse, the only hook that sees such a response, throws this to `process`.
 */
class SubgraphRefusal extends GraphQLError {
  constructor(readonly errors: readonly GraphQLFormattedError[]) {
    super('Subgraph refused the request');
  }
}

/** Codes with which a subgraph refuses the document itself, which only the gateway wrote. */
const DOCUMENT_REJECTED = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED']);

/** The request with each distinct entity representation once, when it is a query's `_entities` fetch that repeats some. */
function sharedRepresentations(
  request: GraphQLDataSourceProcessOptions['request'],
): { request: GraphQLDataSourceProcessOptions['request']; shared: DistinctRepresentations } | null {
  const representations: unknown = request.variables?.representations;
  if (!Array.isArray(representations) || !/^\s*query\b/.test(request.query ?? '')) return null;
  const shared = dedupe(representations);
  return shared && { request: { ...request, variables: { ...request.variables, representations: shared.distinct } }, shared };
}

function hasMessage(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string';
}

/** The `errors` of a GraphQL response body (a non-empty list of errors with a message), else null. */
function graphQLErrorsOf(body: unknown): GraphQLFormattedError[] | null {
  const errors: unknown = typeof body === 'object' && body !== null ? (body as { errors?: unknown }).errors : undefined;
  if (!Array.isArray(errors) || errors.length === 0 || !errors.every(hasMessage)) return null;
  return errors as GraphQLFormattedError[];
}

/**
 * How the gateway talks to one subgraph: through the subgraph's resilient fetcher, with
 * only the headers the gateway decided to forward.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly subgraph: string;

  constructor(
    link: SubgraphLink,
    /** Called when the subgraph reports that a write changed the tenant's catalogue. */
    private readonly onCatalogueChanged: (tenant: string) => Promise<void>,
    private readonly logger: Logger,
    /** Send each distinct entity representation of an `_entities` query once (DEDUPLICATE_ENTITY_REPRESENTATIONS). */
    private readonly shareRepresentations = true,
  ) {
    super({ url: link.url, fetcher: link.fetcher });
    this.subgraph = link.name;
  }

  // Awaited before the client gets its answer, so its next read already misses the cache.
  override async didReceiveResponse({
    response,
    context,
  }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['didReceiveResponse']>>[0]): Promise<GatewayGraphQLResponse> {
    const tenant = (context as Partial<GatewayContext>).tenantId;
    if (tenant && response.http?.headers.get(CATALOGUE_CHANGED_HEADER)) await this.onCatalogueChanged(tenant);
    return response;
  }

  /**
   * A subgraph's refusal is answered like a 200 with errors, so the gateway passes them on as
   * it passes on any subgraph's: the client gets their messages, codes and extensions (e.g.
   * BAD_USER_INPUT naming the `field`) instead of Apollo's "400: Bad Request" as an internal error.
   *
   * An `_entities` query that repeats a representation (the same product reached from many
   * reviews) sends each distinct one once; the answer is expanded back before Apollo sees it.
   * This happens before Apollo serialises the body, so what is signed is what is sent.
   */
  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    // Only a client's operation plans `_entities` fetches (not schema loading or health checks).
    const sharing = this.shareRepresentations && 'incomingRequestContext' in options ? sharedRepresentations(options.request) : null;
    let response: GatewayGraphQLResponse;
    try {
      response = await super.process(sharing ? { ...options, request: sharing.request } : options);
    } catch (error) {
      if (!(error instanceof SubgraphRefusal)) throw error;
      response = { errors: error.errors };
    }
    return sharing ? expand(response, sharing.shared.positions) : response;
  }

  /**
   * A subgraph answers 401 only when it refuses the gateway's own signature: a deployment
   * fault (secrets out of step), not the caller's credentials. Apollo's default would tell
   * the client UNAUTHENTICATED; it gets the generic internal error instead. Another 4xx with
   * a GraphQL body is the subgraph's answer (see `process`); anything else, Apollo's default.
   */
  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    if (response.status === 401) {
      await response.text().catch(() => undefined);
      return new GraphQLError('Internal server error', { extensions: { code: ErrorCode.Internal } });
    }
    if (response.status >= 400 && response.status < 500) {
      // A copy, so Apollo's default can still read the body when it is not a GraphQL response.
      const errors = graphQLErrorsOf(await this.parseBody(response.clone()).catch(() => null));
      if (errors?.some((error) => DOCUMENT_REJECTED.has(String(error.extensions?.code)))) {
        // The gateway planned against a supergraph this subgraph does not serve (a deployment
        // out of step): the gateway's fault, logged and reported as one, never the client's.
        const problem = new Error(`Subgraph "${this.subgraph}" rejected the gateway's document: ${errors.map((error) => error.message).join('; ')}`);
        (currentRequest()?.logger ?? this.logger).error({ err: problem, subgraph: this.subgraph }, 'supergraph out of step with a subgraph');
        reportUnexpectedError(problem, { subgraph: this.subgraph });
        return new GraphQLError('Internal server error', { extensions: { code: ErrorCode.Internal } });
      }
      if (errors) return new SubgraphRefusal(errors);
    }
    return super.errorFromResponse(response);
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    // Requests made outside a client request (schema loading, health checks) carry nothing.
    if (!('subgraphHeaders' in context)) return;
    const { subgraphHeaders } = context as GatewayContext;
    for (const [name, value] of Object.entries(subgraphHeaders)) request.http?.headers.set(name, value);
  }
}
