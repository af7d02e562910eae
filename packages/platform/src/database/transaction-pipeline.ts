// Hand-written: node-postgres sends one statement per round trip and has no pipelining API, and
// Prisma's pg adapter opens every transaction with a BEGIN of its own. This layer uses pg's
// Submittable extension point (the one pg-cursor builds on) to send what opens a transaction in
// the same message as the transaction's first real statement.
import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { bindingKind, READS_BINDING_SQL } from './tenant-binding';

/** One statement as the extended protocol sends it. */
interface Statement {
  text: string;
  values: unknown[];
}

/**
 * Where a pooled connection stands. `opening`: the driver asked for BEGIN (and maybe the tenant
 * binding) and nothing has reached the server yet. `open`: an explicit transaction runs on the
 * server. `reads`: a transaction bound for reads only, which the server never sees as one:
 * each statement runs in an implicit transaction of its own, right after the binding.
 */
type State = { kind: 'idle' } | { kind: 'opening'; prefix: Statement[] } | { kind: 'open' } | { kind: 'reads'; binding: Statement };

const BEGIN: Statement = { text: 'BEGIN', values: [] };
const ENDS_TRANSACTION = /^\s*(?:COMMIT|ROLLBACK)\s*;?\s*$/i;
const PLAIN_READ = /^\s*SELECT\b/i;
/** A SELECT that locks rows needs its transaction to last beyond the statement. */
const LOCKING_READ = /\bFOR\s+(?:NO\s+KEY\s+UPDATE|UPDATE|KEY\s+SHARE|SHARE)\b/i;
/** A statement that may run in an implicit transaction of its own, right after the binding. */
const isPlainRead = (text: string): boolean => PLAIN_READ.test(text) && !LOCKING_READ.test(text);

/** What the driver adapter passes to `query`: a config object, never text with a callback. */
interface QueryConfig {
  text: string;
  values?: unknown[];
  name?: string;
  rowMode?: string;
  types?: unknown;
  callback?: unknown;
}

type Query = (config: unknown, values?: unknown, callback?: unknown) => unknown;

/** Set while a statement hook sends a statement: what reached the database with it. */
interface Delivery {
  /** The statement was answered here, never sent (a COMMIT of a transaction the server never saw). */
  local: boolean;
  /** Statements that travelled with it which no hook saw (a bound read's binding, see `readWithBinding`). */
  alongside: string[];
}

const delivery = new AsyncLocalStorage<Delivery>();

/**
 * Runs `send` and tells afterwards what the statement it sent cost the database: nothing, when
 * a COMMIT or ROLLBACK of a transaction the server never saw (see `pipelineTransactions`) was
 * answered here, and a count of statements should leave it out; and the statements that went
 * out with it without passing any hook, which such a count should add.
 */
export function trackDelivery<T>(send: () => Promise<T>): { sent: Promise<T>; reachedDatabase(): boolean; alongside(): readonly string[] } {
  const probe: Delivery = { local: false, alongside: [] };
  return { sent: delivery.run(probe, send), reachedDatabase: () => !probe.local, alongside: () => probe.alongside };
}

function answeredHere(command: string, rowCount: number | null, neverSent: boolean): Promise<pg.QueryResult> {
  if (neverSent) {
    const probe = delivery.getStore();
    if (probe) probe.local = true;
  }
  return Promise.resolve({ command, rowCount, oid: 0, rows: [], fields: [] });
}

/** The binding of a read made through `readWithBinding`, for the first statement it sends. */
interface PendingBinding {
  binding: Statement;
  taken: boolean;
}

const readBindings = new AsyncLocalStorage<PendingBinding>();

/**
 * Runs `read`, one statement sent through the pool outside any transaction (as a driver adapter
 * sends a single read), with the tenant bound for that statement alone: see `pipelineTransactions`.
 */
export function readWithBinding<T>(tenantId: string, read: () => Promise<T>): Promise<T> {
  return readBindings.run({ binding: { text: READS_BINDING_SQL, values: [tenantId] }, taken: false }, read);
}

/**
 * Several statements and one Sync: the server runs them in order, in one transaction (the
 * explicit one a BEGIN among them opens, or else an implicit one that ends at the Sync), and
 * stops at the first error. Only the last statement's result is kept; the ones before it are
 * sent without Describe, so they answer with their rows and CommandComplete alone.
 */
class PipelinedQuery {
  readonly name = undefined;
  private readonly main: pg.Query;
  private pending: number;
  callback: (error: Error | null, result?: pg.QueryResult) => void = () => undefined;

  constructor(
    private readonly before: readonly Statement[],
    config: QueryConfig,
  ) {
    this.pending = before.length;
    // Extended mode even without parameters: a simple Query message would end the pipeline.
    this.main = new pg.Query({
      ...config,
      queryMode: 'extended',
      callback: (error: Error | null, result: pg.QueryResult) => this.callback(error, result),
    } as pg.QueryConfig);
  }

  submit(connection: PipelineConnection): void {
    connection.stream.cork?.();
    try {
      for (const statement of this.before) {
        connection.parse({ text: statement.text });
        connection.bind({ values: statement.values.map((value) => (value === null || value === undefined ? null : String(value))) });
        connection.execute({});
      }
      (this.main as unknown as { submit(c: PipelineConnection): void }).submit(connection);
    } finally {
      connection.stream.uncork?.();
    }
  }

  private get forward(): Record<string, (...args: unknown[]) => void> {
    return this.main as unknown as Record<string, (...args: unknown[]) => void>;
  }

  handleRowDescription(message: unknown): void {
    if (this.pending === 0) this.forward['handleRowDescription']!.call(this.main, message);
  }

  handleDataRow(message: unknown): void {
    if (this.pending === 0) this.forward['handleDataRow']!.call(this.main, message);
  }

  handleCommandComplete(message: unknown, connection: unknown): void {
    if (this.pending > 0) this.pending -= 1;
    else this.forward['handleCommandComplete']!.call(this.main, message, connection);
  }

  handleEmptyQuery(connection: unknown): void {
    if (this.pending === 0) this.forward['handleEmptyQuery']!.call(this.main, connection);
  }

  handlePortalSuspended(connection: unknown): void {
    this.forward['handlePortalSuspended']!.call(this.main, connection);
  }

  handleError(error: Error, connection: unknown): void {
    this.forward['handleError']!.call(this.main, error, connection);
  }

  handleReadyForQuery(connection: unknown): void {
    this.forward['handleReadyForQuery']!.call(this.main, connection);
  }

  handleCopyInResponse(connection: { sendCopyFail(message: string): void }): void {
    connection.sendCopyFail('COPY is not supported in a pipelined statement');
  }

  handleCopyData(): void {}
}

/** The part of pg's connection a pipeline writes to (the messages pg-cursor sends too). */
interface PipelineConnection {
  stream: { cork?(): void; uncork?(): void };
  parse(query: { text: string; name?: string }): void;
  bind(config: { values: (string | null)[] }): void;
  execute(config: object): void;
}

function sendPipelined(send: Query, before: readonly Statement[], config: QueryConfig): Promise<pg.QueryResult> {
  return new Promise((resolve, reject) => {
    const query = new PipelinedQuery(before, config);
    query.callback = (error, result) => (error ? reject(error) : resolve(result!));
    send(query);
  });
}

const COMMIT: Statement = { text: 'COMMIT', values: [] };

/**
 * One bound read on a connection of its own: `binding; SELECT` in one round trip. A statement
 * that is not a plain SELECT (none is expected from a read; a locking one would need its
 * transaction to last) gets an explicit transaction instead: `BEGIN; binding; statement`, then
 * COMMIT. On any error the connection is discarded, as `pool.query` does.
 */
async function boundReadOnOwnConnection(pool: pg.Pool, binding: Statement, config: QueryConfig, plain: boolean): Promise<pg.QueryResult> {
  const client = await pool.connect();
  const send = client.query.bind(client) as Query;
  let failure: Error | undefined;
  try {
    if (plain) return await sendPipelined(send, [binding], config);
    const result = await sendPipelined(send, [BEGIN, binding], config);
    await client.query(COMMIT.text);
    return result;
  } catch (error) {
    failure = error as Error;
    throw error;
  } finally {
    client.release(failure);
  }
}

/**
 * `pool.query` sends the first statement of a `readWithBinding` read with its binding. The
 * pending binding is read here, when the driver calls `pool.query` in the read's own
 * continuation, never later from the pool's callbacks (which may run in whichever request
 * released a connection).
 */
function pipelineBoundReads(pool: pg.Pool): void {
  const query = pool.query.bind(pool) as Query;
  (pool as unknown as { query: Query }).query = (config, values, callback) => {
    const pending = readBindings.getStore();
    if (pending === undefined || pending.taken || !isDriverCall(config, values, callback)) return query(config, values, callback);
    pending.taken = true;
    const plain = isPlainRead(config.text);
    delivery.getStore()?.alongside.push(...(plain ? [pending.binding.text] : [BEGIN.text, pending.binding.text, COMMIT.text]));
    return boundReadOnOwnConnection(pool, pending.binding, config, plain);
  };
}

function isDriverCall(config: unknown, values: unknown, callback: unknown): config is QueryConfig {
  return (
    values === undefined &&
    callback === undefined &&
    typeof config === 'object' &&
    config !== null &&
    typeof (config as QueryConfig).text === 'string' &&
    typeof (config as { submit?: unknown }).submit !== 'function' &&
    (config as QueryConfig).callback === undefined
  );
}

/**
 * Makes every connection of `pool` hold back what opens a transaction until its first real
 * statement, and send them together in one round trip:
 *
 * - `BEGIN` from the driver adapter, and the tenant binding right after it
 *   (`set_config('app.tenant_id', ...)`, with or without the capacity lock), go out with the
 *   next statement: `BEGIN; binding; statement` then one Sync. A transaction that ends before
 *   any statement never reaches the server.
 * - A transaction bound for reads only (single reads, see bound-reads and the `reads` binding
 *   of tenant-binding) sends no BEGIN and no COMMIT: each of its statements goes out as
 *   `binding; statement` then one Sync, which PostgreSQL runs as one implicit transaction, so
 *   the transaction-local setting lives exactly as long as that statement (under READ COMMITTED
 *   every statement of a transaction takes its own snapshot anyway). A statement other than a
 *   plain SELECT turns it into an explicit transaction from there on.
 *
 * - A single read made through `readWithBinding` (bound-reads, over this pool) needs no
 *   transaction from the driver at all: the pool sends `binding; SELECT` then one Sync on a
 *   connection of its own, the same implicit transaction as above, without the driver's
 *   BEGIN/COMMIT bookkeeping in Node.
 *
 * Statements outside transactions, the migration executor's transactions (text queries) and
 * everything after the first statement pass through unchanged. Whatever was held back is dropped
 * when the connection is checked out again, so nothing carries over to the pool's next user.
 */
export function pipelineTransactions(pool: pg.Pool): void {
  const states = new WeakMap<pg.PoolClient, State>();
  pool.on('acquire', (client) => states.set(client, { kind: 'idle' }));
  pipelineBoundReads(pool);
  pool.on('connect', (client) => {
    const send = client.query.bind(client) as Query;
    const pipelined = (before: Statement[], config: QueryConfig) => sendPipelined(send, before, config);
    const statementOf = (config: QueryConfig): Statement => ({ text: config.text, values: config.values ?? [] });
    (client as unknown as { query: Query }).query = (config, values, callback) => {
      const state = states.get(client) ?? { kind: 'idle' };
      if (!isDriverCall(config, values, callback)) {
        if (state.kind === 'opening' || state.kind === 'reads') {
          throw new Error('a statement in this form cannot follow a transaction opened by the driver adapter');
        }
        return send(config, values, callback);
      }
      const ends = ENDS_TRANSACTION.test(config.text);
      switch (state.kind) {
        case 'idle':
          if (config.text.trim().toUpperCase() === 'BEGIN' && (config.values ?? []).length === 0) {
            states.set(client, { kind: 'opening', prefix: [BEGIN] });
            return answeredHere('BEGIN', null, false);
          }
          return send(config);
        case 'opening': {
          const kind = state.prefix.length === 1 ? bindingKind(config.text) : null;
          if (kind === 'transaction') {
            state.prefix.push(statementOf(config));
            return answeredHere('SELECT', 1, false);
          }
          if (kind === 'reads') {
            states.set(client, { kind: 'reads', binding: statementOf(config) });
            return answeredHere('SELECT', 1, false);
          }
          if (ends) {
            // Nothing reached the server: there is nothing to commit or roll back.
            states.set(client, { kind: 'idle' });
            return answeredHere(config.text.trim().toUpperCase().replace(/;$/, ''), null, true);
          }
          states.set(client, { kind: 'open' });
          return pipelined(state.prefix, config);
        }
        case 'reads':
          if (ends) {
            states.set(client, { kind: 'idle' });
            return answeredHere(config.text.trim().toUpperCase().replace(/;$/, ''), null, true);
          }
          if (isPlainRead(config.text)) return pipelined([state.binding], config);
          states.set(client, { kind: 'open' });
          return pipelined([BEGIN, state.binding], config);
        case 'open':
          if (ends) states.set(client, { kind: 'idle' });
          return send(config);
      }
    };
  });
}
