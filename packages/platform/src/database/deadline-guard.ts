import { currentDeadline, deadlinePassed } from '../http/deadline';
import type { OpenDatabase } from './connection';
import { withStatementHook } from './statement-hooks';

const COMMIT = /^\s*COMMIT\b/i;
const ROLLBACK = /^\s*ROLLBACK\b/i;

/**
 * Keeps a request's database work inside its deadline (see http/deadline): once the deadline
 * has passed, no further statement is sent, and a transaction about to commit is rolled back
 * instead, so a change never commits after the caller stopped waiting for it. The refusal
 * reaches the client as SERVICE_UNAVAILABLE (nothing applied). The COMMIT is turned into a
 * ROLLBACK here rather than refused, because Prisma releases a connection whose COMMIT failed
 * without rolling it back.
 */
export function guardDeadlines(database: OpenDatabase, now: () => number = Date.now): OpenDatabase {
  return withStatementHook(database, async (query, send) => {
    const deadline = currentDeadline();
    if (deadline === null || ROLLBACK.test(query.sql) || now() < deadline) return send(query);
    if (COMMIT.test(query.sql)) await send({ ...query, sql: 'ROLLBACK' });
    throw deadlinePassed();
  });
}
