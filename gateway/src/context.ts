import type { Logger } from '@reservations/platform/logger';
import type { TenantContext } from '@reservations/platform/tenancy';

export interface GatewayContext extends TenantContext {
  logger: Logger;
}
