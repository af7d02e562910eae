import { isRetrySafe, isRetrySafeBody } from '../src/resilience/retry-safety';
import { backoffMs, retryAfterMs } from '../src/resilience/resilient-fetcher';
import { CircuitBreaker } from '../src/resilience/circuit-breaker';

describe('which subgraph requests may be sent again', () => {
  test.each([
    ['query { customers { totalCount } }', {}, true],
    ['query ($representations: [_Any!]!) { _entities(representations: $representations) { __typename } }', {}, true],
    ['mutation { createCustomer(input: { name: "a", email: "b@c.de" }) { customer { id } } }', {}, false],
    ['mutation ($input: CreateReservationInput!) { createReservation(input: $input) { reservation { id } } }', { input: { partySize: 2 } }, false],
    [
      'mutation ($input: CreateReservationInput!) { createReservation(input: $input) { reservation { id } } }',
      { input: { idempotencyKey: 'k-1' } },
      true,
    ],
    [
      'mutation ($input: CreateReservationInput!) { createReservation(input: $input) { reservation { id } } }',
      { input: { idempotencyKey: '' } },
      false,
    ],
    ['mutation { createReservation(input: { idempotencyKey: "k-2", partySize: 2 }) { reservation { id } } }', {}, true],
    ['mutation ($key: String) { createReservation(input: { idempotencyKey: $key }) { reservation { id } } }', { key: 'k-3' }, true],
    ['mutation ($key: String) { createReservation(input: { idempotencyKey: $key }) { reservation { id } } }', { key: null }, false],
    ['mutation ($key: String!) { pay(idempotencyKey: $key) { id } }', { key: 'k-4' }, true],
    [
      'mutation ($a: CreateReservationInput!) { first: createReservation(input: $a) { reservation { id } } second: createCustomer(input: { name: "x", email: "y@z.de" }) { customer { id } } }',
      { a: { idempotencyKey: 'k-5' } },
      false,
    ],
    ['mutation {', {}, false],
  ])('%s with %j -> %s', (query, variables, expected) => {
    expect(isRetrySafe(query, variables)).toBe(expected);
    expect(isRetrySafeBody(JSON.stringify({ query, variables }))).toBe(expected);
  });
});

describe('backoff', () => {
  test('grows exponentially around the base delay: about 1 s, 2 s, 4 s', () => {
    for (const [attempt, expected] of [
      [0, 1000],
      [1, 2000],
      [2, 4000],
    ] as const) {
      expect(backoffMs(attempt, 1000, () => 0)).toBe(expected * 0.8);
      expect(backoffMs(attempt, 1000, () => 1)).toBe(expected * 1.2);
    }
  });

  test('Retry-After is read as seconds or as an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(retryAfterMs('soon')).toBeNull();
    expect(retryAfterMs(null)).toBeNull();
  });
});

describe('circuit breaker', () => {
  test('opens at the threshold, lets one probe through after the reset time, and closes on success', () => {
    let now = 0;
    const transitions: string[] = [];
    const breaker = new CircuitBreaker({
      threshold: 2,
      resetMs: 100,
      now: () => now,
      onTransition: (from, to) => transitions.push(`${from}->${to}`),
    });
    breaker.recordFailure();
    expect(breaker.tryAcquire()).toBe(true);
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toBe(false);
    now = 100;
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toBe(false);
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    now = 200;
    expect(breaker.tryAcquire()).toBe(true);
    breaker.recordSuccess();
    expect(breaker.state).toBe('closed');
    expect(transitions).toEqual(['closed->open', 'open->half-open', 'half-open->open', 'open->half-open', 'half-open->closed']);
  });
});
