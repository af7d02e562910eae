import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The machine's PostgreSQL; tests create and drop their own databases on it. */
export const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  name: string;
  /**
   * The owner's URL (this server's superuser): what migrations use, and what a test uses to
   * look behind the API or break the database on purpose. Row-level security does not bind it.
   */
  url: string;
  /**
   * The services' URL: a login role made for this database alone, which owns nothing and
   * cannot bypass row-level security (what production runs as).
   */
  runtimeUrl: string;
  /** The variables a subgraph with this `prefix` (CUSTOMER, RESERVATION) needs for this database. */
  env(prefix: string): Record<string, string>;
  /**
   * Runs SQL on this database as its owner, which row-level security does not bind: to look at
   * every tenant's rows behind the API, or to break the database on purpose.
   */
  asOwner<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  drop(): Promise<void>;
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh, empty database with a unique name, and a login role of its own for the services
 * (roles are cluster-wide, so each test database gets a role named after its random suffix:
 * parallel tests never share or race on one). `drop()` removes both even if connections linger.
 */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const suffix = randomBytes(4).toString('hex');
  const name = `test_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${suffix}`;
  const role = `test_app_${suffix}`;
  await withAdmin(async (client) => {
    await client.query(`CREATE ROLE "${role}" LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE`);
    await client.query(`CREATE DATABASE "${name}"`);
  });
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const runtimeUrl = new URL(url);
  runtimeUrl.username = role;
  runtimeUrl.password = '';
  return {
    name,
    url: url.toString(),
    runtimeUrl: runtimeUrl.toString(),
    asOwner: async <Row>(sql: string, params: unknown[] = []) => {
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      try {
        return (await client.query(sql, params)).rows as Row[];
      } finally {
        await client.end();
      }
    },
    env: (prefix) => ({ [`${prefix}_DATABASE_URL`]: runtimeUrl.toString(), [`${prefix}_MIGRATION_DATABASE_URL`]: url.toString() }),
    drop: () =>
      withAdmin(async (client) => {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        // Its grants went with the database, so nothing else depends on the role.
        await client.query(`DROP ROLE IF EXISTS "${role}"`);
      }),
  };
}
