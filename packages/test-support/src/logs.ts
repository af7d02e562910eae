import { createLogger, type Logger } from '@reservations/platform/logger';

export type LogLine = Record<string, unknown> & { msg?: string; level?: number; requestId?: string; traceId?: string };

/** A service's logger at `info` whose lines a test reads back, parsed, from `lines`. */
export function capturingLogger(service: string): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = createLogger(service, 'info', { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  return { logger, lines };
}
