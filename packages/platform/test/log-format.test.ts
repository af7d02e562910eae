import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ConfigError, EnvReader } from '../src/config';
import { createLogger, prettyLogStream } from '../src/logger';

const ROOT = path.resolve(__dirname, '../../..');

/** Logs one line through a service's configured logger in a child whose stdout is a pipe. */
function logFromService(env: Record<string, string>): string {
  const script = [
    "const { readCustomerConfig } = require('@reservations/customer-subgraph/config');",
    "const { createServiceLogger } = require('@reservations/platform/logger');",
    "createServiceLogger('customer', readCustomerConfig(process.env)).info({ tenant: 'demo' }, 'hello from the customer subgraph');",
  ].join('\n');
  const { CI: _ci, LOG_FORMAT: _format, NODE_ENV: _mode, ...inherited } = process.env;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
    cwd: ROOT,
    env: { ...inherited, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(result.stderr).toBe('');
  return result.stdout.trim();
}

test('a service logs JSON lines by default when its output is not a terminal', () => {
  const line = logFromService({});
  expect(JSON.parse(line)).toMatchObject({ level: 30, service: 'customer', tenant: 'demo', msg: 'hello from the customer subgraph' });
});

test('LOG_FORMAT=pretty writes human-readable lines instead', () => {
  const line = logFromService({ LOG_FORMAT: 'pretty' });
  expect(() => JSON.parse(line)).toThrow();
  expect(line).toMatch(/INFO: customer: hello from the customer subgraph/);
  expect(line).toContain('tenant: "demo"');
});

test('pretty is the default only for a person at a development terminal', () => {
  const format = (env: Record<string, string>, stdoutIsTTY: boolean) => new EnvReader(env, { stdoutIsTTY }).logFormat();
  expect(format({}, true)).toBe('pretty');
  expect(format({}, false)).toBe('json');
  expect(format({ CI: 'true' }, true)).toBe('json');
  expect(format({ CI: 'false' }, true)).toBe('pretty');
  expect(format({ NODE_ENV: 'production' }, true)).toBe('json');
  expect(format({ NODE_ENV: 'test' }, true)).toBe('json');
  expect(format({ LOG_FORMAT: 'json' }, true)).toBe('json');
  expect(format({ LOG_FORMAT: 'pretty', NODE_ENV: 'production' }, false)).toBe('pretty');
});

test('an unknown LOG_FORMAT is reported with the other invalid variables', () => {
  const reader = new EnvReader({ LOG_FORMAT: 'xml', LOG_LEVEL: 'loud' });
  reader.logFormat();
  reader.logLevel();
  expect(() => reader.done()).toThrow(ConfigError);
  try {
    reader.done();
  } catch (error) {
    expect((error as ConfigError).problems).toEqual([
      expect.stringMatching(/^LOG_FORMAT: expected one of json, pretty/),
      expect.stringMatching(/^LOG_LEVEL/),
    ]);
  }
});

test('the pretty stream keeps redaction: credentials never reach the terminal either', () => {
  const written: string[] = [];
  const logger = createLogger('gateway', 'info', prettyLogStream({ write: (text: string) => written.push(text) }));
  logger.info({ headers: { authorization: 'Bearer secret-token' } }, 'request');
  expect(written.join('')).toContain('[Redacted]');
  expect(written.join('')).not.toContain('secret-token');
});
