import { performance } from 'node:perf_hooks';
import { bindCustomerTenant, createCustomerPrisma, migrationsDir } from '@reservations/customer-subgraph/database';
import { openDatabase } from '@reservations/platform/database/connection';
import { deployMigrations } from '@reservations/platform/database/roles';
import { createTestDatabase } from '@reservations/test-support/postgres';
import { percentile } from './load';

export interface LookupTiming {
  name: string;
  operations: number;
  seconds: number;
  opsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  /** CPU seconds of this (the client's) process per 1,000 lookups. */
  cpuPer1k: number;
}

/** Before and after row-level security, the same lookup, in alternating blocks. */
export interface RlsCost {
  before: LookupTiming;
  after: LookupTiming;
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
      const variants = {
        before: async () => (await before.customer.findMany({ where: { id: { in: [id()] }, tenantId: tenant } })).length,
        after: async () => (await bound.customer.findMany({ where: { id: { in: [id()] } } })).length,
      };
      const samples = {
        before: { latencies: [] as number[], seconds: 0, cpuMicros: 0 },
        after: { latencies: [] as number[], seconds: 0, cpuMicros: 0 },
      };
      const block = async (name: keyof typeof variants, count: number, record: boolean) => {
        const cpu = process.cpuUsage();
        const started = performance.now();
        for (let i = 0; i < count; i++) {
          const t0 = performance.now();
          if ((await variants[name]()) !== 1) throw new Error(`${name}: the lookup found no customer`);
          if (record) samples[name].latencies.push(performance.now() - t0);
        }
        if (!record) return;
        const used = process.cpuUsage(cpu);
        samples[name].seconds += (performance.now() - started) / 1000;
        samples[name].cpuMicros += used.user + used.system;
      };
      for (const name of ['before', 'after'] as const) await block(name, Math.min(300, operations), false);
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? (['before', 'after'] as const) : (['after', 'before'] as const);
        for (const name of order) await block(name, operations, true);
      }
      const timing = (name: keyof typeof samples): LookupTiming => {
        const { latencies, seconds, cpuMicros } = samples[name];
        const sorted = [...latencies].sort((a, b) => a - b);
        return {
          name,
          operations: sorted.length,
          seconds,
          opsPerSecond: sorted.length / seconds,
          p50Ms: percentile(sorted, 50),
          p95Ms: percentile(sorted, 95),
          cpuPer1k: cpuMicros / 1e6 / (sorted.length / 1000),
        };
      };
      return { before: timing('before'), after: timing('after') };
    } finally {
      await Promise.all([before.$disconnect(), after.$disconnect()]);
      await Promise.all([owner.close(), runtime.close()]);
    }
  } finally {
    await database.drop();
  }
}
