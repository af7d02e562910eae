import type { Logger } from '@reservations/platform/logger';
import { startSubgraph, type StartedSubgraph, type SubgraphDefinition } from '@reservations/platform/subgraph/start-subgraph';
import { systemClock, type Clock } from './clock';
import {
  DEFAULT_CUSTOMER_LOOKUP_TIMEOUT_MS,
  DEFAULT_CUSTOMER_SUBGRAPH_URL,
  DEFAULT_IDEMPOTENCY_KEY_TTL_HOURS,
  type BookingConfig,
  type ReservationConfig,
} from './config';
import { createReservationContext, type ReservationContext } from './context';
import { createReservationPrisma, migrationsDir, type ReservationPrisma } from './database';
import { reservationSchema } from './schema';
import { RESERVATION_CLIENT_ERROR_CODES } from './errors';
import { seedDemoReservations } from './seed';
import { DEFAULT_BOOKING_HORIZON_DAYS } from './rules';

/**
 * The reservation subgraph, reaching the customer subgraph and keeping idempotency keys as
 * `booking` says, and reading the current instant from `clock` (tests pass their own).
 */
export function createReservationSubgraph(
  booking: BookingConfig,
  clock: Clock = systemClock,
): SubgraphDefinition<ReservationPrisma, ReservationContext> {
  return {
    name: 'reservation',
    migrationsDir,
    schema: reservationSchema,
    connect: (database) => createReservationPrisma(database),
    disconnect: (prisma) => prisma.$disconnect(),
    seedDemoTenant: seedDemoReservations,
    clientErrorCodes: RESERVATION_CLIENT_ERROR_CODES,
    context: ({ tenantId, client, logger, headers }) => createReservationContext(tenantId, client, logger, booking, clock, headers),
  };
}

/** With the defaults: what the db:* commands need (migrations, seeding). */
export const reservationSubgraph = createReservationSubgraph({
  customerSubgraphUrl: DEFAULT_CUSTOMER_SUBGRAPH_URL,
  customerLookupTimeoutMs: DEFAULT_CUSTOMER_LOOKUP_TIMEOUT_MS,
  gatewaySigningSecret: null,
  idempotencyKeyTtlHours: DEFAULT_IDEMPOTENCY_KEY_TTL_HOURS,
  requireIdempotencyKey: false,
  bookingHorizonDays: DEFAULT_BOOKING_HORIZON_DAYS,
});

export function startReservationSubgraph(
  config: ReservationConfig,
  logger: Logger,
  clock: Clock = systemClock,
): Promise<StartedSubgraph<ReservationPrisma>> {
  return startSubgraph(createReservationSubgraph(config, clock), config, logger);
}
