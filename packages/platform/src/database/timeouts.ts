/**
 * Bounds on database waits, so a stalled or lost database becomes a quick, coded failure inside
 * the gateway's per-attempt timeout instead of a request that hangs (see docs/operations.md, "Faults").
 */
export interface DatabaseTimeouts {
  /** Opening a connection, and waiting for a pooled one (pg `connectionTimeoutMillis`). */
  connectMs: number;
  /** One statement on the server (`statement_timeout`); lock waits included. */
  statementMs: number;
  /** A transaction left idle, e.g. by a request that went away (`idle_in_transaction_session_timeout`). */
  idleInTransactionMs: number;
}

export const DEFAULT_DATABASE_TIMEOUTS: DatabaseTimeouts = { connectMs: 2_000, statementMs: 3_000, idleInTransactionMs: 5_000 };
