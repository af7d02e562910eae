import { badUserInput } from '../errors';
import { isUuid } from './ids';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface PageRequest {
  take: number;
  /** Rows strictly after this id, in id order. */
  afterId: string | null;
}

export interface Connection<T> {
  nodes: T[];
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  /** A function so the count query runs only when a client selects totalCount. */
  totalCount: () => Promise<number>;
}

const CURSOR_PREFIX = 'v1:';

// Cursors are opaque to clients; the version prefix lets the encoding change later.
export function encodeCursor(id: string): string {
  return Buffer.from(`${CURSOR_PREFIX}${id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = decoded.startsWith(CURSOR_PREFIX) ? decoded.slice(CURSOR_PREFIX.length) : '';
  if (!isUuid(id)) throw badUserInput('after is not a cursor returned by this API', 'after');
  return id;
}

/** The largest value of a PostgreSQL `integer` column: a cursor key past it cannot be compared to one. */
export const MAX_INT_COLUMN = 2_147_483_647;

/**
 * Cursors of lists ordered by an integer column and then id, such as a display position:
 * `<prefix><key>:<id>`. Decoding checks what the database would refuse (a key past the
 * column's range, an id that is no UUID), so a crafted cursor is BAD_USER_INPUT on `after`,
 * never a database error.
 */
export function encodeKeyedCursor(prefix: string, key: number, id: string): string {
  return Buffer.from(`${prefix}${key}:${id}`, 'utf8').toString('base64url');
}

export function decodeKeyedCursor(prefix: string, cursor: string): { key: number; id: string } {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = decoded.startsWith(prefix) ? /^(\d{1,10}):([0-9a-f-]{36})$/.exec(decoded.slice(prefix.length)) : null;
  const key = Number(match?.[1]);
  const id = match?.[2] ?? '';
  if (!match || key > MAX_INT_COLUMN || !isUuid(id)) throw badUserInput('after is not a cursor returned by this API', 'after');
  return { key, id };
}

export function pageRequest(first: number | null | undefined, after: string | null | undefined): PageRequest {
  const take = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(take) || take < 0 || take > MAX_PAGE_SIZE) {
    throw badUserInput(`first must be between 0 and ${MAX_PAGE_SIZE}`, 'first');
  }
  return { take, afterId: after ? decodeCursor(after) : null };
}

/** How many rows to fetch for a page: one more than asked, to learn whether another page exists. */
export function rowsToFetch(page: Pick<PageRequest, 'take'>): number {
  return page.take + 1;
}

/**
 * Prisma `findMany` arguments for a page in id order: the rows after the cursor's id that
 * match `where`. Ids are UUIDv7, so id order is creation order and `id > after` keeps pages
 * stable while rows are added.
 */
export function idOrderedPage<W extends object>(
  where: W,
  page: PageRequest,
): { where: W | { AND: [W, { id: { gt: string } }] }; orderBy: { id: 'asc' }; take: number } {
  return {
    where: page.afterId ? { AND: [where, { id: { gt: page.afterId } }] } : where,
    orderBy: { id: 'asc' },
    take: rowsToFetch(page),
  };
}

/**
 * Builds a connection from rows fetched with `rowsToFetch`: the extra row only tells whether
 * another page exists and is not returned. `cursorOf` is for lists not in id order, whose
 * cursor has to hold their own sort key.
 */
export function toConnection<T extends { id: string }>(
  rows: T[],
  page: Pick<PageRequest, 'take'>,
  count: () => Promise<number>,
  cursorOf: (node: T) => string = (node) => encodeCursor(node.id),
): Connection<T> {
  const nodes = rows.slice(0, page.take);
  const edges = nodes.map((node) => ({ cursor: cursorOf(node), node }));
  return {
    nodes,
    edges,
    pageInfo: { hasNextPage: rows.length > page.take, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount: count,
  };
}
