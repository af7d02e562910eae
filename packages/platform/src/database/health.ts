import type { OpenDatabase } from './connection';

export type DatabaseState = 'up' | 'down';

/** How long one ping may take, and how long its answer is reused. */
export const PING_TIMEOUT_MS = 1_000;
export const PING_REUSE_MS = 1_000;

/**
 * Whether the database answers, for /ready: a `SELECT 1` bounded by PING_TIMEOUT_MS. Probes are
 * rate-bounded: callers within PING_REUSE_MS of a ping share its answer, and concurrent callers
 * share the ping in flight, so however often /ready is polled the database sees at most about
 * one ping a second.
 */
export function databaseHealth(database: Pick<OpenDatabase, 'ping'>, now: () => number = Date.now): () => Promise<DatabaseState> {
  let last: { at: number; state: DatabaseState } | null = null;
  let inFlight: Promise<DatabaseState> | null = null;
  return () => {
    if (last !== null && now() - last.at < PING_REUSE_MS) return Promise.resolve(last.state);
    inFlight ??= database.ping(PING_TIMEOUT_MS).then((ok) => {
      last = { at: now(), state: ok ? 'up' : 'down' };
      inFlight = null;
      return last.state;
    });
    return inFlight;
  };
}
