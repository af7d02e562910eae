import { EnvReader } from '@reservations/platform/config';
import { readSubgraphConfig, type SubgraphConfig } from '@reservations/platform/subgraph/config';

export type CustomerConfig = SubgraphConfig;

/** Reads CUSTOMER_PORT (4004), CUSTOMER_DATABASE_URL and the shared subgraph settings. */
export function readCustomerConfig(env: Record<string, string | undefined> = process.env): CustomerConfig {
  const reader = new EnvReader(env);
  const config = readSubgraphConfig(reader, { name: 'customer', prefix: 'CUSTOMER', defaultPort: 4004 });
  reader.done();
  return config;
}
