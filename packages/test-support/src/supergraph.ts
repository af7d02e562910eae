import { createLogger, type Logger } from '@reservations/platform/logger';
import type { SubgraphConfig } from '@reservations/platform/subgraph/config';
import type { StartedSubgraph } from '@reservations/platform/subgraph/start-subgraph';
import { readCustomerConfig } from '@reservations/customer-subgraph/config';
import type { CustomerPrisma } from '@reservations/customer-subgraph/database';
import { startCustomerSubgraph } from '@reservations/customer-subgraph/server';
import type { Clock } from '@reservations/reservation-subgraph/clock';
import { readReservationConfig } from '@reservations/reservation-subgraph/config';
import type { ReservationPrisma } from '@reservations/reservation-subgraph/database';
import { createReservationSubgraph, startReservationSubgraph } from '@reservations/reservation-subgraph/server';
import { readGatewayConfig } from '@reservations/gateway/config';
import type { GatewayClock } from '@reservations/gateway/clock';
import { startGateway, type StartedGateway } from '@reservations/gateway/server';
import { createTestDatabase, type TestDatabase } from './postgres';

export const silentLogger = createLogger('test', process.env.TEST_LOG_LEVEL ?? 'silent');

/** Test settings: loopback, a free port, migrations applied, no demo seeding. */
const testEnv = { NODE_ENV: 'test', HOST: '127.0.0.1', CUSTOMER_PORT: '0', RESERVATION_PORT: '0', GATEWAY_PORT: '0' };

function subgraphConfig<T extends SubgraphConfig>(read: (env: Record<string, string>) => T, extra: Record<string, string>): T {
  return read({ ...testEnv, MIGRATE_ON_START: 'true', SEED_DEMO_DATA: 'false', ...extra });
}

/** The customer subgraph on an existing database, in-process on a free port; `env` adds or overrides variables. */
export function startTestCustomerSubgraph(
  database: TestDatabase,
  env: Record<string, string> = {},
  logger: Logger = silentLogger,
): Promise<StartedSubgraph<CustomerPrisma>> {
  return startCustomerSubgraph(subgraphConfig(readCustomerConfig, { ...database.env('CUSTOMER'), ...env }), logger);
}

/**
 * The reservation subgraph on an existing database, asking the customer subgraph at
 * `customerUrl`; `env` adds or overrides variables (e.g. CUSTOMER_LOOKUP_TIMEOUT_MS), `clock`
 * replaces the system clock.
 */
export function startTestReservationSubgraph(
  database: TestDatabase,
  customerUrl: string,
  env: Record<string, string> = {},
  clock?: Clock,
  logger: Logger = silentLogger,
): Promise<StartedSubgraph<ReservationPrisma>> {
  return startReservationSubgraph(
    subgraphConfig(readReservationConfig, {
      ...database.env('RESERVATION'),
      CUSTOMER_SUBGRAPH_URL: customerUrl,
      // Tests book fixed dates years ahead on the real clock; tests of the horizon set their own.
      BOOKING_HORIZON_DAYS: '3650',
      ...env,
    }),
    logger,
    clock,
  );
}

/**
 * The reservation subgraph's definition as `startTestReservationSubgraph` configures it, asking
 * the customer subgraph at `customerUrl`, for the in-process layer (see subgraph-operations.ts).
 */
export function testReservationSubgraph(customerUrl: string, clock?: Clock, env: Record<string, string> = {}) {
  return createReservationSubgraph(
    subgraphConfig(readReservationConfig, { CUSTOMER_SUBGRAPH_URL: customerUrl, BOOKING_HORIZON_DAYS: '3650', ...env }),
    clock,
  );
}

/** A gateway in front of the given subgraph URLs. */
export function startTestGateway(
  urls: { customer: string; reservation: string },
  env: Record<string, string> = {},
  logger: Logger = silentLogger,
  clock?: GatewayClock,
): Promise<StartedGateway> {
  return startGateway(
    readGatewayConfig({ ...testEnv, CUSTOMER_SUBGRAPH_URL: urls.customer, RESERVATION_SUBGRAPH_URL: urls.reservation, ...env }),
    logger,
    clock ? { clock } : {},
  );
}

/** Both subgraphs over HTTP, without a gateway: for tests of what one subgraph does over HTTP. */
export interface TestSubgraphs {
  customer: StartedSubgraph<CustomerPrisma>;
  reservation: StartedSubgraph<ReservationPrisma>;
  /** The subgraphs' databases, e.g. to start a second instance of a subgraph on the same data. */
  databases: { customer: TestDatabase; reservation: TestDatabase };
  stop(): Promise<void>;
}

export interface TestSupergraph extends TestSubgraphs {
  gatewayUrl: string;
  gateway: StartedGateway;
}

export interface TestSupergraphOptions {
  /** Extra variables for all three services (e.g. NODE_ENV, GATEWAY_SIGNING_SECRET). */
  env?: Record<string, string>;
  /** Extra variables for the reservation subgraph only (applied after `env`). */
  reservationEnv?: Record<string, string>;
  /** One logger for all three services, e.g. to assert what they log (default: silent). */
  logger?: Logger;
  /** The gateway's clock (see gateway/src/clock.ts), e.g. to let tokens expire without waiting. */
  gatewayClock?: GatewayClock;
}

/**
 * Both subgraphs on fresh databases of the machine's PostgreSQL, in-process on free ports; the
 * reservation subgraph checks customers against the customer subgraph started here. `stop()`
 * stops them and drops the databases.
 */
export async function startTestSubgraphs(label: string, options: Omit<TestSupergraphOptions, 'gatewayClock'> = {}): Promise<TestSubgraphs> {
  const databases: TestDatabase[] = [];
  const stops: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    for (const stopOne of stops.splice(0).reverse()) await stopOne();
    for (const database of databases.splice(0)) await database.drop();
  };
  try {
    const [customerDb, reservationDb] = await Promise.all([createTestDatabase(`${label}_customer`), createTestDatabase(`${label}_reservation`)]);
    databases.push(customerDb, reservationDb);
    // The reservation subgraph needs the customer subgraph's URL, so it starts second.
    const env = options.env ?? {};
    const logger = options.logger ?? silentLogger;
    const customer = await startTestCustomerSubgraph(customerDb, env, logger);
    stops.push(customer.stop);
    const reservation = await startTestReservationSubgraph(reservationDb, customer.url, { ...env, ...options.reservationEnv }, undefined, logger);
    stops.push(reservation.stop);
    return { customer, reservation, databases: { customer: customerDb, reservation: reservationDb }, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** `startTestSubgraphs` plus the gateway in front of them; `stop()` stops all three and drops the databases. */
export async function startTestSupergraph(label: string, options: TestSupergraphOptions = {}): Promise<TestSupergraph> {
  const subgraphs = await startTestSubgraphs(label, options);
  try {
    const urls = { customer: subgraphs.customer.url, reservation: subgraphs.reservation.url };
    const gateway = await startTestGateway(urls, options.env ?? {}, options.logger ?? silentLogger, options.gatewayClock);
    return {
      ...subgraphs,
      gatewayUrl: gateway.url,
      gateway,
      async stop() {
        await gateway.stop();
        await subgraphs.stop();
      },
    };
  } catch (error) {
    await subgraphs.stop();
    throw error;
  }
}
