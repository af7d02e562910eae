import Negotiator from 'negotiator';

/** Apollo Server's media types for a single GraphQL result, in its order of preference. */
const SINGLE_RESULT_TYPES = [
  'application/json; charset=utf-8',
  'application/graphql-response+json; charset=utf-8',
  'application/json; callbackSpec=1.0; charset=utf-8',
];
const JSON_TYPE = SINGLE_RESULT_TYPES[0]!;
/** Clients send a handful of distinct accept headers; beyond this many, answers are negotiated again each time. */
const REMEMBERED_MAX = 100;
const remembered = new Map<string, string | null>();

/**
 * The content type Apollo Server gives a single result for this `accept` header (null: none
 * acceptable, Apollo answers 406), so that answers made at the edge carry the same one.
 */
export function singleResultMediaType(accept: string | undefined): string | null {
  if (!accept) return JSON_TYPE;
  const known = remembered.get(accept);
  if (known !== undefined) return known;
  const preferred = new Negotiator({ headers: { accept } }).mediaType(SINGLE_RESULT_TYPES) ?? null;
  if (remembered.size < REMEMBERED_MAX) remembered.set(accept, preferred);
  return preferred;
}
