/**
 * Telling a lost database from a failing request. No dependency on Prisma or pg: errors of
 * either (and of Node's sockets) are recognised by their codes and messages, so the shared
 * error formatting can use this without loading a database driver.
 */
/**
 * PostgreSQL SQLSTATEs that mean "the database is not there for us right now", not "this
 * request is wrong": class 08 (connection exceptions) by prefix, plus the shutdown and
 * termination codes a restart, failover or pg_terminate_backend sends (57P01-57P03), too many
 * connections (53300), a statement cancelled by statement_timeout (57014) and a session ended
 * by idle_in_transaction_session_timeout (25P03).
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '57014', '25P03']);
/**
 * Prisma's codes for the same: unreachable, timed out, connection closed, pool timeout, too many
 * connections, and an interactive transaction given up on (P2028, see prisma-errors).
 */
const UNAVAILABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028', 'P2037']);
/** The driver adapter's error kinds for the same. */
const UNAVAILABLE_ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
/** Node's socket errors. */
const UNAVAILABLE_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
/** node-postgres and pg-pool say these in words only. */
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'not queryable',
  'timeout exceeded when trying to connect',
  'Cannot use a pool after calling end',
];

/** The error, its causes and the driver error Prisma keeps in `meta`, outermost first. */
function errorChain(error: unknown): Record<string, unknown>[] {
  const chain: Record<string, unknown>[] = [];
  const pending: unknown[] = [error];
  while (pending.length > 0 && chain.length < 10) {
    const next = pending.shift();
    if (typeof next !== 'object' || next === null || chain.includes(next as Record<string, unknown>)) continue;
    const record = next as Record<string, unknown>;
    chain.push(record);
    pending.push(record.cause, (record.meta as Record<string, unknown> | undefined)?.driverAdapterError);
  }
  return chain;
}

/**
 * Whether an error means the database was lost, refused the connection, timed out or is
 * failing over: a dependency fault the client may retry (SERVICE_UNAVAILABLE), never a bug to
 * report. Reads SQLSTATEs, Prisma codes, driver adapter kinds, socket codes and node-postgres'
 * messages anywhere along the error's causes.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  return errorChain(error).some((link) => {
    const code = typeof link.code === 'string' ? link.code : null;
    const originalCode = typeof link.originalCode === 'string' ? link.originalCode : null;
    const sqlstate = originalCode ?? code;
    if (sqlstate !== null && (UNAVAILABLE_SQLSTATES.has(sqlstate) || /^08[0-9A-Z]{3}$/.test(sqlstate))) return true;
    if (code !== null && (UNAVAILABLE_PRISMA_CODES.has(code) || UNAVAILABLE_SOCKET_CODES.has(code))) return true;
    if (typeof link.kind === 'string' && UNAVAILABLE_ADAPTER_KINDS.has(link.kind)) return true;
    const message = typeof link.message === 'string' ? link.message : '';
    return UNAVAILABLE_MESSAGES.some((words) => message.includes(words));
  });
}

/** Socket codes and driver kinds of a connection that broke before the server's answer came. */
const VERDICT_LOST_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);
const VERDICT_LOST_KINDS = new Set(['ConnectionClosed', 'SocketTimeout']);

/**
 * Whether the connection broke while a statement was in flight, with no answer from the server
 * about it: the statement may have taken effect. (A server that refused or aborted it says so
 * with a SQLSTATE; a client that knew its connection was dead never sent it.)
 */
export function isLostWithoutVerdict(error: unknown): boolean {
  return errorChain(error).some(
    (link) =>
      (typeof link.code === 'string' && VERDICT_LOST_CODES.has(link.code)) ||
      (typeof link.kind === 'string' && VERDICT_LOST_KINDS.has(link.kind)) ||
      (typeof link.message === 'string' && link.message.includes('Connection terminated unexpectedly')),
  );
}
