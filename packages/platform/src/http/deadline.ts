import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingHttpHeaders } from 'node:http';
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../errors';

/**
 * Deadlines that reach the subgraphs. The gateway sends each attempt's end as an absolute
 * time (Unix ms, signed with the rest of the request): an absolute time still means the same
 * to a subgraph that was paused before it read the request, where a remaining budget would
 * restart on arrival. Like the signature window, it assumes clocks kept in step (NTP).
 */
export const DEADLINE_HEADER = 'x-request-deadline';

/** The deadline a request carries, or null when it carries none (or one that does not parse). */
export function deadlineOf(headers: IncomingHttpHeaders): number | null {
  const value = headers[DEADLINE_HEADER];
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || !/^\d{1,15}$/.test(text)) return null;
  return Number(text);
}

const storage = new AsyncLocalStorage<number>();

/** Runs `work` with `deadline` as the current request's deadline (none when null). */
export function runWithDeadline<T>(deadline: number | null, work: () => T): T {
  return deadline === null ? work() : storage.run(deadline, work);
}

/** The deadline of the request being served, if it has one. */
export function currentDeadline(): number | null {
  return storage.getStore() ?? null;
}

export const DEADLINE_PASSED_MESSAGE = "The request's deadline passed before this change was made. Nothing was changed; retry.";

/** The caller has given up: nothing was (or will be) applied. */
export function deadlinePassed(): GraphQLError {
  return new GraphQLError(DEADLINE_PASSED_MESSAGE, { extensions: { code: ErrorCode.ServiceUnavailable, reason: 'deadline' } });
}
