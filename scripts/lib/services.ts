import path from 'node:path';
import { REPO_ROOT } from '@reservations/platform/config';

export type ServiceName = 'customer' | 'reservation' | 'gateway';

export interface ServiceSpec {
  name: ServiceName;
  /** Workspace folder, relative to the repository root. */
  dir: string;
  /** The variable that sets its port, and the port it listens on without it. */
  portVariable: string;
  defaultPort: number;
}

/** The three services in start order: the gateway last, once its subgraphs can answer. */
export const SERVICES: readonly ServiceSpec[] = [
  { name: 'customer', dir: 'subgraphs/customer', portVariable: 'CUSTOMER_PORT', defaultPort: 4004 },
  { name: 'reservation', dir: 'subgraphs/reservation', portVariable: 'RESERVATION_PORT', defaultPort: 4003 },
  { name: 'gateway', dir: 'gateway', portVariable: 'GATEWAY_PORT', defaultPort: 4000 },
];

/**
 * How a service is run: from its TypeScript sources through tsx (development), or as the
 * JavaScript `npm run build` wrote to its dist/ with plain node (production).
 */
export type Build = 'source' | 'compiled';

/** Absolute path of a service's entry module for a build. */
export function serviceEntry(service: ServiceSpec, build: Build): string {
  return path.join(REPO_ROOT, service.dir, build === 'source' ? 'src/index.ts' : 'dist/index.js');
}

/** node's arguments that start a service for a build: tsx only for sources. */
export function serviceNodeArgs(service: ServiceSpec, build: Build): string[] {
  return build === 'source' ? ['--import', 'tsx', serviceEntry(service, build)] : [serviceEntry(service, build)];
}

export function findService(name: string | undefined): ServiceSpec | undefined {
  return SERVICES.find((service) => service.name === name);
}
