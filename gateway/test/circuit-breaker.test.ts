import { CircuitBreaker } from '../src/resilience/circuit-breaker';
import { SubgraphHealth } from '../src/resilience/subgraph-health';
import type { SubgraphProbe } from '../src/resilience/subgraph-probe';

/** A breaker on a clock the test moves: opens after 3 failures, resets after 10 s. */
function breakerAt(clock: { now: number }) {
  return new CircuitBreaker({ threshold: 3, resetMs: 10_000, now: () => clock.now });
}

function open(breaker: CircuitBreaker): void {
  for (let i = 0; i < 3; i++) breaker.recordFailure();
  expect(breaker.state).toBe('open');
}

const readyProbe = async (): Promise<SubgraphProbe> => ({ reachable: true, ready: true, database: 'up' });
const downProbe = async (): Promise<SubgraphProbe> => ({ reachable: false, ready: false, database: null });

test('without a probe an open circuit fails fast for the whole reset period, then lets one attempt through', () => {
  const clock = { now: 0 };
  const breaker = breakerAt(clock);
  open(breaker);
  clock.now = 9_999;
  expect(breaker.tryAcquire()).toBe(false);
  clock.now = 10_000;
  expect(breaker.tryAcquire()).toBe(true);
  expect(breaker.state).toBe('half-open');
  expect(breaker.tryAcquire()).toBe(false);
});

test('a health probe that finds the subgraph ready closes the circuit at once, long before the reset period', async () => {
  const clock = { now: 0 };
  const breaker = breakerAt(clock);
  const health = new SubgraphHealth('http://subgraph/graphql', breaker);
  open(breaker);
  clock.now = 700; // a restart that took 0.7 s
  await health.probe(downProbe);
  expect(breaker.state).toBe('open');
  await health.probe(readyProbe);
  expect(breaker.state).toBe('closed');
  expect(breaker.tryAcquire()).toBe(true);
});

test('a success or a probe that started before the circuit opened does not close it', async () => {
  const clock = { now: 0 };
  const breaker = breakerAt(clock);
  const health = new SubgraphHealth('http://subgraph/graphql', breaker);
  const slowAttempt = breaker.ticket();
  let answerProbe: (probe: SubgraphProbe) => void = () => undefined;
  const slowProbe = health.probe(() => new Promise<SubgraphProbe>((resolve) => (answerProbe = resolve)));

  open(breaker);
  clock.now = 100;
  breaker.recordSuccess(slowAttempt); // the subgraph as it was before it failed
  answerProbe({ reachable: true, ready: true, database: 'up' });
  await slowProbe;
  expect(breaker.state).toBe('open');
  expect(breaker.tryAcquire()).toBe(false);

  // A stale failure does not reopen a circuit that a fresh probe closed either.
  await health.probe(readyProbe);
  expect(breaker.state).toBe('closed');
  breaker.recordFailure(slowAttempt);
  breaker.recordFailure(slowAttempt);
  breaker.recordFailure(slowAttempt);
  expect(breaker.state).toBe('closed');
});

test('in half-open state the probe attempt decides: its failure reopens for another full period', () => {
  const clock = { now: 0 };
  const breaker = breakerAt(clock);
  open(breaker);
  clock.now = 10_000;
  expect(breaker.tryAcquire()).toBe(true);
  const probe = breaker.ticket();
  breaker.recordFailure(probe);
  expect(breaker.state).toBe('open');
  clock.now = 19_999;
  expect(breaker.tryAcquire()).toBe(false);
  clock.now = 20_000;
  expect(breaker.tryAcquire()).toBe(true);
  breaker.recordSuccess(breaker.ticket());
  expect(breaker.state).toBe('closed');
});
