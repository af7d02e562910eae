import type { SqlDriverAdapterFactory, SqlQuery } from '@prisma/driver-adapter-utils';
import type { OpenDatabase } from '../database/connection';
import { secondsSince, type ServiceMetrics } from './metrics';
import { currentRequest } from './request-scope';
import { addBreadcrumb, sentryApi } from './sentry';

/**
 * SQL statement timing, measured where every statement passes: the Prisma driver adapter.
 * Unlike Prisma's query events this needs nothing from the subgraphs (no `$on` on their
 * clients) and works for any client built on `database.adapter`. With Sentry on, each
 * statement made for a request is also a breadcrumb and, when the request is traced, a
 * `db.query` span; statements are parameterised (`$1`), so no values reach either.
 */
export function observeDatabase(database: OpenDatabase, metrics: ServiceMetrics): OpenDatabase {
  const timed = <T>(query: SqlQuery, run: () => Promise<T>): Promise<T> => {
    const started = process.hrtime.bigint();
    const record = (ok: boolean): void => metrics.recordQuery(query.sql, ok, secondsSince(started));
    const api = sentryApi();
    const measured = (): Promise<T> =>
      run().then(
        (result) => {
          record(true);
          return result;
        },
        (error: unknown) => {
          record(false);
          throw error;
        },
      );
    if (api === null || currentRequest() === undefined) return measured();
    addBreadcrumb({ category: 'query', message: query.sql.slice(0, 300), level: 'info' });
    return api.startSpan(
      {
        name: query.sql.slice(0, 200),
        op: 'db.query',
        onlyIfParent: true,
        attributes: { 'db.system.name': 'postgresql', 'db.query.text': query.sql, 'sentry.origin': 'manual.platform.db' },
      },
      measured,
    );
  };

  /** The same object with its two statement methods timed; transactions it opens are wrapped too. */
  const observed = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(object, property) {
        const value: unknown = Reflect.get(object, property, object);
        if (typeof value !== 'function') return value;
        if (property === 'queryRaw' || property === 'executeRaw') {
          return (query: SqlQuery) => timed(query, () => (value as (q: SqlQuery) => Promise<unknown>).call(object, query));
        }
        if (property === 'startTransaction' || property === 'connect') {
          return async (...args: unknown[]) => observed((await (value as (...a: unknown[]) => Promise<object>).apply(object, args)) as object);
        }
        return (value as (...a: unknown[]) => unknown).bind(object);
      },
    });

  const adapter: SqlDriverAdapterFactory = observed(database.adapter);
  return { ...database, adapter, close: () => database.close() };
}
