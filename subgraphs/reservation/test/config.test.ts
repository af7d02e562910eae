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
