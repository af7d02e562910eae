import pino, { type Logger } from 'pino';
import type { LogFormat } from './config';
import { addBreadcrumb, isSentryActive } from './observability/sentry';
import { SENSITIVE_HEADERS, scrubText, scrubValue } from './observability/scrub';

export type { Logger };

/**
 * Never written to a log line: credentials and session headers wherever a headers object is
 * logged, and personal data under its usual keys (top level or one level down, e.g. `input.email`).
 */
const REDACTED_PATHS = [
  ...SENSITIVE_HEADERS.flatMap((header) => [`headers["${header}"]`, `*.headers["${header}"]`]),
  ...['authorization', 'cookie', 'email', 'phone', 'password', 'secret', 'token'].flatMap((key) => [key, `*.${key}`]),
];

/** Error details (driver messages, constraint details) can quote personal data: masked. */
function errorSerializer(error: unknown): unknown {
  return scrubValue(pino.stdSerializers.err(error as Error));
}

/** With Sentry on, warnings and errors logged during a request become its breadcrumbs. */
function breadcrumbFromLog(args: unknown[], level: number): void {
  const message = args.find((arg): arg is string => typeof arg === 'string');
  if (message === undefined) return;
  addBreadcrumb({ category: 'log', level: level >= 50 ? 'error' : 'warning', message: scrubText(message) });
}

/**
 * Structured JSON logs on stdout (or `destination`, e.g. in tests); one root logger per
 * service, children per request (they carry requestId, traceId and tenant). Level from LOG_LEVEL.
 */
export function createLogger(service: string, level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[Redacted]' },
    serializers: { err: errorSerializer },
    hooks: {
      logMethod(args, method, methodLevel) {
        if (methodLevel >= 40 && isSentryActive()) breadcrumbFromLog(args, methodLevel);
        method.apply(this, args);
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/**
 * Human-readable lines for a person at a terminal (LOG_FORMAT=pretty): each JSON line pino
 * writes is formatted synchronously, so nothing is lost when the process exits.
 */
export function prettyLogStream(output: { write(text: string): unknown; isTTY?: boolean } = process.stdout): pino.DestinationStream {
  // Loaded only when asked for: JSON-logging services (production, CI) never pay for it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { prettyFactory } = require('pino-pretty') as typeof import('pino-pretty');
  const prettify = prettyFactory({
    colorize: output.isTTY === true,
    ignore: 'pid,hostname,service',
    messageFormat: '{service}: {msg}',
    translateTime: 'SYS:HH:MM:ss.l',
  });
  return { write: (line: string) => void output.write(prettify(line)) };
}

/** A service's root logger as configured: JSON lines on stdout, or pretty ones (LOG_FORMAT). */
export function createServiceLogger(service: string, { logLevel, logFormat }: { logLevel: string; logFormat: LogFormat }): Logger {
  return createLogger(service, logLevel, logFormat === 'pretty' ? prettyLogStream() : undefined);
}
