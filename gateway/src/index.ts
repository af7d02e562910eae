import path from 'node:path';
import { loadConfigOrExit, loadEnvFileIfPresent } from '@reservations/platform/config';
import { runService } from '@reservations/platform/http/run-service';
import { createServiceLogger } from '@reservations/platform/logger';
import { readGatewayConfig } from './config';
import { startGateway } from './server';

loadEnvFileIfPresent(path.join(__dirname, '..', '.env'));
const config = loadConfigOrExit(readGatewayConfig);
const logger = createServiceLogger('gateway', config);
void runService('gateway', logger, () => startGateway(config, logger), { drainMs: config.shutdownDrainMs });
