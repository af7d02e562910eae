import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { deployMigrations } from '@reservations/platform/database/roles';
import { openDatabase, postgresAdapter, type OpenDatabase } from '@reservations/platform/database/connection';
import { readWithBinding } from '@reservations/platform/database/transaction-pipeline';
import { observeDatabase } from '../packages/platform/src/observability/database';
import { ServiceMetrics } from '@reservations/platform/observability/metrics';
import { createTestDatabase, type TestDatabase } from '@reservations/test-support/postgres';
import { Prisma } from '../subgraphs/customer/src/generated/prisma/client';
import { bindCustomerTenant, createCustomerPrisma, migrationsDir, type CustomerPrisma } from '../subgraphs/customer/src/database';

/**
 * What reaches PostgreSQL for the tenant-bound client's work, read from the server's own
 * answers on the wire: one CommandComplete per statement the server ran, one ReadyForQuery per
 * round trip. Each round trip is listed as the commands it ran, e.g. ['BEGIN', 'SELECT 1'].
 */
class Wire {
  readonly roundTrips: string[][] = [];
  private current: string[] = [];
  private roundTripClosed: (() => void) | null = null;
  recording = false;

  watch(pool: pg.Pool): void {
    pool.on('connect', (client) => {
      const connection = (client as unknown as { connection: NodeJS.EventEmitter }).connection;
      connection.on('commandComplete', (message: { text: string }) => {
        if (this.recording) this.current.push(message.text);
      });
      connection.on('errorMessage', () => {
        if (this.recording) this.current.push('ERROR');
      });
      connection.on('readyForQuery', () => {
        if (this.recording) this.roundTrips.push(this.current);
        this.current = [];
        this.roundTripClosed?.();
      });
    });
  }

  async during(work: () => Promise<unknown>): Promise<string[][]> {
    this.roundTrips.length = 0;
    this.recording = true;
    try {
      await work();
      // A query rejects on the server's error, before the ReadyForQuery that ends its round trip.
      if (this.current.length > 0) await new Promise<void>((resolve) => (this.roundTripClosed = resolve));
    } finally {
      this.roundTripClosed = null;
      this.recording = false;
    }
    return [...this.roundTrips];
  }
}

let database: TestDatabase;
let pool: pg.Pool;
let wire: Wire;
let prisma: CustomerPrisma;
/** The pool's adapter as openDatabase builds it (it may be built once per pool). */
let watched: Pick<OpenDatabase, 'adapter' | 'transactionOptions'>;
let bCustomer: string;

beforeAll(async () => {
  database = await createTestDatabase('round_trips');
  const runtime = await openDatabase({ url: database.runtimeUrl, embeddedDir: '' });
  try {
    await deployMigrations(runtime, database.url, migrationsDir);
  } finally {
    await runtime.close();
  }
  // The pool as openDatabase builds it for PostgreSQL, with the wire watched; one connection, so
  // every statement below meets whatever the one before it left on that connection.
  pool = new pg.Pool({ connectionString: database.runtimeUrl, max: 1 });
  wire = new Wire();
  wire.watch(pool);
  watched = { adapter: postgresAdapter(pool), transactionOptions: { maxWait: 2_000, timeout: 5_000 } };
  // The subgraph's own client construction, which reads only these two.
  prisma = createCustomerPrisma(watched as OpenDatabase);
  bCustomer = (await bindCustomerTenant(prisma, 'tenant-b').customer.create({ data: { name: 'B', email: 'b@example.com' } })).id;
  await bindCustomerTenant(prisma, 'tenant-a').customer.create({ data: { name: 'A', email: 'a@example.com' } });
});

afterAll(async () => {
  await prisma?.$disconnect();
  await pool?.end();
  await database?.drop();
});

/** The statements a service's /metrics counts, from its exposition lines. */
const statementsCounted = (lines: string[]) =>
  lines.filter((line) => line.startsWith('db_query_duration_seconds_count')).reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);

const rowsWithoutTenant = async () => (await pool.query('SELECT name FROM customers')).rows;

describe('what the tenant-bound client sends to PostgreSQL', () => {
  test('a single read: the binding and the SELECT in one round trip, with no BEGIN or COMMIT', async () => {
    const a = bindCustomerTenant(prisma, 'tenant-a');
    let found: unknown;
    expect(await wire.during(async () => (found = await a.customer.findMany({ select: { name: true } })))).toEqual([['SELECT 1', 'SELECT 1']]);
    expect(found).toEqual([{ name: 'A' }]);
  });

  test('a read on a client whose adapter does not bind reads: its interactive transaction still costs one round trip', async () => {
    const plain = createCustomerPrisma({ adapter: new PrismaPg(pool), transactionOptions: { maxWait: 2_000, timeout: 5_000 } } as Pick<
      OpenDatabase,
      'adapter' | 'transactionOptions'
    > as OpenDatabase);
    try {
      const a = bindCustomerTenant(plain, 'tenant-a');
      let found: unknown;
      expect(await wire.during(async () => (found = await a.customer.findMany({ select: { name: true } })))).toEqual([['SELECT 1', 'SELECT 1']]);
      expect(found).toEqual([{ name: 'A' }]);
    } finally {
      await plain.$disconnect();
    }
  });

  test("a read naming another tenant's row by id finds nothing, in the same single round trip", async () => {
    const a = bindCustomerTenant(prisma, 'tenant-a');
    let found: unknown = 'not run';
    expect(await wire.during(async () => (found = await a.customer.findUnique({ where: { id: bCustomer } })))).toEqual([['SELECT 1', 'SELECT 0']]);
    expect(found).toBeNull();
  });

  test('a single write: BEGIN, the binding and the INSERT in one round trip, then COMMIT', async () => {
    const a = bindCustomerTenant(prisma, 'tenant-a');
    const trips = await wire.during(() => a.customer.create({ data: { name: 'A2', email: 'a2@example.com' } }));
    expect(trips).toEqual([['BEGIN', 'SELECT 1', 'INSERT 0 1'], ['COMMIT']]);
    await a.customer.deleteMany({ where: { email: 'a2@example.com' } });
  });

  test('a locking transaction: BEGIN, binding and lock go out with its first statement', async () => {
    const a = bindCustomerTenant(prisma, 'tenant-a');
    const trips = await wire.during(() =>
      a.$tenantTransaction(
        async (tx) => {
          await tx.customer.count();
          await tx.customer.findMany();
        },
        { lockClass: 7 },
      ),
    );
    expect(trips).toEqual([['BEGIN', 'SELECT 1', 'SELECT 1'], ['SELECT 1'], ['COMMIT']]);
  });

  test('a bound read whose statement must hold its transaction (a locking SELECT) gets BEGIN and COMMIT around it', async () => {
    let rows: unknown;
    const trips = await wire.during(async () => {
      rows = (await readWithBinding('tenant-a', () => pool.query({ text: 'SELECT name FROM customers FOR UPDATE' }))).rows;
    });
    expect(trips).toEqual([['BEGIN', 'SELECT 1', 'SELECT 1'], ['COMMIT']]);
    expect(rows).toEqual([{ name: 'A' }]);
  });

  test("the statements a subgraph exports in its metrics count a read's binding, which no hook sees on its own", async () => {
    const metrics = new ServiceMetrics('customer');
    const observed = observeDatabase(watched as OpenDatabase, metrics);
    const client = createCustomerPrisma(observed);
    try {
      const trips = await wire.during(() => bindCustomerTenant(client, 'tenant-a').customer.findMany());
      expect(trips).toEqual([['SELECT 1', 'SELECT 1']]);
      expect(statementsCounted((await metrics.registry.metrics()).split('\n'))).toBe(2);
    } finally {
      await client.$disconnect();
    }
  });

  test('a transaction that ends before any statement sends nothing', async () => {
    const a = bindCustomerTenant(prisma, 'tenant-a');
    expect(await wire.during(() => a.$tenantTransaction(async () => 'nothing to do'))).toEqual([]);
  });
});

describe('what the pipelined statements leave behind on a pooled connection: nothing', () => {
  test('after a read, the same connection without the binding sees no rows', async () => {
    await bindCustomerTenant(prisma, 'tenant-a').customer.findMany();
    expect(await rowsWithoutTenant()).toEqual([]);
    expect((await pool.query(`SELECT current_setting('app.tenant_id', true) AS tenant`)).rows).toEqual([{ tenant: '' }]);
  });

  test('after a read that failed, and after a transaction rolled back by its work, nothing is bound either', async () => {
    const a = bindCustomerTenant(prisma, 'tenant-a');
    let failed: unknown;
    // The server ran the binding, then refused the SELECT: the error ends that round trip.
    expect(await wire.during(() => a.customer.findMany({ where: { id: 'not-a-uuid' } }).catch((error: unknown) => (failed = error)))).toEqual([
      ['SELECT 1', 'ERROR'],
    ]);
    expect(failed).toBeInstanceOf(Error);
    expect(await rowsWithoutTenant()).toEqual([]);
    await expect(
      a.$tenantTransaction(async (tx) => {
        await tx.customer.findMany();
        throw new Error('work failed');
      }),
    ).rejects.toThrow('work failed');
    expect(await rowsWithoutTenant()).toEqual([]);
  });

  test('interleaved reads of two tenants each see their own rows only', async () => {
    const names = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 'tenant-a' : 'tenant-b')).map(async (tenant) => ({
        tenant,
        names: (await bindCustomerTenant(prisma, tenant).customer.findMany({ select: { name: true } })).map((row) => row.name),
      })),
    );
    for (const { tenant, names: seen } of names) expect(seen).toEqual(tenant === 'tenant-a' ? ['A'] : ['B']);
  });

  test('lookups by id of two tenants in the same tick each find their own row (Prisma batches findUnique calls of one tick)', async () => {
    const aCustomer = (await bindCustomerTenant(prisma, 'tenant-a').customer.findFirstOrThrow({ where: { name: 'A' } })).id;
    const lookups = Array.from({ length: 10 }, (_, i) =>
      i % 2 === 0 ? { tenant: 'tenant-a', id: aCustomer, name: 'A' } : { tenant: 'tenant-b', id: bCustomer, name: 'B' },
    );
    const found = await Promise.all(lookups.map(({ tenant, id }) => bindCustomerTenant(prisma, tenant).customer.findUnique({ where: { id } })));
    expect(found.map((row) => row?.name)).toEqual(lookups.map(({ name }) => name));
  });

  test('an insert for another tenant sent in the pipelined opening is refused by the database', async () => {
    const a = bindCustomerTenant(prisma, 'tenant-a');
    await expect(
      a.$tenantQueryRaw(
        (tenant) => Prisma.sql`INSERT INTO customers (id, tenant_id, name, email, updated_at)
        SELECT '0190a5f0-0000-7000-8000-0000000000bb', 'tenant-b', 'sneaky', 'x@example.com', now() WHERE ${tenant}::text IS NOT NULL`,
      ),
    ).rejects.toThrow(/row-level security/);
    expect(await database.asOwner(`SELECT name FROM customers WHERE name = 'sneaky'`)).toEqual([]);
  });
});
