import type { SqlDriverAdapterFactory, SqlQuery } from '@prisma/driver-adapter-utils';
import { beneathReadBinding } from './bound-reads';
import type { OpenDatabase } from './connection';

/** Sends a statement (possibly another one than it was given, e.g. ROLLBACK for a COMMIT). */
export type SendStatement<T> = (query: SqlQuery) => Promise<T>;

/** Runs around every statement Prisma sends: `inTransaction` is false for autocommit statements. */
export type StatementHook = <T>(query: SqlQuery, send: SendStatement<T>, inTransaction: boolean) => Promise<T>;

const PHANTOM_COMMIT: SqlQuery = { sql: 'COMMIT', args: [], argTypes: [] };

function usesPhantomQueries(transaction: object): boolean {
  return (transaction as { options?: { usePhantomQuery?: boolean } }).options?.usePhantomQuery === true;
}

/**
 * The same database with `hook` around every statement its Prisma driver adapter sends, in
 * transactions too: the one place where each statement passes, whichever client sent it
 * (the tenant binding of single reads included: see bound-reads).
 */
export function withStatementHook(database: OpenDatabase, hook: StatementHook): OpenDatabase {
  const hooked = <T extends object>(target: T, inTransaction: boolean): T =>
    new Proxy(target, {
      get(object, property) {
        const value: unknown = Reflect.get(object, property, object);
        if (typeof value !== 'function') return value;
        if (property === 'queryRaw' || property === 'executeRaw') {
          const method = value as (query: SqlQuery) => Promise<unknown>;
          return (query: SqlQuery) => hook(query, (sent) => method.call(object, sent), inTransaction);
        }
        if (property === 'commit' && inTransaction && usesPhantomQueries(object)) {
          // A driver that commits without sending COMMIT (PGlite): its commit passes the hook as
          // that statement, and a hook that swaps it for ROLLBACK gets the driver's rollback.
          const commit = value as () => Promise<unknown>;
          const rollback = (object as unknown as { rollback: () => Promise<unknown> }).rollback;
          return () => hook(PHANTOM_COMMIT, (sent) => (/^\s*ROLLBACK\b/i.test(sent.sql) ? rollback.call(object) : commit.call(object)), true);
        }
        if (property === 'startTransaction' || property === 'connect') {
          const opened = property === 'startTransaction';
          return async (...args: unknown[]) =>
            hooked((await (value as (...a: unknown[]) => Promise<object>).apply(object, args)) as object, inTransaction || opened);
        }
        return (value as (...a: unknown[]) => unknown).bind(object);
      },
    });

  const adapter: SqlDriverAdapterFactory = beneathReadBinding(database.adapter, (inner) => hooked(inner, false));
  return { ...database, adapter };
}
