import { outcomeUnknown } from '../errors';
import type { OpenDatabase } from './connection';
import { withStatementHook } from './statement-hooks';
import { isLostWithoutVerdict } from './unavailable';

const COMMIT = /^\s*COMMIT\b/i;
const READ = /^\s*SELECT\b/i;

/**
 * A COMMIT (or a write outside a transaction) whose connection broke before the server
 * answered may have been applied: the client is told OUTCOME_UNKNOWN, not the
 * SERVICE_UNAVAILABLE ("nothing applied") that other database losses get.
 */
export function flagUnknownCommits(database: OpenDatabase): OpenDatabase {
  return withStatementHook(database, async (query, send, inTransaction) => {
    try {
      return await send(query);
    } catch (error) {
      const maybeApplied = COMMIT.test(query.sql) || (!inTransaction && !READ.test(query.sql));
      if (!maybeApplied || !isLostWithoutVerdict(error)) throw error;
      throw outcomeUnknown(
        'The database connection was lost while this change was being committed; it may or may not have been applied. ' +
          'Retry with the same idempotencyKey, or read it back before trying again.',
      );
    }
  });
}
