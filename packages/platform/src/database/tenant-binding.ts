/**
 * The statements that bind a transaction to its tenant, as a driver adapter receives them
 * (numbered parameters). tenant-client sends them; bound-reads and transaction-pipeline
 * recognise them, so the three must agree on the text, which lives here alone.
 */

/** Binds the tenant for the rest of the transaction. */
export const BINDING_SQL = `SELECT set_config('app.tenant_id', $1, true)`;

/** Binds the tenant and takes the transaction-scoped advisory lock (lock class $2, tenant $3). */
export const LOCKED_BINDING_SQL = `SELECT set_config('app.tenant_id', $1, true), pg_advisory_xact_lock($2::int4, hashtext($3))`;

/**
 * Binds the tenant for a transaction that only reads, and so tells the pg driver's pipeline
 * that each of its statements may run in an implicit transaction of its own, right after the
 * binding (transaction-pipeline).
 */
export const READS_BINDING_SQL = `SELECT set_config('app.tenant_id', $1, true) AS reads_only`;

/** Whether `sql`, as a driver receives it, is a tenant binding, and of which kind. */
export function bindingKind(sql: string): 'transaction' | 'reads' | null {
  if (sql === BINDING_SQL || sql === LOCKED_BINDING_SQL) return 'transaction';
  return sql === READS_BINDING_SQL ? 'reads' : null;
}
