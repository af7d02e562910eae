import type { OpenDatabase } from '../database/connection';
import { withStatementHook } from '../database/statement-hooks';
import { trackDelivery } from '../database/transaction-pipeline';
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
  return withStatementHook(database, (query, send) => {
    const started = process.hrtime.bigint();
    let reachedDatabase = () => true;
    // A COMMIT of a transaction the server never saw (a single read) is not a statement sent.
    let alongside: () => readonly string[] = () => [];
    const record = (ok: boolean): void => {
      if (!reachedDatabase()) return;
      metrics.recordQuery(query.sql, ok, secondsSince(started));
      // A bound read's binding ran in the same round trip: counted, with no time of its own.
      for (const statement of alongside()) metrics.recordQuery(statement, ok, 0);
    };
    const api = sentryApi();
    const measured = () => {
      const delivery = trackDelivery(() => send(query));
      reachedDatabase = delivery.reachedDatabase;
      alongside = delivery.alongside;
      return delivery.sent.then(
        (result) => {
          record(true);
          return result;
        },
        (error: unknown) => {
          record(false);
          throw error;
        },
      );
    };
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
  });
}
