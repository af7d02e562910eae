import { openDatabase, type OpenDatabase } from './connection';
import { applyMigrations, type MigrationLog, type SqlSession } from './migrations';

/**
 * The role the services use inside an embedded (PGlite) database. The embedded cluster is
 * private to one data folder, so a fixed name cannot collide with anything.
 */
export const EMBEDDED_RUNTIME_ROLE = 'service_runtime';

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function currentSchema(session: SqlSession): Promise<string> {
  const [row] = await session.query<{ schema: string }>('SELECT current_schema() AS schema');
  if (!row?.schema) throw new Error('the database has no current schema');
  return row.schema;
}

/**
 * Gives the services' role what it needs and nothing more: reading and writing rows (never
 * TRUNCATE, DDL or ownership), the sequences, and reading the migration history so that a
 * service can refuse to start with migrations pending. Run by the owner after each deploy:
 * GRANT ... ON ALL TABLES covers only tables that exist, so a table a migration adds gets its
 * grant here too. Idempotent.
 */
export async function grantRuntimeAccess(owner: SqlSession, role: string): Promise<void> {
  const schema = quoteIdentifier(await currentSchema(owner));
  const grantee = quoteIdentifier(role);
  await owner.exec(`
    GRANT USAGE ON SCHEMA ${schema} TO ${grantee};
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${grantee};
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${schema} TO ${grantee};
    DO $$ BEGIN
      IF to_regclass('_prisma_migrations') IS NOT NULL THEN
        REVOKE INSERT, UPDATE, DELETE ON _prisma_migrations FROM ${grantee};
      END IF;
    END $$;`);
}

/** Creates the embedded database's runtime role when missing (a fresh data folder). */
export async function ensureEmbeddedRuntimeRole(owner: SqlSession): Promise<void> {
  await owner.exec(`
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${EMBEDDED_RUNTIME_ROLE}') THEN
        CREATE ROLE ${quoteIdentifier(EMBEDDED_RUNTIME_ROLE)} NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
      END IF;
    END $$;`);
}

interface RoleRow {
  name: string;
  superuser: boolean;
  bypassrls: boolean;
  owned: number;
}

/**
 * Refuses a connection whose role could step around row-level security: a superuser, a role
 * with BYPASSRLS, or the owner of any table of the schema (an owner may switch the policies
 * off). Services run only as a role that passes.
 */
export async function assertRuntimeRole(session: SqlSession): Promise<string> {
  const [role] = await session.query<RoleRow>(
    `SELECT r.rolname AS name, r.rolsuper AS superuser, r.rolbypassrls AS bypassrls,
            (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE c.relowner = r.oid AND n.nspname = current_schema())::int AS owned
       FROM pg_roles r WHERE r.rolname = current_user`,
  );
  if (!role) throw new Error('the database does not know its current role');
  const reasons = [
    ...(role.superuser ? ['is a superuser'] : []),
    ...(role.bypassrls ? ['has BYPASSRLS'] : []),
    ...(role.owned > 0 ? [`owns ${role.owned} relation(s) of the schema`] : []),
  ];
  if (reasons.length > 0) {
    throw new Error(
      `database role "${role.name}" ${reasons.join(', ')} and so escapes row-level security: ` +
        'connect the service as a role that owns nothing (NOSUPERUSER NOBYPASSRLS) and run migrations ' +
        'as the owner through the *_MIGRATION_DATABASE_URL (see docs/security.md, "Tenant isolation")',
    );
  }
  return role.name;
}

/** The role the services' connection runs as once `enterRuntimeRole` has run. */
async function runtimeRoleOf(database: OpenDatabase): Promise<string> {
  if (database.kind === 'embedded') return EMBEDDED_RUNTIME_ROLE;
  const [row] = await database.executor.query<{ role: string }>('SELECT current_user AS role');
  if (!row) throw new Error(`${database.location}: cannot tell which role the service connects as`);
  return row.role;
}

/**
 * Applies pending migrations as the owner, then grants the services' role its access. On
 * PostgreSQL the owner connects through `migrationUrl` (a pool of its own, closed here) and the
 * services' role is the login of `database`; the embedded database is one connection that is
 * still its superuser until `enterRuntimeRole`.
 */
export async function deployMigrations(
  database: OpenDatabase,
  migrationUrl: string | null,
  migrationsDir: string,
  log?: MigrationLog,
): Promise<{ applied: string[] }> {
  const role = await runtimeRoleOf(database);
  if (database.kind === 'embedded') {
    const result = await applyMigrations(database.executor, migrationsDir, log);
    await ensureEmbeddedRuntimeRole(database.executor);
    await grantRuntimeAccess(database.executor, role);
    return result;
  }
  if (migrationUrl === null) {
    throw new Error(`${database.location}: migrations run as the owner role; set the subgraph's *_MIGRATION_DATABASE_URL`);
  }
  const owner = await openDatabase({ url: migrationUrl, embeddedDir: '' });
  try {
    const result = await applyMigrations(owner.executor, migrationsDir, log);
    await grantRuntimeAccess(owner.executor, role);
    return result;
  } finally {
    await owner.close();
  }
}

/**
 * Puts the services' connection under its runtime role and proves that role cannot step around
 * row-level security. PostgreSQL: the URL's login already is that role; this only checks it.
 * Embedded: the connection drops from superuser to EMBEDDED_RUNTIME_ROLE for good (SET ROLE,
 * session-wide: PGlite is one connection, never pooled or shared).
 */
export async function enterRuntimeRole(database: OpenDatabase): Promise<string> {
  if (database.kind === 'embedded') {
    // Also for a data folder migrated before the role existed.
    await ensureEmbeddedRuntimeRole(database.executor);
    await grantRuntimeAccess(database.executor, EMBEDDED_RUNTIME_ROLE);
    await database.executor.exec(`SET ROLE ${quoteIdentifier(EMBEDDED_RUNTIME_ROLE)}`);
  }
  return assertRuntimeRole(database.executor);
}
