import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ConfigError } from '@reservations/platform/config';
import { readCustomerConfig } from '@reservations/customer-subgraph/config';
import { readGatewayConfig } from '@reservations/gateway/config';

const ROOT = path.resolve(__dirname, '..');

test('every invalid variable is reported together, by name', () => {
  let error: unknown;
  try {
    readCustomerConfig({ CUSTOMER_PORT: 'forty', CUSTOMER_DATABASE_URL: 'mysql://db/customer', SEED_DEMO_DATA: 'maybe' });
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(ConfigError);
  const problems = (error as ConfigError).problems.join('\n');
  expect(problems).toMatch(/CUSTOMER_PORT/);
  expect(problems).toMatch(/CUSTOMER_DATABASE_URL/);
  expect(problems).toMatch(/SEED_DEMO_DATA/);
});

test('defaults: fixed ports, embedded databases with migrations and demo data', () => {
  const config = readCustomerConfig({});
  expect(config).toMatchObject({ port: 4004, databaseUrl: null, migrateOnStart: true, seedDemoData: true });
  expect(readGatewayConfig({}).port).toBe(4000);
});

test('HTTP timeouts: explicit defaults on every service, and a request timeout shorter than the headers one is refused', () => {
  const defaults = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000 };
  expect(readCustomerConfig({}).httpTimeouts).toEqual(defaults);
  expect(readGatewayConfig({}).httpTimeouts).toEqual(defaults);
  expect(() => readGatewayConfig({ HTTP_HEADERS_TIMEOUT_MS: '20000', HTTP_REQUEST_TIMEOUT_MS: '10000' })).toThrow(/HTTP_REQUEST_TIMEOUT_MS/);
});

test('a PostgreSQL URL switches off start-up migration and seeding unless asked for', () => {
  const config = readCustomerConfig({ CUSTOMER_DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/customer' });
  expect(config).toMatchObject({ migrateOnStart: false, seedDemoData: false });
});

test('migrating at start-up with a PostgreSQL URL needs the owner URL, which the embedded database has no use for', () => {
  const runtime = 'postgresql://customer_app@127.0.0.1:5432/customer';
  const owner = 'postgresql://customer_owner@127.0.0.1:5432/customer';
  expect(() => readCustomerConfig({ CUSTOMER_DATABASE_URL: runtime, MIGRATE_ON_START: 'true' })).toThrow(/CUSTOMER_MIGRATION_DATABASE_URL/);
  expect(readCustomerConfig({ CUSTOMER_DATABASE_URL: runtime, CUSTOMER_MIGRATION_DATABASE_URL: owner, MIGRATE_ON_START: 'true' })).toMatchObject({
    databaseUrl: runtime,
    migrationDatabaseUrl: owner,
    migrateOnStart: true,
  });
  expect(() => readCustomerConfig({ CUSTOMER_MIGRATION_DATABASE_URL: owner })).toThrow(
    /CUSTOMER_MIGRATION_DATABASE_URL: set CUSTOMER_DATABASE_URL too/,
  );
});

test.each([
  ['gateway/src/index.ts', { GATEWAY_PORT: '99999' }, 'GATEWAY_PORT'],
  ['subgraphs/reservation/src/index.ts', { RESERVATION_DATABASE_URL: 'not a url' }, 'RESERVATION_DATABASE_URL'],
])('%s exits non-zero naming the invalid variable', (entry, env, variable) => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, entry)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(result.status).toBe(1);
  expect(result.stderr).toContain(variable);
});
