import pg from 'pg';
import { openDatabase } from '@reservations/platform/database/connection';
import { createCustomerPrisma } from '@reservations/customer-subgraph/database';
import { emptySample, timeBlock, timing, type CallSample, type ClientTiming } from './call-timing';

export interface PrismaVersusPg {
  sql: string;
  prisma: ClientTiming;
  pg: ClientTiming;
  /** What Prisma adds per findUnique, mean over mean. */
  overheadMs: number;
}

/**
 * The customer lookup a subgraph makes, `findUnique` by id within a tenant, through Prisma and
 * as the very statement Prisma sent (captured from its query event) through `pg`, both over a
 * pool of the same size, one call at a time so the difference is per-call cost, not queueing.
 * Blocks of each alternate so drift on the machine hits both alike.
 */
export async function comparePrismaWithPg(databaseUrl: string, tenant: string, ids: string[], operations: number): Promise<PrismaVersusPg> {
  const database = await openDatabase({ url: databaseUrl, embeddedDir: '' });
  const prisma = createCustomerPrisma(database);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  try {
    let captured: { query: string; params: string } | null = null;
    prisma.$on('query', (event) => (captured ??= { query: event.query, params: event.params }));
    const probe = await prisma.customer.findUnique({ where: { id: ids[0]!, tenantId: tenant } });
    if (probe === null || captured === null) throw new Error('findUnique found no customer to compare with');
    const { query, params } = captured as { query: string; params: string };
    const template = JSON.parse(params) as unknown[];
    const idIndex = template.indexOf(ids[0]);
    if (idIndex < 0) throw new Error(`cannot find the id among Prisma's parameters: ${params}`);

    let next = 0;
    const nextId = () => ids[next++ % ids.length]!;
    const viaPrisma = async () => {
      if ((await prisma.customer.findUnique({ where: { id: nextId(), tenantId: tenant } })) === null) throw new Error('Prisma: no row');
    };
    const viaPg = async () => {
      const values = [...template];
      values[idIndex] = nextId();
      if ((await pool.query(query, values)).rowCount !== 1) throw new Error('pg: no row');
    };

    const samples: Record<'prisma' | 'pg', CallSample> = { prisma: emptySample(), pg: emptySample() };
    // Warm both paths (connections, Prisma's query cache, JIT) before anything is kept.
    const warmup = emptySample();
    await timeBlock(warmup, viaPrisma, 200);
    await timeBlock(warmup, viaPg, 200);
    const blockSize = 250;
    for (let done = 0; done < operations; done += blockSize) {
      await timeBlock(samples.pg, viaPg, blockSize);
      await timeBlock(samples.prisma, viaPrisma, blockSize);
    }
    const prismaTiming = timing(samples.prisma);
    const pgTiming = timing(samples.pg);
    return { sql: query, prisma: prismaTiming, pg: pgTiming, overheadMs: prismaTiming.meanMs - pgTiming.meanMs };
  } finally {
    await prisma.$disconnect();
    await database.close();
    await pool.end();
  }
}
