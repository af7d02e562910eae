import { GraphQLError } from 'graphql';
// The runtime every subgraph's generated client is built on: its error class is the one
// those clients throw, so one check here serves every subgraph.
import { PrismaClientKnownRequestError } from '@prisma/client/runtime/client';
import { ErrorCode } from '../errors';
import { currentRequest } from '../observability/request-scope';

function hasCode(error: unknown, code: string): boolean {
  return error instanceof PrismaClientKnownRequestError && error.code === code;
}

/** A unique constraint or unique index refused the write (PostgreSQL 23505). */
export function isUniqueViolation(error: unknown): boolean {
  return hasCode(error, 'P2002');
}

/** A foreign key refused the write (PostgreSQL 23503), e.g. deleting a category that has products. */
export function isForeignKeyViolation(error: unknown): boolean {
  return hasCode(error, 'P2003');
}

/** An update or delete found no row matching its where (in the tenant-filtered stores: an unknown id, or another tenant's). */
export function isRecordNotFound(error: unknown): boolean {
  return hasCode(error, 'P2025');
}

/** The write's result, or null when it found no row to change (P2025); other errors propagate. */
export async function nullIfRecordNotFound<T>(write: Promise<T>): Promise<T | null> {
  try {
    return await write;
  } catch (error) {
    if (isRecordNotFound(error)) return null;
    throw error;
  }
}

/**
 * Prisma gave up on an interactive transaction (P2028): it got no pooled connection within
 * `maxWait`, or ran past its `timeout`, and was rolled back. Under load that is a capacity
 * condition, not a bug. (P2028's other causes, nested transactions and isolation levels, are
 * not used here; a "transaction not found" is one that already expired.)
 */
export function isTransactionTimeout(error: unknown): boolean {
  return hasCode(error, 'P2028');
}

/**
 * The transaction's result, or SERVICE_UNAVAILABLE when Prisma gave up on it: the
 * transaction never began or was rolled back, so nothing was written and the client may
 * simply retry. Other errors propagate.
 */
export async function unavailableIfTimedOut<T>(transaction: Promise<T>): Promise<T> {
  try {
    return await transaction;
  } catch (error) {
    if (!isTransactionTimeout(error)) throw error;
    // The client's error says only "retry"; Prisma's detail (which limit, how long) is for operators.
    currentRequest()?.logger.warn({ err: error }, 'database transaction timed out');
    throw new GraphQLError('The database is too busy to complete this change in time. Nothing was changed; retry shortly.', {
      extensions: { code: ErrorCode.ServiceUnavailable },
    });
  }
}
