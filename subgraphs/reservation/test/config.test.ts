import { ConfigError } from '@reservations/platform/config';
import { readReservationConfig } from '../src/config';

test('the customer subgraph is found where the gateway finds it by default, with a 2 s lookup timeout', () => {
  expect(readReservationConfig({})).toMatchObject({
    port: 4003,
    customerSubgraphUrl: 'http://localhost:4004/graphql',
    customerLookupTimeoutMs: 2_000,
  });
  expect(readReservationConfig({ CUSTOMER_SUBGRAPH_URL: 'http://customer:4004/graphql', CUSTOMER_LOOKUP_TIMEOUT_MS: '750' })).toMatchObject({
    customerSubgraphUrl: 'http://customer:4004/graphql',
    customerLookupTimeoutMs: 750,
  });
});

test('an invalid customer subgraph URL or timeout is reported with the other problems', () => {
  let error: unknown;
  try {
    readReservationConfig({ CUSTOMER_SUBGRAPH_URL: 'ftp://customer', CUSTOMER_LOOKUP_TIMEOUT_MS: '0', RESERVATION_PORT: 'x' });
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(ConfigError);
  const problems = (error as ConfigError).problems.join('\n');
  expect(problems).toMatch(/CUSTOMER_SUBGRAPH_URL/);
  expect(problems).toMatch(/CUSTOMER_LOOKUP_TIMEOUT_MS/);
  expect(problems).toMatch(/RESERVATION_PORT/);
});

test('idempotency keys are kept 24 hours unless IDEMPOTENCY_KEY_TTL_HOURS says otherwise, from an hour to a year', () => {
  expect(readReservationConfig({}).idempotencyKeyTtlHours).toBe(24);
  expect(readReservationConfig({ IDEMPOTENCY_KEY_TTL_HOURS: '72' }).idempotencyKeyTtlHours).toBe(72);
  for (const invalid of ['0', '8761', '1.5', 'a day']) {
    expect(() => readReservationConfig({ IDEMPOTENCY_KEY_TTL_HOURS: invalid })).toThrow(/IDEMPOTENCY_KEY_TTL_HOURS/);
  }
});

test('idempotency keys are required in production unless REQUIRE_IDEMPOTENCY_KEY says otherwise, optional elsewhere', () => {
  const production = { NODE_ENV: 'production', GATEWAY_SIGNING_SECRET: 'a-production-signing-secret-of-32-chars' };
  expect(readReservationConfig(production).requireIdempotencyKey).toBe(true);
  expect(readReservationConfig({ ...production, REQUIRE_IDEMPOTENCY_KEY: 'false' }).requireIdempotencyKey).toBe(false);
  expect(readReservationConfig({}).requireIdempotencyKey).toBe(false);
  expect(readReservationConfig({ REQUIRE_IDEMPOTENCY_KEY: 'true' }).requireIdempotencyKey).toBe(true);
});

test('database timeouts default to bounds inside the gateway attempt (2 s connect, 3 s statement, 5 s idle transaction)', () => {
  expect(readReservationConfig({}).databaseTimeouts).toEqual({ connectMs: 2_000, statementMs: 3_000, idleInTransactionMs: 5_000 });
  expect(
    readReservationConfig({
      DATABASE_CONNECT_TIMEOUT_MS: '500',
      DATABASE_STATEMENT_TIMEOUT_MS: '1500',
      DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: '4000',
    }).databaseTimeouts,
  ).toEqual({ connectMs: 500, statementMs: 1_500, idleInTransactionMs: 4_000 });
  expect(() => readReservationConfig({ DATABASE_STATEMENT_TIMEOUT_MS: '0' })).toThrow(/DATABASE_STATEMENT_TIMEOUT_MS/);
});
