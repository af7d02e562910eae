// Hand-written: Prisma has no tenant scoping of its own; this is its documented client-extension
// pattern for row-level security, plus the argument rewriting that makes the filter automatic.
import { Sql, sqltag } from '@prisma/client/runtime/client';
import { bindsTenantReads, readAs } from './bound-reads';
import { unavailableIfTimedOut } from './prisma-errors';

/**
 * How a subgraph's Prisma models divide: rows that belong to one tenant (a `tenantId` column,
 * scoped here and by the database's row-level security) and rows every tenant shares. Every
 * model must be in exactly one list; `checkTenantModels` refuses any other data model.
 */
export interface TenantModels {
  owned: readonly string[];
  global: readonly string[];
}

/** The column every tenant-owned model carries, under its Prisma field name. */
export const TENANT_FIELD = 'tenantId';

/** The PostgreSQL setting the row-level security policies read. */
export const TENANT_SETTING = 'app.tenant_id';

interface RuntimeField {
  name: string;
  kind: string;
  type: string;
  relationName?: string;
}

/** The part of Prisma's runtime data model (what the generated client carries) used here. */
export interface RuntimeDataModel {
  models: Record<string, { fields: RuntimeField[]; dbName: string | null }>;
}

/** A call the tenant-bound client refuses: a programming error, never a client's mistake. */
export class TenantScopeError extends Error {
  override readonly name = 'TenantScopeError';
}

/** What is wrong with `models` for this data model; empty when every model is classified. */
export function checkTenantModels(dataModel: RuntimeDataModel, models: TenantModels): string[] {
  const problems: string[] = [];
  const owned = new Set(models.owned);
  const global = new Set(models.global);
  for (const [name, model] of Object.entries(dataModel.models)) {
    if (owned.has(name) && global.has(name)) problems.push(`model ${name} is marked both tenant-owned and global`);
    else if (owned.has(name)) {
      if (!model.fields.some((field) => field.name === TENANT_FIELD && field.kind === 'scalar')) {
        problems.push(`tenant-owned model ${name} has no scalar ${TENANT_FIELD} field`);
      }
    } else if (!global.has(name)) {
      problems.push(`model ${name} is neither tenant-owned nor marked global: classify it in the subgraph's tenant models`);
    }
  }
  for (const name of [...owned, ...global]) {
    if (!(name in dataModel.models)) problems.push(`model ${name} is classified but not in the data model`);
  }
  return problems;
}

/** The data model a generated Prisma client carries (not part of Prisma's typed API). */
export function runtimeDataModelOf(client: object): RuntimeDataModel {
  const dataModel = (client as { _runtimeDataModel?: RuntimeDataModel })._runtimeDataModel;
  if (!dataModel?.models) throw new Error('this Prisma client exposes no runtime data model');
  return dataModel;
}

/**
 * The statement that opens every tenant transaction: the tenant for the policies, local to the
 * transaction (so a pooled connection, or PgBouncer in transaction mode, never carries it to the
 * next user), and optionally a transaction-scoped advisory lock keyed by (lock class, tenant).
 * The `reads` form binds the same way and also tells the driver (see transaction-pipeline) that
 * the transaction only reads, so each of its statements may run in an implicit transaction of
 * its own, right after the binding, in one round trip.
 */
function bindingStatement(tenantId: string, lockClass: number | null, reads = false): Sql {
  if (reads) return sqltag`SELECT set_config('app.tenant_id', ${tenantId}, true) AS reads_only`;
  return lockClass === null
    ? sqltag`SELECT set_config('app.tenant_id', ${tenantId}, true)`
    : sqltag`SELECT set_config('app.tenant_id', ${tenantId}, true), pg_advisory_xact_lock(${lockClass}::int4, hashtext(${tenantId}))`;
}

const BINDING_SQL = bindingStatement('', null).sql;
const LOCKED_BINDING_SQL = bindingStatement('', 0).sql;
const READS_BINDING_SQL = bindingStatement('', null, true).sql;

/** The binding statement for this very tenant: the one raw statement the scoped client lets through. */
function isBindingFor(args: unknown, tenantId: string): boolean {
  if (typeof args !== 'object' || args === null) return false;
  const { strings, values } = args as { strings?: unknown; values?: unknown };
  if (!Array.isArray(strings) || !Array.isArray(values) || values[0] !== tenantId) return false;
  const text = new Sql(strings as string[], values).sql;
  if (text === BINDING_SQL || text === READS_BINDING_SQL) return values.length === 1;
  return text === LOCKED_BINDING_SQL && values.length === 3 && typeof values[1] === 'number' && values[2] === tenantId;
}

type Args = Record<string, unknown>;

function isRecord(value: unknown): value is Args {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** Keys whose subtrees say what to return or in which order, never which rows: not scanned. */
const SHAPE_KEYS = new Set([
  'select',
  'include',
  'omit',
  'orderBy',
  'by',
  'distinct',
  'cursor',
  'take',
  'skip',
  '_count',
  '_sum',
  '_avg',
  '_min',
  '_max',
]);

/**
 * Anywhere in a filter or in data, `tenantId` may only be the bound tenant, as a plain string:
 * any other value (another tenant, `{ in: [...] }`, `{ not: ... }`) is refused rather than
 * silently narrowed, so a store that names another tenant fails loudly.
 */
function refuseForeignTenant(value: unknown, tenantId: string, path: string): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => refuseForeignTenant(item, tenantId, `${path}[${i}]`));
    return;
  }
  if (!isRecord(value)) return;
  for (const [key, child] of Object.entries(value)) {
    if (SHAPE_KEYS.has(key)) continue;
    if (key === TENANT_FIELD && child !== undefined && child !== tenantId) {
      throw new TenantScopeError(`${path}.${key} names another tenant than the one this client is bound to`);
    }
    refuseForeignTenant(child, tenantId, `${path}.${key}`);
  }
}

/** Rewrites one operation's arguments so that it reads and writes only the bound tenant's rows. */
class TenantArguments {
  constructor(
    private readonly dataModel: RuntimeDataModel,
    private readonly owned: ReadonlySet<string>,
    private readonly tenantId: string,
  ) {}

  /** The tenant first, as a hand-written filter put it, so the SQL (and its plan) stays the same. */
  private where(where: unknown): Args {
    return { [TENANT_FIELD]: this.tenantId, ...(isRecord(where) ? where : {}) };
  }

  private created(model: string, data: unknown): unknown {
    if (Array.isArray(data)) return data.map((row) => this.created(model, row));
    return { ...this.nested(model, data), [TENANT_FIELD]: this.tenantId };
  }

  /**
   * Nested writes through a relation field of `model`'s data. Rows created under a relation
   * take the tenant from the parent through the foreign key (every relation between
   * tenant-owned models includes the tenant column, which the tenancy tests check), so only the
   * filters that pick existing rows (connect, update, delete, ...) need the tenant added.
   */
  private nested(model: string, data: unknown): Args {
    if (!isRecord(data)) return {};
    const relations = this.dataModel.models[model]?.fields.filter((field) => field.kind === 'object') ?? [];
    let result: Args = data;
    for (const relation of relations) {
      const writes = data[relation.name];
      if (!isRecord(writes) || !this.owned.has(relation.type)) continue;
      result = { ...result, [relation.name]: this.nestedWrites(relation.type, writes) };
    }
    return result;
  }

  private nestedWrites(model: string, writes: Args): Args {
    const each = (value: unknown, rewrite: (item: unknown) => unknown): unknown => (Array.isArray(value) ? value.map(rewrite) : rewrite(value));
    const scopedWhere = (item: unknown) => this.where(item);
    const out: Args = {};
    for (const [operation, value] of Object.entries(writes)) {
      switch (operation) {
        case 'create':
          out[operation] = each(value, (item) => this.nested(model, item));
          break;
        case 'createMany':
          out[operation] = isRecord(value) ? { ...value, data: each(value['data'], (item) => this.nested(model, item)) } : value;
          break;
        case 'connect':
        case 'set':
        case 'disconnect':
        case 'delete':
          // `true` (to-one disconnect/delete) addresses the row the foreign key already names.
          out[operation] = typeof value === 'boolean' ? value : each(value, scopedWhere);
          break;
        case 'deleteMany':
          out[operation] = each(value, scopedWhere);
          break;
        case 'connectOrCreate':
          out[operation] = each(value, (item) =>
            isRecord(item) ? { ...item, where: this.where(item['where']), create: this.nested(model, item['create']) } : item,
          );
          break;
        case 'update':
        case 'updateMany':
          out[operation] = each(value, (item) =>
            isRecord(item) && ('data' in item || 'where' in item)
              ? { ...item, where: this.where(item['where']), data: this.nested(model, item['data']) }
              : this.nested(model, item),
          );
          break;
        case 'upsert':
          out[operation] = each(value, (item) =>
            isRecord(item)
              ? {
                  ...item,
                  ...('where' in item ? { where: this.where(item['where']) } : {}),
                  create: this.nested(model, item['create']),
                  update: this.nested(model, item['update']),
                }
              : item,
          );
          break;
        default:
          throw new TenantScopeError(`nested write "${operation}" on ${model} is not supported by the tenant-bound client`);
      }
    }
    return out;
  }

  rewrite(model: string, operation: string, args: Args): Args {
    refuseForeignTenant(args, this.tenantId, `${model}.${operation}`);
    switch (operation) {
      case 'findUnique':
      case 'findUniqueOrThrow':
      case 'findFirst':
      case 'findFirstOrThrow':
      case 'findMany':
      case 'count':
      case 'aggregate':
      case 'groupBy':
      case 'delete':
      case 'deleteMany':
        return { ...args, where: this.where(args['where']) };
      case 'create':
        return { ...args, data: this.created(model, args['data']) };
      case 'createMany':
      case 'createManyAndReturn':
        return { ...args, data: this.created(model, args['data']) };
      case 'update':
      case 'updateMany':
      case 'updateManyAndReturn':
        return { ...args, where: this.where(args['where']), data: this.nested(model, args['data']) };
      case 'upsert':
        return {
          ...args,
          where: this.where(args['where']),
          create: this.created(model, args['create']),
          update: this.nested(model, args['update']),
        };
      default:
        throw new TenantScopeError(`${model}.${operation} is not supported by the tenant-bound client`);
    }
  }
}

/** A model's property on a Prisma client: `Customer` -> `customer`. */
const delegateOf = (model: string): string => `${model.charAt(0).toLowerCase()}${model.slice(1)}`;

/** Operations that only read: Prisma sends nothing but SELECTs for them. */
const READ_OPERATIONS = new Set(['findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'findMany', 'count', 'aggregate', 'groupBy']);

/**
 * Prisma batches the findUnique calls of one tick into one statement, across requests and so
 * across tenants; a read bound through its async context (bound-reads) must never be part of
 * another tenant's batch. The same read as findFirst is never batched.
 */
const UNBATCHED: Record<string, string> = { findUnique: 'findFirst', findUniqueOrThrow: 'findFirstOrThrow' };
const WHERE_COMBINATORS = new Set(['AND', 'OR', 'NOT']);

const RAW_OPERATIONS = new Set(['$queryRaw', '$executeRaw', '$queryRawUnsafe', '$executeRawUnsafe', '$queryRawTyped']);

export interface TenantTransactionOptions {
  /** Also take the transaction-scoped advisory lock (lockClass, hashtext(tenant)) in the opening statement. */
  lockClass?: number;
  maxWait?: number;
  timeout?: number;
}

/** What the bound client adds to the Prisma client it extends. */
export interface TenantClientMethods<Tx> {
  /** The tenant this client is bound to (for composite keys and the like). */
  readonly $tenantId: string;
  /**
   * Runs `work` in one transaction that first binds the tenant (and takes the lock asked for).
   * `tx` is scoped like this client; use it, not this client, inside `work`.
   */
  $tenantTransaction<T>(work: (tx: Tx) => Promise<T>, options?: TenantTransactionOptions): Promise<T>;
  /**
   * Raw SQL for the bound tenant, in a transaction that binds it first. `build` receives the
   * tenant and must use it as a parameter: a statement that does not is refused.
   */
  $tenantQueryRaw<T>(build: (tenantId: string) => Sql): Promise<T>;
}

/** Methods of a Prisma client (and of its transactions) the bound client withholds. */
export type WithheldMethods = '$transaction' | '$queryRaw' | '$executeRaw' | '$queryRawUnsafe' | '$executeRawUnsafe' | '$queryRawTyped' | '$extends';

/** A Prisma client bound to one tenant: its models, minus raw SQL and free transactions. */
export type TenantClient<Client, Tx> = Omit<Client, WithheldMethods> & TenantClientMethods<TenantTransactionClient<Tx>>;
export type TenantTransactionClient<Tx> = Omit<Tx, WithheldMethods>;

interface QueryHookParams {
  model?: string;
  operation: string;
  args: unknown;
  query(args: unknown): Promise<unknown>;
}

/** The slice of a Prisma client used to build the bound client; every generated client has it. */
interface ExtendableClient {
  $extends(extension: object): ExtendableClient;
  $transaction(...args: unknown[]): Promise<unknown>;
  $executeRaw(query: Sql): Promise<number>;
  $queryRaw(query: Sql): Promise<unknown>;
}

/**
 * Binds Prisma clients of one data model to tenants. Built once per subgraph: it checks that
 * every model is classified (refusing to start otherwise), then `bind` is cheap per request.
 */
export class TenantScope {
  private readonly owned: ReadonlySet<string>;
  /**
   * Bound clients are stateless (the tenant is all they hold), and building one costs two
   * `$extends` (tens of microseconds): recently used tenants' clients are kept, per client.
   */
  private readonly recent = new WeakMap<object, Map<string, unknown>>();
  static readonly RECENT_TENANTS = 1_000;

  constructor(
    private readonly dataModel: RuntimeDataModel,
    models: TenantModels,
  ) {
    const problems = checkTenantModels(dataModel, models);
    if (problems.length > 0) throw new Error(`tenant models: ${problems.join('; ')}`);
    this.owned = new Set(models.owned);
  }

  /** `client` bound to `tenantId`: see `extend`. */
  bind<Client extends object, Tx>(client: Client, tenantId: string): TenantClient<Client, Tx> {
    let recent = this.recent.get(client);
    if (!recent) this.recent.set(client, (recent = new Map()));
    const kept = recent.get(tenantId);
    if (kept !== undefined) {
      // Map order is insertion order: re-inserting marks it most recently used.
      recent.delete(tenantId);
      recent.set(tenantId, kept);
      return kept as TenantClient<Client, Tx>;
    }
    const bound = this.extend<Client, Tx>(client, tenantId);
    recent.set(tenantId, bound);
    if (recent.size > TenantScope.RECENT_TENANTS) recent.delete(recent.keys().next().value as string);
    return bound;
  }

  /**
   * Two extensions of `client`, side by side. `scoped` rewrites every model operation to the
   * tenant and refuses raw SQL (except the binding statement itself); transactions run on it.
   * `bound`, what the stores get, runs each operation made outside a transaction in a
   * transaction of `scoped` that binds the tenant first, and adds the tenant's methods. Where
   * the adapter binds reads, a single read does not go through either extension: `bound`'s
   * delegates scope it and send it on `client` itself through `readAs` (readingPastExtensions).
   */
  private extend<Client, Tx>(client: Client, tenantId: string): TenantClient<Client, Tx> {
    const base = client as unknown as ExtendableClient;
    const rewriter = new TenantArguments(this.dataModel, this.owned, tenantId);
    const owned = this.owned;
    /** Raw SQL: only the binding statement for this very tenant passes. */
    const raw = ({ operation, args, query }: QueryHookParams): Promise<unknown> => {
      if (RAW_OPERATIONS.has(operation) && isBindingFor(args, tenantId)) return query(args);
      throw new TenantScopeError(`${operation} is refused on a tenant-bound client: use $tenantQueryRaw`);
    };
    const scopedArgs = (model: string, operation: string, args: unknown): unknown =>
      owned.has(model) ? rewriter.rewrite(model, operation, isRecord(args) ? args : {}) : args;
    const scoped = base.$extends({
      name: 'tenant-scope',
      query: {
        $allOperations(params: QueryHookParams) {
          if (params.model === undefined) return raw(params);
          return params.query(scopedArgs(params.model, params.operation, params.args));
        },
      },
    });
    const inTransaction = <T>(
      work: (tx: ExtendableClient) => Promise<T>,
      lockClass: number | null,
      options: object = {},
      reads = false,
    ): Promise<T> =>
      // A transaction that found no pooled connection in time is a busy database, not a bug.
      unavailableIfTimedOut(
        scoped.$transaction(async (tx: ExtendableClient) => {
          await tx.$executeRaw(bindingStatement(tenantId, lockClass, reads));
          return work(tx);
        }, options) as Promise<T>,
      );
    // Whether the client's driver adapter binds reads made through readAs (openDatabase's do):
    // then a single read needs no transaction from Prisma (read from its engine configuration,
    // like the data model above: Prisma's typed API does not expose the adapter).
    const bindsReads = bindsTenantReads((client as { _engineConfig?: { adapter?: unknown } })._engineConfig?.adapter);
    const fieldsOf = (model: string) => new Set(this.dataModel.models[model]?.fields.map((field) => field.name));
    /** A findUnique whose where is also a findFirst where: no compound unique key like tenantId_email. */
    const unbatchable = (model: string, args: unknown): boolean => {
      const where = isRecord(args) && isRecord(args['where']) ? args['where'] : {};
      const fields = fieldsOf(model);
      return Object.keys(where).every((key) => fields.has(key) || WHERE_COMBINATORS.has(key));
    };
    const call = (on: unknown, model: string, name: string, callArgs: unknown) =>
      (on as Record<string, Record<string, (a: unknown) => Promise<unknown>>>)[delegateOf(model)]![name]!(callArgs);
    /**
     * A single read (one of READ_OPERATIONS), scoped here and sent on the unextended client
     * through `readAs`, whose adapter binds it; null when it needs a transaction instead (a
     * findUnique by a compound key, which only findUnique accepts).
     */
    const readDirectly = (model: string, operation: string, args: unknown): Promise<unknown> | null => {
      const name = UNBATCHED[operation] ?? operation;
      if (name !== operation && !unbatchable(model, args)) return null;
      return readAs(tenantId, () => call(base, model, name, scopedArgs(model, name, args)));
    };
    const bound = base.$extends({
      name: 'tenant-bound',
      query: {
        // Every operation that reaches this hook runs in a transaction of its own: single reads
        // that need none never get here (see readingPastExtensions). An interactive transaction
        // rather than Prisma's batch form [binding, operation]: the same statements, but Prisma
        // compiles a batch's queries without its plan cache, which measured about a third slower
        // per call. A read binds in its `reads` form: over PostgreSQL the binding then travels
        // with each SELECT and no BEGIN or COMMIT is sent.
        $allOperations(params: QueryHookParams) {
          const { model, operation, args } = params;
          if (model === undefined) return raw(params);
          return inTransaction((tx) => call(tx, model, operation, args), null, {}, READ_OPERATIONS.has(operation));
        },
      },
      client: {
        $tenantId: tenantId,
        $tenantTransaction<T>(work: (tx: unknown) => Promise<T>, options: TenantTransactionOptions = {}): Promise<T> {
          const { lockClass, ...transactionOptions } = options;
          return inTransaction(work, lockClass ?? null, transactionOptions);
        },
        async $tenantQueryRaw<T>(build: (tenant: string) => Sql): Promise<T> {
          const statement = build(tenantId);
          if (!statement.values.includes(tenantId)) {
            throw new TenantScopeError('raw SQL through $tenantQueryRaw must use the tenant it is given as a parameter');
          }
          // On the unextended client: the statement was checked above, and the scoped one refuses raw SQL.
          const [, rows] = (await unavailableIfTimedOut(
            base.$transaction([base.$executeRaw(bindingStatement(tenantId, null)), base.$queryRaw(statement)]),
          )) as [number, T];
          return rows;
        },
        $transaction() {
          throw new TenantScopeError('$transaction is refused on a tenant-bound client: use $tenantTransaction');
        },
      },
    });
    return (bindsReads ? this.readingPastExtensions(bound, readDirectly) : bound) as unknown as TenantClient<Client, Tx>;
  }

  /**
   * `bound` with its single reads sent straight to `readDirectly`, past Prisma's extension
   * machinery, which measured about 20 µs of CPU per call, a fifth of a one-row lookup's. Such a
   * read starts when called, not when awaited as Prisma's lazy promises do, and has no fluent
   * relation methods (no store uses either). Everything else is `bound`'s own.
   */
  private readingPastExtensions(bound: object, readDirectly: (model: string, operation: string, args: unknown) => Promise<unknown> | null): object {
    const models = new Map(Object.keys(this.dataModel.models).map((model) => [delegateOf(model), model]));
    const delegates = new Map<string, object>();
    const delegateReading = (model: string, extended: Record<string, (args: unknown) => Promise<unknown>>): object => {
      const reads = new Map<string, (args: unknown) => Promise<unknown>>();
      for (const operation of READ_OPERATIONS) {
        reads.set(operation, (args: unknown) => readDirectly(model, operation, args) ?? extended[operation]!(args));
      }
      return new Proxy(extended, {
        get: (target, property) => (typeof property === 'string' && reads.get(property)) || Reflect.get(target, property),
      });
    };
    return new Proxy(bound, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property);
        const model = typeof property === 'string' ? models.get(property) : undefined;
        if (model === undefined) return value;
        let delegate = delegates.get(model);
        if (!delegate) delegates.set(model, (delegate = delegateReading(model, value as Record<string, (args: unknown) => Promise<unknown>>)));
        return delegate;
      },
    });
  }
}

/** Binds one generated client's instances to tenants, classifying its models once. */
export interface TenantBinder<Client, Tx> {
  (client: Client, tenantId: string): TenantClient<Client, Tx>;
  /** Checks the classification now (at start-up) instead of at the first request. */
  check(client: Client): void;
}

export function tenantBinder<Client extends object, Tx>(models: TenantModels): TenantBinder<Client, Tx> {
  let scope: TenantScope | undefined;
  const scopeFor = (client: Client) => (scope ??= new TenantScope(runtimeDataModelOf(client), models));
  const bind = (client: Client, tenantId: string) => scopeFor(client).bind<Client, Tx>(client, tenantId);
  return Object.assign(bind, { check: (client: Client) => void scopeFor(client) });
}
