// Hand-written: Prisma has no hook between "an operation starts" and "its SQL reaches the
// driver" other than a driver adapter, and its interactive transactions cost more CPU than the
// single read they would wrap. This binds a tenant's reads at the adapter instead.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, Transaction } from '@prisma/driver-adapter-utils';
import { BINDING_SQL, READS_BINDING_SQL } from './tenant-binding';

/** The tenant whose read is being made in this async context (set by the tenant-bound client). */
const readingTenant = new AsyncLocalStorage<string>();

/** Marks an adapter factory whose reads outside transactions bind the tenant of `readAs`. */
const BINDS_READS = Symbol.for('reservations.database.binds-tenant-reads');

const bindingQuery = (sql: string, tenantId: string): SqlQuery => ({ sql, args: [tenantId], argTypes: [{ scalarType: 'string', arity: 'scalar' }] });

/**
 * Runs `read` (one Prisma read operation, made outside any transaction) with every statement it
 * sends bound to `tenantId`. Only the adapter below reads this, once per statement, when the
 * statement arrives: the context is never read from a pool's callback or any other place where
 * another request's context could stand in.
 */
export function readAs<T>(tenantId: string, read: () => PromiseLike<T>): Promise<T> {
  // Awaited inside the context: Prisma's promises start their work only when awaited.
  return readingTenant.run(tenantId, async () => await read());
}

/** The factory a binding one wraps, and how it binds. */
const BENEATH = Symbol('factory beneath the read binding');
const READ_WITH_BINDING = Symbol('how the factory beneath binds a single read');

/** Whether `factory` (what a Prisma client was built on) binds the reads of `readAs`. */
export function bindsTenantReads(factory: unknown): boolean {
  return typeof factory === 'object' && factory !== null && (factory as Record<symbol, unknown>)[BINDS_READS] === true;
}

const COMMIT: SqlQuery = { sql: 'COMMIT', args: [], argTypes: [] };
const ROLLBACK: SqlQuery = { sql: 'ROLLBACK', args: [], argTypes: [] };

/** Ends a driver transaction the way Prisma does: COMMIT/ROLLBACK sent unless the driver sends its own. */
async function finish(transaction: Transaction, commit: boolean): Promise<void> {
  try {
    if (!transaction.options.usePhantomQuery) await transaction.executeRaw(commit ? COMMIT : ROLLBACK);
  } finally {
    await (commit ? transaction.commit() : transaction.rollback());
  }
}

/** One read in a transaction of its own that binds the tenant first (PGlite: in-process). */
async function boundRead(adapter: SqlDriverAdapter, tenantId: string, query: SqlQuery) {
  const transaction = await adapter.startTransaction();
  try {
    await transaction.executeRaw(bindingQuery(READS_BINDING_SQL, tenantId));
    const result = await transaction.queryRaw(query);
    await finish(transaction, true);
    return result;
  } catch (error) {
    await finish(transaction, false).catch(() => undefined);
    throw error;
  }
}

/**
 * Sends `read` (one statement of the adapter beneath, outside any transaction) with `tenantId`
 * bound for that statement alone: a driver that can do this without a transaction of its own
 * (transaction-pipeline's `readWithBinding`, over PostgreSQL) offers it to `bindTenantReads`.
 */
export type ReadWithBinding = <T>(tenantId: string, read: () => Promise<T>) => Promise<T>;

function bindingAdapter(adapter: SqlDriverAdapter, readWithBinding: ReadWithBinding | undefined): SqlDriverAdapter {
  return new Proxy(adapter, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (property === 'queryRaw') {
        return (query: SqlQuery) => {
          const tenantId = readingTenant.getStore();
          if (tenantId === undefined) return target.queryRaw(query);
          return readWithBinding ? readWithBinding(tenantId, () => target.queryRaw(query)) : boundRead(target, tenantId, query);
        };
      }
      if (property === 'executeRaw') {
        return (query: SqlQuery) => {
          // A write inside a read operation would run unbound (and be refused by the policies).
          if (readingTenant.getStore() !== undefined) throw new Error('a write reached the database inside a tenant read');
          return target.executeRaw(query);
        };
      }
      if (property === 'startTransaction') {
        // Only the read itself can start a transaction in its context: Prisma's own, for a read
        // it sends in several statements. It is bound like the tenant-bound client's transactions.
        return async (...args: unknown[]) => {
          const tenantId = readingTenant.getStore();
          const transaction = (await (value as (...a: unknown[]) => Promise<Transaction>).apply(target, args)) as Transaction;
          if (tenantId !== undefined) {
            try {
              await transaction.executeRaw(bindingQuery(BINDING_SQL, tenantId));
            } catch (error) {
              await finish(transaction, false).catch(() => undefined);
              throw error;
            }
          }
          return transaction;
        };
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * `factory` with reads made through `readAs` bound to their tenant: each SELECT Prisma sends
 * outside a transaction goes out with the binding (`readWithBinding`, where the driver offers
 * it), or else runs in a transaction of its own that first binds the tenant. Everything else
 * passes through unchanged.
 */
export function bindTenantReads(factory: SqlDriverAdapterFactory, readWithBinding?: ReadWithBinding): SqlDriverAdapterFactory {
  return new Proxy(factory, {
    get(target, property) {
      if (property === BINDS_READS) return true;
      if (property === BENEATH) return target;
      if (property === READ_WITH_BINDING) return readWithBinding;
      const value: unknown = Reflect.get(target, property, target);
      if (property === 'connect') return async () => bindingAdapter(await target.connect(), readWithBinding);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * Wraps the factory beneath the read binding, keeping the binding on top: wrappers that watch
 * every statement (statement-hooks) then see the binding and the COMMIT of each bound read too.
 */
export function beneathReadBinding(
  factory: SqlDriverAdapterFactory,
  wrap: (inner: SqlDriverAdapterFactory) => SqlDriverAdapterFactory,
): SqlDriverAdapterFactory {
  if (!bindsTenantReads(factory)) return wrap(factory);
  const binding = factory as unknown as Record<symbol, unknown>;
  return bindTenantReads(wrap(binding[BENEATH] as SqlDriverAdapterFactory), binding[READ_WITH_BINDING] as ReadWithBinding | undefined);
}
