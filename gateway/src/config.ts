import path from 'node:path';
import { EnvReader, REPO_ROOT, type RuntimeMode } from '@reservations/platform/config';

export interface GatewayConfig {
  mode: RuntimeMode;
  logLevel: string;
  host: string;
  port: number;
  /** The composed supergraph SDL the gateway serves (static composition). */
  supergraphPath: string;
  /** Per-subgraph URL overrides of the supergraph's routing URLs, by subgraph name. */
  subgraphUrls: Record<string, string>;
}

/** Subgraph name in supergraph.yaml -> the variable that overrides its routing URL. */
export const SUBGRAPH_URL_VARIABLES = {
  customer: 'CUSTOMER_SUBGRAPH_URL',
  reservation: 'RESERVATION_SUBGRAPH_URL',
} as const;

export function readGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  const reader = new EnvReader(env);
  const subgraphUrls: Record<string, string> = {};
  for (const [name, variable] of Object.entries(SUBGRAPH_URL_VARIABLES)) {
    const url = reader.optionalUrl(variable, ['http', 'https']);
    if (url !== null) subgraphUrls[name] = url;
  }
  const supergraphPath = reader.optionalString('SUPERGRAPH_PATH');
  const config: GatewayConfig = {
    mode: reader.mode(),
    logLevel: reader.logLevel(),
    host: reader.string('HOST', '0.0.0.0'),
    port: reader.port('GATEWAY_PORT', 4000),
    supergraphPath: supergraphPath ? path.resolve(supergraphPath) : path.join(REPO_ROOT, 'supergraph.graphql'),
    subgraphUrls,
  };
  reader.done();
  return config;
}
