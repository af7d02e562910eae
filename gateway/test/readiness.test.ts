import { CircuitBreaker } from '../src/resilience/circuit-breaker';
import { SubgraphHealth } from '../src/resilience/subgraph-health';
import type { SubgraphLink } from '../src/resilience/subgraph-link';
import type { SubgraphProbe } from '../src/resilience/subgraph-probe';
import { SubgraphReadiness } from '../src/readiness';

/** Links with real health records; only name, url and health are read by readiness. */
function links(...names: string[]): Map<string, SubgraphLink> {
  return new Map(
    names.map((name) => {
      const url = `http://${name}.invalid/graphql`;
      const link = { name, url, health: new SubgraphHealth(url, new CircuitBreaker({ threshold: 1, resetMs: 60_000 })) };
      return [name, link as unknown as SubgraphLink];
    }),
  );
}

/** A probe the test answers by hand, counting the probes sent. */
function manualProbe() {
  const pending: { url: string; answer: (up: boolean) => void }[] = [];
  const probe = (link: SubgraphLink) =>
    new Promise<SubgraphProbe>((resolve) =>
      pending.push({ url: link.url, answer: (up) => resolve({ reachable: up, ready: up, database: up ? 'connected' : null }) }),
    );
  return { probe, pending, answerAll: (up: boolean) => pending.splice(0).forEach((call) => call.answer(up)) };
}

test('concurrent calls share one round of probes, which answers every call for the interval', async () => {
  let now = 1_000_000;
  const manual = manualProbe();
  const readiness = new SubgraphReadiness(links('customer', 'reservation'), null, { probeIntervalMs: 2_000, clock: () => now, probe: manual.probe });

  const calls = Array.from({ length: 50 }, () => readiness.report());
  await Promise.resolve();
  expect(manual.pending.map((call) => call.url).sort()).toEqual(['http://customer.invalid/graphql', 'http://reservation.invalid/graphql']);
  manual.answerAll(true);
  const reports = await Promise.all(calls);
  expect(new Set(reports.map((report) => report.status))).toEqual(new Set(['ready']));

  now += 1_999;
  expect((await readiness.report()).status).toBe('ready');
  expect(manual.pending).toHaveLength(0);

  now += 1;
  const next = readiness.report();
  await Promise.resolve();
  expect(manual.pending).toHaveLength(2);
  manual.pending.find((call) => call.url.includes('reservation'))!.answer(false);
  manual.answerAll(true);
  expect(await next).toMatchObject({ status: 'degraded', subgraphs: { customer: { reachable: true }, reservation: { reachable: false } } });
});

test("what the gateway's own traffic taught it is fresh on every call, between probe rounds", async () => {
  const subgraphs = links('customer');
  const readiness = new SubgraphReadiness(subgraphs, null, {
    probeIntervalMs: 60_000,
    clock: () => 0,
    probe: async () => ({ reachable: true, ready: true, database: 'connected' }),
  });
  expect((await readiness.report()).subgraphs['customer']).toMatchObject({ lastKnownState: 'unknown', reachable: true });
  subgraphs.get('customer')!.health.failed('connection refused');
  expect((await readiness.report()).subgraphs['customer']).toMatchObject({ lastKnownState: 'down', lastError: 'connection refused' });
});
