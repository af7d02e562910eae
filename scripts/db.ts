/**
 * Database commands for both subgraphs, each on its own database as configured by
 * CUSTOMER_DATABASE_URL / RESERVATION_DATABASE_URL, the services' role, and
 * CUSTOMER_MIGRATION_DATABASE_URL / RESERVATION_MIGRATION_DATABASE_URL, the owner (embedded
 * folders under DATA_DIR when unset):
 *   npm run db:deploy   apply pending migrations as the owner (what `prisma migrate deploy` does),
 *                       then grant the services' role its row access
 *   npm run db:status   list applied and pending migrations
 *   npm run db:seed     add the demo tenant's data (idempotent), as the services' role
 */
import { ConfigError } from '@reservations/platform/config';
import { openDatabase } from '@reservations/platform/database/connection';
import { migrationStatus } from '@reservations/platform/database/migrations';
import { deployMigrations, enterRuntimeRole } from '@reservations/platform/database/roles';
import { createLogger } from '@reservations/platform/logger';
import type { SubgraphConfig } from '@reservations/platform/subgraph/config';
import type { SubgraphDefinition } from '@reservations/platform/subgraph/start-subgraph';
import type { TenantContext } from '@reservations/platform/tenancy';
import { readCustomerConfig } from '@reservations/customer-subgraph/config';
import { customerSubgraph } from '@reservations/customer-subgraph/server';
import { readReservationConfig } from '@reservations/reservation-subgraph/config';
import { reservationSubgraph } from '@reservations/reservation-subgraph/server';

type Command = 'deploy' | 'status' | 'seed';

const logger = createLogger('db', process.env.LOG_LEVEL ?? 'info');

async function run<TClient, TContext extends TenantContext>(
  command: Command,
  config: SubgraphConfig,
  definition: SubgraphDefinition<TClient, TContext>,
): Promise<void> {
  const database = await openDatabase({ url: config.databaseUrl, embeddedDir: config.embeddedDir });
  const label = `${definition.name} (${database.location})`;
  try {
    if (command === 'deploy') {
      const { applied } = await deployMigrations(database, config.migrationDatabaseUrl, definition.migrationsDir);
      console.log(`${label}: ${applied.length === 0 ? 'up to date' : `applied ${applied.join(', ')}`}`);
    } else if (command === 'status') {
      const status = await migrationStatus(database.executor, definition.migrationsDir);
      console.log(`${label}: applied ${status.applied.length}, pending ${status.pending.length ? status.pending.join(', ') : 'none'}`);
    } else {
      await enterRuntimeRole(database);
      const client = definition.connect(database, logger);
      try {
        await definition.seedDemoTenant(client, logger);
        console.log(`${label}: demo tenant seeded`);
      } finally {
        await definition.disconnect(client);
      }
    }
  } finally {
    await database.close();
  }
}

async function main(): Promise<void> {
  const command = process.argv[2];
  if (command !== 'deploy' && command !== 'status' && command !== 'seed') {
    console.error('usage: tsx scripts/db.ts deploy|status|seed');
    process.exit(2);
  }
  const customerConfig = readCustomerConfig();
  const reservationConfig = readReservationConfig();
  await run(command, customerConfig, customerSubgraph);
  await run(command, reservationConfig, reservationSubgraph);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
