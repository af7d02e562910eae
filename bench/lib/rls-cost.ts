import { bindCustomerTenant, createCustomerPrisma, migrationsDir } from '@reservations/customer-subgraph/database';
import { openDatabase } from '@reservations/platform/database/connection';
import { deployMigrations } from '@reservations/platform/database/roles';
import { createTestDatabase } from '@reservations/test-support/postgres';
import { emptySample, timeBlock, timing, type ClientTiming } from './call-timing';

/** Before and after row-level security, the same lookup, in alternating blocks. */
export interface RlsCost {
  before: ClientTiming;
  after: ClientTiming;
}

const CUSTOMERS = 200;

/**
 * The batched customer load a subgraph makes for one `customer(id:)` (`findMany` by ids), one at
 * a time over one connection, as the product runs it today and as it ran before row-level
 * security:
 * - after: the runtime role (no BYPASSRLS) through the tenant-bound client, whose read carries
 *   its `set_config` in the same round trip (`openDatabase` wires that in);
 * - before: a role that bypasses the policies (the superuser owner) with the `tenantId` filter
 *   written by hand, which is what every query did before the policies existed.
 * Both go through `openDatabase` and the customer subgraph's Prisma client; only the role and
 * the binding differ. Blocks alternate so drift on the machine hits both alike.
 */
export async function measureRlsCost(operations: number, rounds: number): Promise<RlsCost> {
  const database = await createTestDatabase('bench_rls_cost');
  try {
    const runtime = await openDatabase({ url: database.runtimeUrl, embeddedDir: '' });
    await deployMigrations(runtime, database.url, migrationsDir);
    const owner = await openDatabase({ url: database.url, embeddedDir: '' });
    const before = createCustomerPrisma(owner);
    const after = createCustomerPrisma(runtime);
    const tenant = 'bench-rls';
    const bound = bindCustomerTenant(after, tenant);
    try {
      const ids: string[] = [];
      for (let i = 0; i < CUSTOMERS; i++)
        ids.push((await bound.customer.create({ data: { name: `Guest ${i}`, email: `guest${i}@example.com` } })).id);
      let next = 0;
      const id = () => ids[next++ % ids.length]!;
      const lookups = {
        before: async () => (await before.customer.findMany({ where: { id: { in: [id()] }, tenantId: tenant } })).length,
        after: async () => (await bound.customer.findMany({ where: { id: { in: [id()] } } })).length,
      };
      const lookup = (name: keyof typeof lookups) => async () => {
        if ((await lookups[name]()) !== 1) throw new Error(`${name}: the lookup found no customer`);
      };
      const samples = { before: emptySample(), after: emptySample() };
      const warmup = emptySample();
      for (const name of ['before', 'after'] as const) await timeBlock(warmup, lookup(name), Math.min(300, operations));
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? (['before', 'after'] as const) : (['after', 'before'] as const);
        for (const name of order) await timeBlock(samples[name], lookup(name), operations);
      }
      return { before: timing(samples.before), after: timing(samples.after) };
    } finally {
      await Promise.all([before.$disconnect(), after.$disconnect()]);
      await Promise.all([owner.close(), runtime.close()]);
    }
  } finally {
    await database.drop();
  }
}
