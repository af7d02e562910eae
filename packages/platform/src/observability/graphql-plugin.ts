import type { ApolloServerPlugin, GraphQLResponse } from '@apollo/server';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { CLIENT_ERROR_CODES } from '../errors';
import type { Logger } from '../logger';
import type { TenantContext } from '../tenancy';
import { secondsSince, type RequestOutcome, type ServiceMetrics } from './metrics';
import { currentRequest } from './request-scope';
import { addBreadcrumb, reportUnexpectedError, sentryApi, setRequestTags } from './sentry';

function formattedErrors(response: GraphQLResponse): readonly GraphQLFormattedError[] {
  const body = response.body;
  return (body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors) ?? [];
}

/** `clientCodes`: the platform's CLIENT_ERROR_CODES and the service's own. */
export function outcomeOf(errors: readonly GraphQLFormattedError[], clientCodes: ReadonlySet<string> = CLIENT_ERROR_CODES): RequestOutcome {
  if (errors.length === 0) return 'success';
  const clientOnly = errors.every((error) => {
    const code = error.extensions?.code;
    return typeof code === 'string' && clientCodes.has(code);
  });
  return clientOnly ? 'client_error' : 'server_error';
}

/**
 * The gateway names each subgraph fetch `<client operation>__<subgraph>__<n>` (Apollo's query
 * planner); a subgraph reports the client's operation so its events and metrics line up with
 * the gateway's. Other names pass unchanged. Built once per server, applied per request.
 */
export function clientOperationName(subgraph: string | undefined): (name: string | null) => string | null {
  if (subgraph === undefined) return (name) => name;
  const suffix = new RegExp(`__${subgraph.replace(/[^A-Za-z0-9]/g, '_')}__\\d+$`);
  return (name) => {
    if (name === null) return name;
    const stripped = name.replace(suffix, '');
    return stripped === '' ? name : stripped;
  };
}

/**
 * Per GraphQL request, in the gateway and every subgraph: request count and latency by
 * operation and outcome, one structured log line, and the Sentry tags `tenant` and
 * `operationName` plus an operation breadcrumb (the transaction is renamed after the operation).
 */
export function observabilityPlugin<TContext extends TenantContext>(
  metrics: ServiceMetrics,
  logger: Logger,
  {
    subgraph,
    clientErrorCodes = [],
  }: {
    /** Set in a subgraph: its name, to recognise the gateway's operation names. */
    subgraph?: string;
    /** The service's own codes that mean the client has to change something. */
    clientErrorCodes?: readonly string[];
  } = {},
): ApolloServerPlugin<TContext> {
  const clientOperation = clientOperationName(subgraph);
  const clientCodes: ReadonlySet<string> = new Set([...CLIENT_ERROR_CODES, ...clientErrorCodes]);
  return {
    // A context that failed with anything but a GraphQLError (a database or network failure
    // while authenticating, say) never reaches a resolver, so formatError cannot tell it apart.
    async contextCreationDidFail({ error }) {
      if (error instanceof GraphQLError) {
        // Refused before any operation ran, so not a GraphQL request in the metrics: a refusal.
        metrics.recordContextRefused(error.extensions.code);
        return;
      }
      (currentRequest()?.logger ?? logger).error({ err: error }, 'context creation failed');
      reportUnexpectedError(error, { phase: 'context creation' });
    },
    async requestDidStart({ contextValue }) {
      // From the moment the HTTP request arrived (body, context and authentication included).
      const started = currentRequest()?.startedAt ?? process.hrtime.bigint();
      setRequestTags({ tenant: contextValue.tenantId });
      let operationName: string | null = null;
      let type = 'unknown';
      let resolved = false;
      return {
        async didResolveOperation({ operationName: name, operation }) {
          resolved = true;
          operationName = clientOperation(name);
          type = operation?.operation ?? 'unknown';
          const api = sentryApi();
          if (api === null) return;
          const label = `${type} ${operationName ?? 'anonymous'}`;
          setRequestTags({
            operationName: operationName ?? 'anonymous',
            operationType: type,
            ...(name !== operationName ? { subgraphOperation: name } : {}),
          });
          addBreadcrumb({ category: 'graphql', message: label, level: 'info' });
          // Name the transaction (and errors' `transaction`) after the operation, not the URL.
          api.getIsolationScope().setTransactionName(label);
          const active = api.getActiveSpan();
          if (active) api.updateSpanName(api.getRootSpan(active), label);
        },
        async willSendResponse({ response }) {
          const errors = formattedErrors(response);
          const outcome = outcomeOf(errors, clientCodes);
          const operation = metrics.operationLabel(operationName, resolved);
          const seconds = secondsSince(started);
          metrics.recordRequest({ operation, type, outcome }, seconds);
          // The access log line is info: below that level, skip building it (and the request's logger).
          if (!logger.isLevelEnabled('info')) return;
          const codes = [...new Set(errors.map((error) => String(error.extensions?.code ?? 'NONE')))];
          (currentRequest()?.logger ?? logger).info(
            {
              operation: operationName ?? (resolved ? 'anonymous' : null),
              operationType: type,
              tenant: contextValue.tenantId,
              outcome,
              durationMs: Math.round(seconds * 1e4) / 10,
              ...(codes.length > 0 ? { errorCodes: codes } : {}),
            },
            'graphql request',
          );
        },
      };
    },
  };
}
