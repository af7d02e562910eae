import path from 'node:path';
import { loadConfigOrExit, loadEnvFileIfPresent } from '@reservations/platform/config';
import { runService } from '@reservations/platform/http/run-service';
import { createServiceLogger } from '@reservations/platform/logger';
import { readCustomerConfig } from './config';
import { startCustomerSubgraph } from './server';

loadEnvFileIfPresent(path.join(__dirname, '..', '.env'));
const config = loadConfigOrExit(readCustomerConfig);
const logger = createServiceLogger('customer', config);
void runService('customer subgraph', logger, () => startCustomerSubgraph(config, logger), { drainMs: config.shutdownDrainMs });
