import DataLoader from 'dataloader';
import { isUuid } from '@reservations/platform/graphql/ids';

/**
 * A request's loader of one tenant's rows by id: one `find` per batch, however many references
 * or fields ask. Ids that are not UUIDs (federation references are not parsed) load as null
 * without reaching the database.
 */
export function byIdLoader<T extends { id: string }>(find: (ids: string[]) => Promise<T[]>): DataLoader<string, T | null> {
  return new DataLoader(async (ids) => {
    const valid = ids.filter(isUuid);
    const rows = valid.length === 0 ? [] : await find(valid);
    const found = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => found.get(id) ?? null);
  });
}
