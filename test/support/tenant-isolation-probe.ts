/**
 * What row-level security lets the services' role see and do, on one database: run as a child
 * process (`tsx test/support/tenant-isolation-probe.ts '<json>'`) because PGlite cannot load in
 * jest's CommonJS sandbox; PostgreSQL goes through the same script so both answer alike.
 * Input: { runtimeUrl, migrationUrl } for PostgreSQL, or { embeddedDir } for PGlite.
 * Prints a JSON report on stdout.
 */
import path from 'node:path';
import { openDatabase } from '@reservations/platform/database/connection';
import type { SqlSession } from '@reservations/platform/database/migrations';
import { deployMigrations, enterRuntimeRole } from '@reservations/platform/database/roles';
import { bindReservationTenant, createReservationPrisma } from '../../subgraphs/reservation/src/database';

const MIGRATIONS = path.resolve(__dirname, '../../subgraphs/reservation/prisma/migrations');
const A_ID = '0190a5f0-0000-7000-8000-00000000000a';
const B_ID = '0190a5f0-0000-7000-8000-00000000000b';

interface Input {
  runtimeUrl?: string;
  migrationUrl?: string;
  embeddedDir?: string;
}

const insertFor = (tenant: string, id: string): [string, unknown[]] => [
  `INSERT INTO reservations (id, tenant_id, customer_id, starts_at, ends_at, party_size, updated_at)
     VALUES ($1, $2, '0190a5f0-0000-7000-9000-000000000001', '2030-01-01T19:00:00Z', '2030-01-01T21:00:00Z', 2, now())`,
  [id, tenant],
];

/** The error a statement ends with, or null when it succeeded. */
async function failure(run: () => Promise<unknown>): Promise<string | null> {
  try {
    await run();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

async function asTenant<T>(
  session: { transaction<R>(work: (tx: SqlSession) => Promise<R>): Promise<R> },
  tenant: string,
  work: (tx: SqlSession) => Promise<T>,
): Promise<T> {
  return session.transaction(async (tx) => {
    await tx.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenant]);
    return work(tx);
  });
}

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2] ?? '{}') as Input;
  const database = await openDatabase({ url: input.runtimeUrl ?? null, embeddedDir: input.embeddedDir ?? '' });
  const owner = input.migrationUrl ? await openDatabase({ url: input.migrationUrl, embeddedDir: '' }) : null;
  try {
    await deployMigrations(database, input.migrationUrl ?? null, MIGRATIONS);
    // Two tenants' rows, written by the owner (a superuser here, which row-level security does not bind).
    const ownerSql = owner?.executor ?? database.executor;
    await ownerSql.query(...insertFor('tenant-a', A_ID));
    await ownerSql.query(...insertFor('tenant-b', B_ID));

    const role = await enterRuntimeRole(database);
    const sql = database.executor;
    const ids = (rows: { id: string }[]) => rows.map((row) => row.id).sort();
    const report = {
      role,
      superuser: (await sql.query<{ is: string }>(`SELECT current_setting('is_superuser') AS is`))[0]?.is,
      withoutTenant: ids(await sql.query<{ id: string }>('SELECT id FROM reservations')),
      tenantAOwnRows: ids(await asTenant(sql, 'tenant-a', (tx) => tx.query<{ id: string }>('SELECT id FROM reservations'))),
      tenantANamingB: ids(
        await asTenant(sql, 'tenant-a', (tx) =>
          tx.query<{ id: string }>(`SELECT id FROM reservations WHERE tenant_id = 'tenant-b' OR id = $1`, [B_ID]),
        ),
      ),
      afterTransaction: ids(await sql.query<{ id: string }>('SELECT id FROM reservations')),
      insertForOtherTenant: await failure(() =>
        asTenant(sql, 'tenant-a', (tx) => tx.query(...insertFor('tenant-b', '0190a5f0-0000-7000-8000-0000000000bb'))),
      ),
      updateOtherTenant: await asTenant(sql, 'tenant-a', (tx) =>
        tx.query<{ id: string }>(`UPDATE reservations SET party_size = 9 WHERE id = $1 RETURNING id`, [B_ID]),
      ),
      moveOwnRowToOtherTenant: await failure(() =>
        asTenant(sql, 'tenant-a', (tx) => tx.query(`UPDATE reservations SET tenant_id = 'tenant-b' WHERE id = $1`, [A_ID])),
      ),
      insertWithoutTenantColumn: await failure(() =>
        asTenant(sql, 'tenant-a', (tx) =>
          tx.query(
            `INSERT INTO reservations (id, customer_id, starts_at, ends_at, party_size, updated_at)
             VALUES ('0190a5f0-0000-7000-8000-0000000000aa', '0190a5f0-0000-7000-9000-000000000001', '2030-01-02T19:00:00Z', '2030-01-02T21:00:00Z', 2, now())`,
          ),
        ),
      ),
      disableRowLevelSecurity: await failure(() => sql.exec('ALTER TABLE reservations DISABLE ROW LEVEL SECURITY')),
      truncate: await failure(() => sql.exec('TRUNCATE reservations')),
    };
    // The services' own reads: the tenant-bound client's single reads, bound by the driver adapter.
    const prisma = createReservationPrisma(database);
    const boundA = bindReservationTenant(prisma, 'tenant-a');
    const prismaReads = {
      prismaUnbound: ids(await prisma.reservation.findMany({ select: { id: true } })),
      prismaTenantA: ids(await boundA.reservation.findMany({ select: { id: true } })),
      prismaTenantAFindsB: await boundA.reservation.findUnique({ where: { id: B_ID } }),
      prismaTenantACount: await boundA.reservation.count(),
    };
    await prisma.$disconnect();
    const rowsOfA = await asTenant(sql, 'tenant-a', (tx) => tx.query<{ tenant_id: string }>('SELECT tenant_id FROM reservations'));
    process.stdout.write(JSON.stringify({ ...report, ...prismaReads, tenantsOfARows: [...new Set(rowsOfA.map((row) => row.tenant_id))] }));
  } finally {
    await owner?.close();
    await database.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
