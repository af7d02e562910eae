import { EnvReader } from '@reservations/platform/config';
import { readSubgraphConfig, type SubgraphConfig } from '@reservations/platform/subgraph/config';

export type ReservationConfig = SubgraphConfig;

/** Reads RESERVATION_PORT (4003), RESERVATION_DATABASE_URL and the shared subgraph settings. */
export function readReservationConfig(env: Record<string, string | undefined> = process.env): ReservationConfig {
  const reader = new EnvReader(env);
  const config = readSubgraphConfig(reader, { name: 'reservation', prefix: 'RESERVATION', defaultPort: 4003 });
  reader.done();
  return config;
}
