import type { EnvReader } from '../config';
import type { Logger } from '../logger';

export interface RunningService {
  url: string;
  /**
   * Resolves once the service can do its work (the gateway: once it has reached each
   * subgraph); it listens, and answers /health, before that. Absent: ready once started.
   */
  ready?: Promise<void>;
  /** Fails /ready from now on and asks clients to close their connections; keeps serving. */
  drain?(): void;
  /** Stops listening, lets in-flight requests finish, and releases everything. */
  stop(): Promise<void>;
}

/**
 * What a service sends its parent over IPC (see scripts/start.ts): `listening` once it
 * answers /health, `ready` once it can do its work.
 */
export interface ReadyMessage {
  type: 'ready' | 'listening';
  service: string;
  url: string;
}

function isServiceMessage(message: unknown, type: ReadyMessage['type']): message is ReadyMessage {
  const ready = message as Partial<ReadyMessage> | null;
  return typeof ready === 'object' && ready !== null && ready.type === type && typeof ready.url === 'string';
}

export function isReadyMessage(message: unknown): message is ReadyMessage {
  return isServiceMessage(message, 'ready');
}

export function isListeningMessage(message: unknown): message is ReadyMessage {
  return isServiceMessage(message, 'listening');
}

/** SHUTDOWN_DRAIN_MS: 10 s in production (load balancers take seconds to notice), else 0. */
export function readShutdownDrainMs(reader: EnvReader): number {
  return reader.int('SHUTDOWN_DRAIN_MS', reader.mode() === 'production' ? 10_000 : 0, { min: 0, max: 600_000 });
}

/** How long stopping may take after the drain before the process gives up and exits 1. */
export const STOP_TIMEOUT_MS = 10_000;

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A rolling deploy's stop, in the order a load balancer needs: fail /ready at once, keep
 * serving everything that arrives for `drainMs` (the balancer notices and stops sending),
 * then stop listening and finish what is in flight. `wait` is the timer (tests pass their own).
 */
export async function drainThenStop(service: RunningService, drainMs: number, wait: (ms: number) => Promise<void> = delay): Promise<void> {
  service.drain?.();
  if (drainMs > 0) await wait(drainMs);
  await service.stop();
}

/**
 * The process shell every service's index.ts uses: start, report ready, and on SIGINT,
 * SIGTERM or loss of the parent runner drain, stop gracefully and exit 0 (1 if stopping fails).
 */
export async function runService(
  name: string,
  logger: Logger,
  start: () => Promise<RunningService>,
  { drainMs }: { drainMs: number } = { drainMs: 0 },
): Promise<void> {
  let service: RunningService;
  try {
    service = await start();
  } catch (error) {
    logger.fatal({ err: error }, `${name} failed to start`);
    process.exit(1);
  }

  let stopping = false;
  const shutdown = (reason: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason, drainMs }, drainMs > 0 ? `${name} draining for ${drainMs} ms, then stopping` : `${name} stopping`);
    const timer = setTimeout(() => {
      logger.error(`${name} did not stop within ${STOP_TIMEOUT_MS / 1000} s of its drain; exiting`);
      process.exit(1);
    }, drainMs + STOP_TIMEOUT_MS);
    timer.unref();
    drainThenStop(service, drainMs).then(
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

  logger.info({ url: service.url }, `${name} listening at ${service.url}`);
  const listening: ReadyMessage = { type: 'listening', service: name, url: service.url };
  process.send?.(listening);
  await service.ready;
  if (stopping) return;
  logger.info({ url: service.url }, `${name} ready at ${service.url}`);
  const ready: ReadyMessage = { type: 'ready', service: name, url: service.url };
  process.send?.(ready);
}
