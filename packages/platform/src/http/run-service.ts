import type { Logger } from '../logger';

export interface RunningService {
  url: string;
  stop(): Promise<void>;
}

/** What a service sends its parent over IPC once it listens (see scripts/start.ts). */
export interface ReadyMessage {
  type: 'ready';
  service: string;
  url: string;
}

export function isReadyMessage(message: unknown): message is ReadyMessage {
  const ready = message as Partial<ReadyMessage> | null;
  return typeof ready === 'object' && ready !== null && ready.type === 'ready' && typeof ready.url === 'string';
}

/**
 * The process shell every service's index.ts uses: start, report the URL, and on SIGINT,
 * SIGTERM or loss of the parent runner stop gracefully and exit 0 (1 if stopping fails).
 */
export async function runService(name: string, logger: Logger, start: () => Promise<RunningService>): Promise<void> {
  let service: RunningService;
  try {
    service = await start();
  } catch (error) {
    logger.fatal({ err: error }, `${name} failed to start`);
    process.exit(1);
  }
  logger.info({ url: service.url }, `${name} ready at ${service.url}`);
  const ready: ReadyMessage = { type: 'ready', service: name, url: service.url };
  process.send?.(ready);

  let stopping = false;
  const shutdown = (reason: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, `${name} stopping`);
    const timer = setTimeout(() => {
      logger.error(`${name} did not stop within 10 s; exiting`);
      process.exit(1);
    }, 10_000);
    timer.unref();
    service.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, `${name} failed to stop cleanly`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  // Started by the dev runner with an IPC channel: if the runner dies, do not linger.
  process.on('disconnect', () => shutdown('parent runner exited'));
}
