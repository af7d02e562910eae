/**
 * Per-tenant cost budgets: counted in Redis so that every gateway replica draws on one
 * budget, refused with 429 RATE_LIMITED and the IETF RateLimit fields, one tenant's spending
 * never touching another's; per process, with a warning, while Redis is unreachable.
 */
import { randomUUID } from 'node:crypto';
import { connectRedis } from '@reservations/platform/cache/redis-connection';
import { capturingLogger } from '@reservations/test-support/logs';
import { freePort } from '@reservations/test-support/net';
import { deleteKeysWithPrefix, TEST_REDIS_URL } from '@reservations/test-support/redis';
import { startTestGateway, startTestSupergraph, type TestSupergraph } from '@reservations/test-support/supergraph';
import { redisConnected, waitFor } from '@reservations/test-support/wait';
import { ConfigError } from '@reservations/platform/config';
import { readGatewayConfig } from '../src/config';
import type { StartedGateway } from '../src/server';
import { TenantBudgets } from '../src/security/tenant-budget';

// Each request below costs 10 (a connection and 9 customers); a tenant may spend 60 a minute.
const QUERY = '{ customers(first: 9) { nodes { id } } }';
const BUDGET = 60;
const prefix = `test:budget:${randomUUID()}:`;
const env = {
  REDIS_URL: TEST_REDIS_URL,
  REDIS_KEY_PREFIX: prefix,
  TENANT_COST_BUDGET: String(BUDGET),
  TENANT_COST_WINDOW_SECONDS: '60',
  MAX_QUERY_COST: '50',
};

let supergraph: TestSupergraph;
let second: StartedGateway;

beforeAll(async () => {
  supergraph = await startTestSupergraph('budget', { env });
  second = await startTestGateway({ customer: supergraph.customer.url, reservation: supergraph.reservation.url }, env);
  await Promise.all([redisConnected(supergraph.gatewayUrl), redisConnected(second.url)]);
});

afterAll(async () => {
  await second?.stop();
  await supergraph?.stop();
  await deleteKeysWithPrefix(prefix);
});

async function ask(url: string, tenant: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tenant-id': tenant },
    body: JSON.stringify({ query: QUERY }),
  });
  const body = (await response.json()) as { errors?: { extensions?: Record<string, unknown> }[] };
  return { status: response.status, headers: response.headers, code: body.errors?.[0]?.extensions?.code };
}

it('two gateways sharing one Redis enforce one budget per tenant, and leave other tenants alone', async () => {
  const gateways = [supergraph.gatewayUrl, second.url];
  const answers = [];
  for (let i = 0; i < 8; i++) answers.push(await ask(gateways[i % 2]!, 'flooding'));
  expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);

  const first = answers[0]!.headers;
  expect(first.get('ratelimit-policy')).toBe(`"cost";q=${BUDGET};w=60`);
  expect(first.get('ratelimit')).toMatch(new RegExp(`^"cost";r=${BUDGET - 10};t=\\d+$`));
  expect(answers[5]!.headers.get('ratelimit')).toMatch(/^"cost";r=0;t=\d+$/);

  const refused = answers[6]!;
  expect(refused.code).toBe('RATE_LIMITED');
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
  expect(refused.headers.get('ratelimit')).toMatch(/^"cost";r=0;t=\d+$/);
  // The next one is refused before its operation is even parsed, with the same answer.
  const again = answers[7]!;
  expect([again.code, again.headers.get('ratelimit-policy')]).toEqual(['RATE_LIMITED', `"cost";q=${BUDGET};w=60`]);
  expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);

  const other = await ask(second.url, 'quiet');
  expect(other.status).toBe(200);
  expect(other.headers.get('ratelimit')).toMatch(new RegExp(`^"cost";r=${BUDGET - 10};t=`));
});

it('answers that charge nothing (an invalid document) still carry the RateLimit fields', async () => {
  const response = await fetch(second.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tenant-id': 'invalid-documents' },
    body: JSON.stringify({ query: '{ noSuchField }' }),
  });
  expect(response.status).toBe(400);
  expect(response.headers.get('ratelimit-policy')).toBe(`"cost";q=${BUDGET};w=60`);
  expect(response.headers.get('ratelimit')).toMatch(new RegExp(`^"cost";r=${BUDGET};t=\\d+$`));
});

it('charges arriving together are counted together, and exactly those that fit are admitted', async () => {
  const { logger } = capturingLogger('gateway');
  const redis = connectRedis(TEST_REDIS_URL, prefix, logger);
  const budgets = new TenantBudgets({ defaultBudget: 100, windowSeconds: 60, overrides: {} }, redis, logger);
  try {
    await waitFor(async () => redis.isReady());
    // One burst that fits: every charge admitted, all told what is left after the burst.
    const fitting = await Promise.all([10, 20, 30].map((cost) => budgets.charge('burst-fits', cost)));
    expect(fitting.map((state) => [state!.admitted, state!.remaining])).toEqual([
      [true, 40],
      [true, 40],
      [true, 40],
    ]);
    // A burst past the budget: its total does not fit, so each is counted alone, in order.
    const past = await Promise.all([40, 40, 40].map((cost) => budgets.charge('burst-past', cost)));
    expect(past.map((state) => state!.admitted)).toEqual([true, true, false]);
    expect((await budgets.charge('burst-past', 20))!).toMatchObject({ admitted: true, remaining: 0 });
    expect((await budgets.charge('burst-past', 1))!.admitted).toBe(false);
  } finally {
    await redis.close();
  }
});

describe('without Redis', () => {
  it('counts per process, warns once, and starts a new window when the old one ends', async () => {
    const { logger, lines } = capturingLogger('gateway');
    const redis = connectRedis(`redis://127.0.0.1:${await freePort()}`, 'unused:', logger);
    let now = 1_000_000;
    const budgets = new TenantBudgets({ defaultBudget: 25, windowSeconds: 10, overrides: { unlimited: 0, small: 5 } }, redis, logger, () => now);
    try {
      const admitted = [];
      for (let i = 0; i < 3; i++) admitted.push((await budgets.charge('a', 10))!.admitted);
      expect(admitted).toEqual([true, true, false]);
      expect(() => budgets.refuseIfSpent('a')).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'RATE_LIMITED' }) }));
      expect(() => budgets.refuseIfSpent('unlimited')).not.toThrow();
      expect(await budgets.charge('unlimited', 1_000)).toBeNull();
      expect((await budgets.charge('small', 10))!.admitted).toBe(false);
      now += 10_000;
      expect(() => budgets.refuseIfSpent('a')).not.toThrow();
      expect(await budgets.charge('a', 10)).toMatchObject({ admitted: true, remaining: 15, resetSeconds: 10 });
      expect(lines.filter((line) => String(line.msg).startsWith('tenant cost budgets counted per gateway process'))).toHaveLength(1);
    } finally {
      await redis.close();
    }
  });
});

describe('configuration', () => {
  it('reads per-tenant budgets and refuses a budget no costly operation could fit', () => {
    expect(readGatewayConfig({ TENANT_COST_BUDGETS: '{"big-venue": 5000000, "internal": 0}' }).tenantBudgets).toEqual({
      defaultBudget: 1_000_000,
      windowSeconds: 60,
      overrides: { 'big-venue': 5_000_000, internal: 0 },
    });
    let error: unknown;
    try {
      readGatewayConfig({ TENANT_COST_BUDGETS: '{"Not A Slug": 5}', TENANT_COST_BUDGET: '100', MAX_QUERY_COST: '1000' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/TENANT_COST_BUDGETS/);
    expect(problems).toMatch(/TENANT_COST_BUDGET \(100\) must be 0 \(off\) or at least MAX_QUERY_COST/);
  });
});
