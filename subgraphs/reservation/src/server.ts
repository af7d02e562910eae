import type { Logger } from '@reservations/platform/logger';
import { startSubgraph, type StartedSubgraph, type SubgraphDefinition } from '@reservations/platform/subgraph/start-subgraph';
import { systemClock, type Clock } from './clock';
import {
  DEFAULT_CUSTOMER_LOOKUP_TIMEOUT_MS,
  DEFAULT_CUSTOMER_SUBGRAPH_URL,
  type CustomerLookupConfig,
  type ReservationConfig,
} from './config';
import { createReservationContext, type ReservationContext } from './context';
import { createReservationPrisma, migrationsDir, type ReservationPrisma } from './database';
import { reservationSchema } from './schema';
import { seedDemoReservations } from './seed';

/**
 * The reservation subgraph, reaching the customer subgraph as `customerLookup` says and
 * reading the current instant from `clock` (tests pass their own).
 */
export function createReservationSubgraph(
  customerLookup: CustomerLookupConfig,
  clock: Clock = systemClock,
): SubgraphDefinition<ReservationPrisma, ReservationContext> {
  return {
    name: 'reservation',
    migrationsDir,
    schema: reservationSchema,
    connect: (database) => createReservationPrisma(database),
    disconnect: (prisma) => prisma.$disconnect(),
    seedDemoTenant: seedDemoReservations,
    context: ({ tenantId, client, logger, req }) =>
      createReservationContext(tenantId, client, logger, customerLookup, clock, req.headers),
  };
}

/** With the default customer subgraph URL: what the db:* commands need (migrations, seeding). */
export const reservationSubgraph = createReservationSubgraph({
  customerSubgraphUrl: DEFAULT_CUSTOMER_SUBGRAPH_URL,
  customerLookupTimeoutMs: DEFAULT_CUSTOMER_LOOKUP_TIMEOUT_MS,
  gatewaySigningSecret: null,
});

export function startReservationSubgraph(
  config: ReservationConfig,
  logger: Logger,
  clock: Clock = systemClock,
): Promise<StartedSubgraph<ReservationPrisma>> {
  return startSubgraph(createReservationSubgraph(config, clock), config, logger);
}
