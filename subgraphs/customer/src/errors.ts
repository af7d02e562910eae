import { GraphQLError } from 'graphql';
import { ErrorCode } from '@reservations/platform/errors';

/**
 * NOT_FOUND naming the input field that held the unknown id, e.g. `input.id` or
 * `input.categoryId`, so a client can tell which of several ids was wrong.
 */
export function notFoundAt(message: string, field: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.NotFound, field } });
}
