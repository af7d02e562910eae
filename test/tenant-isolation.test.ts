import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { applyMigrations } from '@reservations/platform/database/migrations';
import { pgExecutor } from '@reservations/platform/database/sql-executors';
import {
  checkTenantModels,
  runtimeDataModelOf,
  TENANT_FIELD,
  type RuntimeDataModel,
  type TenantModels,
} from '@reservations/platform/database/tenant-client';
import { createTestDatabase, type TestDatabase } from '@reservations/test-support/postgres';
import { customerTenantModels, migrationsDir as customerMigrations } from '../subgraphs/customer/src/database';
import { PrismaClient as CustomerClient } from '../subgraphs/customer/src/generated/prisma/client';
import { reservationTenantModels, migrationsDir as reservationMigrations } from '../subgraphs/reservation/src/database';
import { PrismaClient as ReservationClient } from '../subgraphs/reservation/src/generated/prisma/client';

const ROOT = path.resolve(__dirname, '..');

/** A client is only built to read its data model: it never connects. */
const unconnected = { adapter: new PrismaPg({ connectionString: 'postgresql://nobody@127.0.0.1:1/none' }) };
const SUBGRAPHS: { name: string; dataModel: RuntimeDataModel; models: TenantModels; migrations: string }[] = [
  { name: 'customer', dataModel: runtimeDataModelOf(new CustomerClient(unconnected)), models: customerTenantModels, migrations: customerMigrations },
  {
    name: 'reservation',
    dataModel: runtimeDataModelOf(new ReservationClient(unconnected)),
    models: reservationTenantModels,
    migrations: reservationMigrations,
  },
];

describe('every Prisma model is tenant-owned and scoped, or marked global', () => {
  test.each(SUBGRAPHS)('$name: each model of the data model is classified', ({ dataModel, models }) => {
    expect(Object.keys(dataModel.models).length).toBeGreaterThan(0);
    expect(checkTenantModels(dataModel, models)).toEqual([]);
  });

  test('a model added to a data model without a classification is reported', () => {
    const [customer] = SUBGRAPHS;
    const grown: RuntimeDataModel = {
      models: { ...customer!.dataModel.models, GiftCard: { dbName: 'gift_cards', fields: [{ name: 'id', kind: 'scalar', type: 'String' }] } },
    };
    expect(checkTenantModels(grown, customer!.models)).toEqual([expect.stringMatching(/model GiftCard is neither tenant-owned nor marked global/)]);
    expect(checkTenantModels(grown, { ...customer!.models, owned: [...customer!.models.owned, 'GiftCard'] })).toEqual([
      expect.stringMatching(/tenant-owned model GiftCard has no scalar tenantId field/),
    ]);
  });

  describe.each(SUBGRAPHS)('$name database', ({ name, dataModel, models, migrations }) => {
    let database: TestDatabase;
    let client: pg.Client;

    beforeAll(async () => {
      database = await createTestDatabase(`tenancy_${name}`);
      const pool = new pg.Pool({ connectionString: database.url, max: 2 });
      try {
        await applyMigrations(pgExecutor(pool), migrations);
      } finally {
        await pool.end();
      }
      client = new pg.Client({ connectionString: database.url });
      await client.connect();
    });

    afterAll(async () => {
      await client?.end();
      await database?.drop();
    });

    test('each tenant-owned table forces row-level security with a policy on app.tenant_id', async () => {
      const tables = models.owned.map((model) => dataModel.models[model]!.dbName ?? model);
      const { rows } = await client.query<{ table: string; enabled: boolean; forced: boolean; using: string; check: string }>(
        `SELECT c.relname AS table, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
                p.qual AS using, p.with_check AS check
           FROM pg_class c LEFT JOIN pg_policies p ON p.tablename = c.relname AND p.schemaname = 'public'
          WHERE c.relname = ANY($1) AND c.relkind = 'r'`,
        [tables],
      );
      expect(rows.map((row) => row.table).sort()).toEqual([...tables].sort());
      for (const row of rows) {
        expect(row).toMatchObject({ enabled: true, forced: true });
        expect(row.using).toMatch(/tenant_id.*current_setting\('app\.tenant_id'::text, true\)/);
        expect(row.check).toMatch(/tenant_id.*current_setting\('app\.tenant_id'::text, true\)/);
      }
    });

    test('every foreign key between tenant-owned tables includes the tenant column', async () => {
      // The tenant-bound client lets rows created under a relation take the tenant from their parent.
      const column = dataModel.models[models.owned[0]!]!.fields.find((field) => field.name === TENANT_FIELD) as { dbName?: string };
      const { rows } = await client.query<{ name: string; columns: string[] }>(
        `SELECT con.conname AS name, array_agg(att.attname::text) AS columns
           FROM pg_constraint con JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = ANY(con.conkey)
          WHERE con.contype = 'f' GROUP BY con.conname`,
      );
      for (const row of rows)
        expect({ name: row.name, columns: row.columns }).toEqual({
          name: row.name,
          columns: expect.arrayContaining([column.dbName ?? TENANT_FIELD]),
        });
    });
  });
});

/** Runs test/support/tenant-isolation-probe.ts in a child process (PGlite cannot load in jest's sandbox). */
function probe(input: Record<string, string>): Promise<Record<string, unknown>> {
  const tsx = pathToFileURL(require.resolve('tsx')).href;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', tsx, path.join(ROOT, 'test/support/tenant-isolation-probe.ts'), JSON.stringify(input)],
      { cwd: ROOT, timeout: 240_000, maxBuffer: 1 << 24 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`isolation probe failed: ${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout) as Record<string, unknown>);
      },
    );
  });
}

const A_ID = '0190a5f0-0000-7000-8000-00000000000a';
const POLICY_REFUSAL = /new row violates row-level security policy for table "reservations"/;

describe.each([
  ['PostgreSQL', 'postgres'],
  ['embedded PGlite', 'embedded'],
])('row-level security on %s, as the services role', (_label, kind) => {
  let report: Record<string, unknown>;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    if (kind === 'postgres') {
      const database = await createTestDatabase('rls_probe');
      cleanup = () => database.drop();
      report = await probe({ runtimeUrl: database.runtimeUrl, migrationUrl: database.url });
    } else {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'rls-probe-'));
      cleanup = () => rm(dir, { recursive: true, force: true });
      report = await probe({ embeddedDir: path.join(dir, 'reservation') });
    }
  }, 240_000);

  afterAll(async () => {
    await cleanup?.();
  });

  test('the role is neither superuser nor able to switch the policies off or empty a table', () => {
    expect(report['superuser']).toBe('off');
    expect(report['disableRowLevelSecurity']).toMatch(/must be owner of table reservations/);
    expect(report['truncate']).toMatch(/permission denied/);
  });

  test('a query issued without the tenant setting returns no rows', () => {
    expect(report['withoutTenant']).toEqual([]);
    // The setting is transaction-local: once a tenant's transaction ends, nothing is visible again.
    expect(report['afterTransaction']).toEqual([]);
  });

  test("under tenant A only A's rows are visible, even to a WHERE that names B's tenant and id", () => {
    expect(report['tenantAOwnRows']).toEqual([A_ID]);
    expect(report['tenantANamingB']).toEqual([]);
    expect(report['updateOtherTenant']).toEqual([]);
  });

  test("the tenant-bound client's single reads see their tenant's rows; a Prisma read without a tenant sees none", () => {
    expect(report['prismaUnbound']).toEqual([]);
    // A's own row and the one inserted above without naming a tenant.
    expect(report['prismaTenantA']).toEqual([A_ID, '0190a5f0-0000-7000-8000-0000000000aa']);
    expect(report['prismaTenantAFindsB']).toBeNull();
    expect(report['prismaTenantACount']).toBe(2);
  });

  test('an insert of a row for another tenant is refused by the database, and so is moving a row there', () => {
    expect(report['insertForOtherTenant']).toMatch(POLICY_REFUSAL);
    expect(report['moveOwnRowToOtherTenant']).toMatch(POLICY_REFUSAL);
  });

  test('an insert that names no tenant lands in the bound tenant', () => {
    expect(report['insertWithoutTenantColumn']).toBeNull();
    expect(report['tenantsOfARows']).toEqual(['tenant-a']);
  });
});
