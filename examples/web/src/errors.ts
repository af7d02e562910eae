import { CombinedGraphQLErrors } from '@apollo/client/errors';

/** What a person is told, chosen by the error's `extensions.code`, never by its message. */
export interface ShownError {
  code: string;
  text: string;
}

const TEXTS: Record<string, string> = {
  CAPACITY_EXCEEDED: 'That time is full for a party of this size. Pick another time or a smaller party.',
  BAD_USER_INPUT: 'Please check the form',
  NOT_FOUND: 'It no longer exists.',
  CONFLICT: 'That conflicts with a change made meanwhile. Reload and try again.',
  SERVICE_UNAVAILABLE: 'Part of the service is unavailable right now. Nothing was changed; try again shortly.',
  OUTCOME_UNKNOWN: 'We could not confirm whether that went through. Checking…',
  PERSISTED_QUERY_NOT_IN_LIST: 'This version of the app is out of date. Reload the page.',
  PERSISTED_QUERY_ID_REQUIRED: 'This version of the app is out of date. Reload the page.',
};

export function codesOf(error: unknown): string[] {
  if (!CombinedGraphQLErrors.is(error)) return [];
  return error.errors.map((each) => String(each.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
}

export function shownErrors(error: unknown): ShownError[] {
  if (!error) return [];
  if (!CombinedGraphQLErrors.is(error)) return [{ code: 'NETWORK', text: 'The server could not be reached. Check your connection and try again.' }];
  const seen = new Map<string, ShownError>();
  for (const each of error.errors) {
    const code = String(each.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
    if (seen.has(code)) continue;
    const text = TEXTS[code] ?? 'Something went wrong on our side. Try again.';
    seen.set(code, { code, text: code === 'BAD_USER_INPUT' ? `${text}: ${each.message}` : text });
  }
  return [...seen.values()];
}
