import { createLogger } from '@reservations/platform/logger';
import type { SubgraphConfig } from '@reservations/platform/subgraph/config';
import type { StartedSubgraph } from '@reservations/platform/subgraph/start-subgraph';
import { readCustomerConfig } from '@reservations/customer-subgraph/src/config';
import type { CustomerPrisma } from '@reservations/customer-subgraph/src/database';
import { startCustomerSubgraph } from '@reservations/customer-subgraph/src/server';
import { readReservationConfig } from '@reservations/reservation-subgraph/src/config';
import type { ReservationPrisma } from '@reservations/reservation-subgraph/src/database';
import { startReservationSubgraph } from '@reservations/reservation-subgraph/src/server';
import { readGatewayConfig } from '@reservations/gateway/src/config';
import { startGateway, type StartedGateway } from '@reservations/gateway/src/server';
import { createTestDatabase, type TestDatabase } from './postgres';

export const silentLogger = createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent');

/** Test settings: loopback, a free port, migrations applied, no demo seeding. */
const testEnv = { NODE_ENV: 'test', HOST: '127.0.0.1', CUSTOMER_PORT: '0', RESERVATION_PORT: '0', GATEWAY_PORT: '0' };

function subgraphConfig<T extends SubgraphConfig>(read: (env: Record<string, string>) => T, extra: Record<string, string>): T {
  return read({ ...testEnv, MIGRATE_ON_START: 'true', SEED_DEMO_DATA: 'false', ...extra });
}

export interface TestSupergraph {
  gatewayUrl: string;
  customer: StartedSubgraph<CustomerPrisma>;
  reservation: StartedSubgraph<ReservationPrisma>;
  gateway: StartedGateway;
  stop(): Promise<void>;
}

/**
 * Both subgraphs on fresh databases of the machine's PostgreSQL plus the gateway, all
 * in-process on free ports; `stop()` stops them and drops the databases.
 */
export async function startTestSupergraph(label: string): Promise<TestSupergraph> {
  const databases: TestDatabase[] = [];
  const stops: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    for (const stopOne of stops.reverse()) await stopOne();
    for (const database of databases) await database.drop();
  };
  try {
    const customerDb = await createTestDatabase(`${label}_customer`);
    databases.push(customerDb);
    const reservationDb = await createTestDatabase(`${label}_reservation`);
    databases.push(reservationDb);
    const [customer, reservation] = await Promise.all([
      startCustomerSubgraph(subgraphConfig(readCustomerConfig, { CUSTOMER_DATABASE_URL: customerDb.url }), silentLogger),
      startReservationSubgraph(subgraphConfig(readReservationConfig, { RESERVATION_DATABASE_URL: reservationDb.url }), silentLogger),
    ]);
    stops.push(customer.stop, reservation.stop);
    const gateway = await startGateway(
      readGatewayConfig({ ...testEnv, CUSTOMER_SUBGRAPH_URL: customer.url, RESERVATION_SUBGRAPH_URL: reservation.url }),
      silentLogger,
    );
    stops.push(gateway.stop);
    return { gatewayUrl: gateway.url, customer, reservation, gateway, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
