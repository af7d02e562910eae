import type { PGlite, Transaction } from '@electric-sql/pglite';
import type pg from 'pg';
import type { SqlExecutor, SqlSession } from './migrations';

function pgSession(queryable: pg.Pool | pg.PoolClient): SqlSession {
  return {
    async exec(sql) {
      // Without parameters pg uses the simple query protocol, which accepts several statements.
      await queryable.query(sql);
    },
    async query<Row>(sql: string, params: unknown[] = []) {
      const result = await queryable.query(sql, params);
      return result.rows as Row[];
    },
  };
}

/**
 * SQL over a pg pool. A transaction checks out one client and keeps it until COMMIT or
 * ROLLBACK, because a pool would otherwise spread BEGIN and the statements over connections.
 * Its transactions are exempt from the pool's request timeouts: they run migrations, which may
 * take long, and the migration lock, which waits for another applier and then sits idle in its
 * transaction while the migrations run on a second connection.
 */
export function pgExecutor(pool: pg.Pool): SqlExecutor {
  return {
    ...pgSession(pool),
    async transaction<T>(work: (tx: SqlSession) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        await client.query('SET LOCAL statement_timeout = 0; SET LOCAL idle_in_transaction_session_timeout = 0');
        try {
          const result = await work(pgSession(client));
          await client.query('COMMIT');
          return result;
        } catch (error) {
          try {
            await client.query('ROLLBACK');
          } catch (rollbackError) {
            // A client that cannot roll back is in an unknown state: destroy it rather than
            // hand a half-open transaction to the next user of the pool.
            broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
          }
          throw error;
        }
      } finally {
        client.release(broken);
      }
    },
  };
}

function pgliteSession(queryable: PGlite | Transaction): SqlSession {
  return {
    async exec(sql) {
      // exec() runs a multi-statement script and rejects on the first failing statement;
      // pglite-prisma-adapter's executeScript() does not await it and so hides failures.
      await queryable.exec(sql);
    },
    async query<Row>(sql: string, params: unknown[] = []) {
      const result = await queryable.query<Row>(sql, params);
      return result.rows;
    },
  };
}

/** SQL over an embedded PGlite database, which is a single connection. */
export function pgliteExecutor(db: PGlite): SqlExecutor {
  return {
    ...pgliteSession(db),
    singleConnection: true,
    transaction: (work) => db.transaction((tx) => work(pgliteSession(tx))),
  };
}
