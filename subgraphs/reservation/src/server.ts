import type { Logger } from '@reservations/platform/logger';
import { startSubgraph, type StartedSubgraph, type SubgraphDefinition } from '@reservations/platform/subgraph/start-subgraph';
import type { ReservationConfig } from './config';
import { createReservationContext, type ReservationContext } from './context';
import { createReservationPrisma, migrationsDir, type ReservationPrisma } from './database';
import { reservationSchema } from './schema';
import { seedDemoReservations } from './seed';

export const reservationSubgraph: SubgraphDefinition<ReservationPrisma, ReservationContext> = {
  name: 'reservation',
  migrationsDir,
  schema: reservationSchema,
  connect: (database) => createReservationPrisma(database),
  disconnect: (prisma) => prisma.$disconnect(),
  seedDemoTenant: seedDemoReservations,
  context: ({ tenantId, client, logger }) => createReservationContext(tenantId, client, logger),
};

export function startReservationSubgraph(
  config: ReservationConfig,
  logger: Logger,
): Promise<StartedSubgraph<ReservationPrisma>> {
  return startSubgraph(reservationSubgraph, config, logger);
}
