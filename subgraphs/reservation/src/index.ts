import path from 'node:path';
import { loadConfigOrExit, loadEnvFileIfPresent } from '@reservations/platform/config';
import { runService } from '@reservations/platform/http/run-service';
import { createServiceLogger } from '@reservations/platform/logger';
import { readReservationConfig } from './config';
import { startReservationSubgraph } from './server';

loadEnvFileIfPresent(path.join(__dirname, '..', '.env'));
const config = loadConfigOrExit(readReservationConfig);
const logger = createServiceLogger('reservation', config);
void runService('reservation subgraph', logger, () => startReservationSubgraph(config, logger), { drainMs: config.shutdownDrainMs });
