import { PrismaPg } from '@prisma/adapter-pg';
import { TenantScopeError } from '@reservations/platform/database/tenant-client';
import { startTestCustomerSubgraph } from '@reservations/test-support/supergraph';
import { createTestDatabase, type TestDatabase } from '@reservations/test-support/postgres';
import { openDatabase } from '@reservations/platform/database/connection';
import { bindCustomerTenant, createCustomerPrisma, type CustomerPrisma } from '../src/database';
import { Prisma, PrismaClient } from '../src/generated/prisma/client';

type Started = Awaited<ReturnType<typeof startTestCustomerSubgraph>>;

let database: TestDatabase;
let subgraph: Started;
/** The services' client: row-level security binds it. */
let runtime: CustomerPrisma;
/**
 * A client as the database's superuser, which row-level security does not bind: what it shows
 * through the tenant-bound client is the first layer's doing alone.
 */
let owner: CustomerPrisma;
let bCustomer: string;
let bCategory: string;

const refused = expect.objectContaining({ name: 'TenantScopeError' });

beforeAll(async () => {
  database = await createTestDatabase('tenant_client');
  subgraph = await startTestCustomerSubgraph(database);
  runtime = subgraph.client;
  owner = new PrismaClient({ adapter: new PrismaPg({ connectionString: database.url }), log: [{ emit: 'event', level: 'query' }] });
  const b = bindCustomerTenant(runtime, 'tenant-b');
  bCustomer = (await b.customer.create({ data: { name: 'B', email: 'b@example.com' } })).id;
  bCategory = (await b.category.create({ data: { name: 'B mains' } })).id;
  await bindCustomerTenant(runtime, 'tenant-a').customer.create({ data: { name: 'A', email: 'a@example.com' } });
});

afterAll(async () => {
  await owner?.$disconnect();
  await subgraph?.stop();
  await database?.drop();
});

describe('the tenant-bound client scopes every operation by itself (no row-level security involved)', () => {
  test('reads see only the bound tenant', async () => {
    const a = bindCustomerTenant(owner, 'tenant-a');
    expect(await owner.customer.count()).toBe(2);
    await expectOnlyTenantA(a);
  });

  test("reads see only the bound tenant on the services' own adapter too, whose single reads take their shortest path", async () => {
    const opened = await openDatabase({ url: database.url, embeddedDir: '' });
    const ownerOnServiceAdapter = createCustomerPrisma(opened);
    try {
      const a = bindCustomerTenant(ownerOnServiceAdapter, 'tenant-a');
      await expectOnlyTenantA(a);
      await expect(a.customer.findMany({ where: { tenantId: 'tenant-b' } })).rejects.toEqual(refused);
      await expect(a.customer.findUnique({ where: { id: bCustomer, tenantId: 'tenant-b' } })).rejects.toEqual(refused);
      // A findUnique by a compound key still goes through a transaction of its own.
      expect(await a.customer.findUnique({ where: { tenantId_email: { tenantId: 'tenant-a', email: 'b@example.com' } } })).toBeNull();
    } finally {
      await ownerOnServiceAdapter.$disconnect();
      await opened.close();
    }
  });

  async function expectOnlyTenantA(a: ReturnType<typeof bindCustomerTenant>): Promise<void> {
    expect((await a.customer.findMany()).map((customer) => customer.name)).toEqual(['A']);
    expect(await a.customer.count()).toBe(1);
    expect(await a.customer.findUnique({ where: { id: bCustomer } })).toBeNull();
    expect(await a.customer.findFirst({ where: { OR: [{ id: bCustomer }, { email: 'b@example.com' }] } })).toBeNull();
    expect(await a.customer.aggregate({ _count: { _all: true } })).toEqual({ _count: { _all: 1 } });
  }

  test("writes that pick rows by id never reach another tenant's", async () => {
    const a = bindCustomerTenant(owner, 'tenant-a');
    expect(await a.customer.updateMany({ where: { id: bCustomer }, data: { name: 'taken' } })).toEqual({ count: 0 });
    expect(await a.customer.deleteMany({ where: { id: bCustomer } })).toEqual({ count: 0 });
    await expect(a.customer.update({ where: { id: bCustomer }, data: { name: 'taken' } })).rejects.toMatchObject({ code: 'P2025' });
    await expect(a.customer.delete({ where: { id: bCustomer } })).rejects.toMatchObject({ code: 'P2025' });
    expect(await owner.customer.findUniqueOrThrow({ where: { id: bCustomer } })).toMatchObject({ name: 'B', tenantId: 'tenant-b' });
  });

  test('created rows, nested ones included, belong to the bound tenant', async () => {
    const a = bindCustomerTenant(owner, 'tenant-a');
    const created = await a.customer.create({ data: { name: 'A2', email: 'a2@example.com' } });
    expect(created.tenantId).toBe('tenant-a');
    await a.customer.createMany({ data: [{ name: 'A3', email: 'a3@example.com' }] });
    const category = await a.category.create({
      data: { name: 'A starters', products: { create: [{ name: 'Soup', priceCents: 500 }] } },
      include: { products: true },
    });
    expect(category.tenantId).toBe('tenant-a');
    expect(category.products.map((product) => product.tenantId)).toEqual(['tenant-a']);
    const upserted = await a.category.upsert({
      where: { tenantId_id: { tenantId: 'tenant-a', id: category.id } },
      create: { name: 'never' },
      update: { position: 3 },
    });
    expect(upserted.position).toBe(3);
    expect(await owner.customer.count({ where: { tenantId: 'tenant-a' } })).toBe(3);
  });

  test("a nested write cannot connect another tenant's row", async () => {
    const a = bindCustomerTenant(owner, 'tenant-a');
    const product = await a.product.create({ data: { name: 'Bread', priceCents: 300 } });
    await expect(a.product.update({ where: { id: product.id }, data: { category: { connect: { id: bCategory } } } })).rejects.toThrow();
    expect((await owner.product.findUniqueOrThrow({ where: { id: product.id } })).categoryId).toBeNull();
  });

  test('a call that names another tenant is refused, whatever form the filter takes', async () => {
    const a = bindCustomerTenant(owner, 'tenant-a');
    await expect(a.customer.findMany({ where: { tenantId: 'tenant-b' } })).rejects.toEqual(refused);
    await expect(a.customer.findMany({ where: { tenantId: { in: ['tenant-a', 'tenant-b'] } } })).rejects.toEqual(refused);
    await expect(a.customer.findMany({ where: { OR: [{ tenantId: 'tenant-b' }] } })).rejects.toEqual(refused);
    await expect(a.customer.create({ data: { tenantId: 'tenant-b', name: 'X', email: 'x@example.com' } })).rejects.toEqual(refused);
    await expect(a.customer.updateMany({ data: { tenantId: 'tenant-b' } })).rejects.toEqual(refused);
    // Naming the bound tenant itself is allowed (a composite key needs it).
    expect(await a.customer.count({ where: { tenantId: 'tenant-a' } })).toBe(3);
  });

  test('raw SQL is refused unless it goes through the helper that binds the tenant', async () => {
    const a = bindCustomerTenant(owner, 'tenant-a') as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    await expect(a['$queryRaw']!(Prisma.sql`SELECT id FROM customers`)).rejects.toEqual(refused);
    await expect(a['$executeRawUnsafe']!('DELETE FROM customers')).rejects.toEqual(refused);
    await expect(a['$queryRawUnsafe']!('SELECT id FROM customers')).rejects.toEqual(refused);
    expect(() => a['$transaction']!([])).toThrow(TenantScopeError);

    const bound = bindCustomerTenant(owner, 'tenant-a');
    await expect(bound.$tenantQueryRaw(() => Prisma.sql`SELECT id FROM customers`)).rejects.toEqual(refused);
    const rows = await bound.$tenantQueryRaw<{ name: string }[]>(
      (tenant) => Prisma.sql`SELECT name FROM customers WHERE tenant_id = ${tenant} ORDER BY name`,
    );
    expect(rows.map((row) => row.name)).toEqual(['A', 'A2', 'A3']);
    await expect(
      bound.$tenantTransaction((tx) =>
        (tx as unknown as { $executeRaw(sql: Prisma.Sql): Promise<number> }).$executeRaw(Prisma.sql`DELETE FROM customers`),
      ),
    ).rejects.toEqual(refused);
    expect(await owner.customer.count()).toBe(4);
  });
});

describe('both layers together, as the services run', () => {
  test('each statement runs in a transaction that binds the tenant, so the database agrees', async () => {
    const a = bindCustomerTenant(runtime, 'tenant-a');
    expect((await a.customer.findMany({ orderBy: { name: 'asc' } })).map((customer) => customer.name)).toEqual(['A', 'A2', 'A3']);
    expect(await a.$tenantTransaction((tx) => tx.customer.count())).toBe(3);
    // The services' client without the binding sees nothing: row-level security, not the filter.
    expect(await runtime.customer.count()).toBe(0);
  });

  test('a service refuses to start as a role that row-level security does not bind', async () => {
    const asSuperuser = { ...database, env: (prefix: string) => ({ ...database.env(prefix), [`${prefix}_DATABASE_URL`]: database.url }) };
    await expect(startTestCustomerSubgraph(asSuperuser)).rejects.toThrow(/is a superuser.*escapes row-level security/);
  });
});
