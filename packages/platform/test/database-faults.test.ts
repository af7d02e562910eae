import type { SqlQuery } from '@prisma/driver-adapter-utils';
import { flagUnknownCommits } from '../src/database/commit-outcome';
import type { OpenDatabase } from '../src/database/connection';
import { isDatabaseUnavailable, isLostWithoutVerdict } from '../src/database/unavailable';
import { maskUnexpectedErrors } from '../src/errors';
import { createLogger } from '../src/logger';

/** Errors shaped as pg, Prisma (7, driver adapters) and Node raise them. */
const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code, severity: 'FATAL' });
const prismaError = (code: string, originalCode?: string) =>
  Object.assign(new Error(`prisma ${code}`), {
    code,
    meta: originalCode ? { driverAdapterError: { name: 'DriverAdapterError', cause: { kind: 'postgres', originalCode } } } : {},
  });
const socketError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code, syscall: 'connect', errno: -111 });

test.each([
  ['a terminated backend (57P01)', pgError('57P01')],
  ['a connection failure (08006)', pgError('08006')],
  ['a statement cancelled by statement_timeout (57014)', pgError('57014')],
  ['Prisma wrapping a terminated backend (P2039 / 57P01)', prismaError('P2039', '57P01')],
  ['Prisma: database unreachable (P1001)', prismaError('P1001')],
  ['Prisma: interactive transaction given up (P2028)', prismaError('P2028')],
  ['a refused connection as a cause', new Error('query failed', { cause: socketError('ECONNREFUSED') })],
  ['pg-pool waiting too long for a connection', new Error('timeout exceeded when trying to connect')],
  ['a client whose connection already broke', new Error('Client has encountered a connection error and is not queryable')],
])('%s is the database being unavailable', (_name, error) => {
  expect(isDatabaseUnavailable(error)).toBe(true);
});

test.each([
  ['a unique violation (P2002)', prismaError('P2002')],
  ['a bad value (P2039 / 22P02)', prismaError('P2039', '22P02')],
  ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
  ['not an error at all', 'oops'],
])('%s is not', (_name, error) => {
  expect(isDatabaseUnavailable(error)).toBe(false);
});

test('a lost database is answered SERVICE_UNAVAILABLE with a generic message; a bug stays an internal error', () => {
  const format = maskUnexpectedErrors(createLogger('test', 'silent'));
  const lost = format(
    { message: 'Invalid `prisma.reservation.findMany()` invocation: terminating connection', path: ['reservations'] },
    prismaError('P2039', '57P01'),
  );
  expect(lost).toEqual({
    message: 'The database is unavailable right now. Nothing was changed; retry shortly.',
    path: ['reservations'],
    extensions: { code: 'SERVICE_UNAVAILABLE' },
  });
  expect(format({ message: 'boom' }, new TypeError('boom')).extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
});

describe('a commit whose connection breaks before the server answers', () => {
  const statement = (sql: string): SqlQuery => ({ sql, args: [], argTypes: [] });

  /** A driver whose statements fail with `failure` when `fails(sql)`. */
  function database(fails: (sql: string) => boolean, failure: Error): OpenDatabase {
    const run = async (query: SqlQuery) => {
      if (fails(query.sql)) throw failure;
      return 1;
    };
    const transaction = { executeRaw: run, queryRaw: run, options: { usePhantomQuery: false } };
    const adapter = { executeRaw: run, queryRaw: run, startTransaction: async () => transaction };
    return { adapter: { connect: async () => adapter } } as unknown as OpenDatabase;
  }

  type Driver = { executeRaw(query: SqlQuery): Promise<unknown>; startTransaction(): Promise<{ executeRaw(query: SqlQuery): Promise<unknown> }> };
  const connect = (db: OpenDatabase) => (db.adapter as unknown as { connect(): Promise<Driver> }).connect();
  const lost = new Error('Connection terminated unexpectedly');

  test('COMMIT, or a write outside a transaction: OUTCOME_UNKNOWN, it may have been applied', async () => {
    const driver = await connect(flagUnknownCommits(database(() => true, lost)));
    const transaction = await driver.startTransaction();
    await expect(transaction.executeRaw(statement('COMMIT'))).rejects.toMatchObject({ extensions: { code: 'OUTCOME_UNKNOWN' } });
    await expect(driver.executeRaw(statement('UPDATE reservations SET status = $1'))).rejects.toMatchObject({
      extensions: { code: 'OUTCOME_UNKNOWN' },
    });
  });

  test('a read, a statement inside a transaction, or a failure the server explained: the error as it was', async () => {
    const driver = await connect(flagUnknownCommits(database(() => true, lost)));
    await expect(driver.executeRaw(statement('SELECT 1'))).rejects.toBe(lost);
    await expect((await driver.startTransaction()).executeRaw(statement('INSERT INTO reservations DEFAULT VALUES'))).rejects.toBe(lost);
    const terminated = pgError('57P01');
    const explained = await connect(flagUnknownCommits(database(() => true, terminated)));
    await expect((await explained.startTransaction()).executeRaw(statement('COMMIT'))).rejects.toBe(terminated);
    expect(isLostWithoutVerdict(terminated)).toBe(false);
  });
});
