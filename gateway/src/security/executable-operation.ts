import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, type DocumentNode } from 'graphql';

/** Apollo Server's own code for an operation it cannot pick out of the document. */
const OPERATION_RESOLUTION_FAILURE = 'OPERATION_RESOLUTION_FAILURE';

function unresolvable(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: OPERATION_RESOLUTION_FAILURE, http: { status: 400 } } });
}

function whyNoOperation(document: DocumentNode, operationName: string | undefined): string {
  const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  if (operationName !== undefined) return `Unknown operation named "${operationName}"`;
  if (operations.length === 0) return 'The document contains no operation';
  return 'Must provide operationName when the document contains several operations';
}

/**
 * Refuses, before the gateway plans anything, requests it cannot execute: an `operationName`
 * that names no operation of the document (Apollo Server leaves that to the executor, and
 * @apollo/gateway throws on it) and subscriptions (which @apollo/gateway does not support).
 * Both are the client's mistake: HTTP 400, OPERATION_RESOLUTION_FAILURE.
 */
export function executableOperationPlugin<TContext extends object>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request }) {
          if (!operation) throw unresolvable(whyNoOperation(document, request.operationName ?? undefined));
          if (operation.operation === 'subscription') throw unresolvable('Subscriptions are not supported; use a query');
        },
      };
    },
  };
}
