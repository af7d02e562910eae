/**
 * The lifecycle a load balancer relies on: the gateway is not ready before it has reached
 * each subgraph once; on shutdown it fails /ready, keeps serving through the drain, then
 * stops without dropping what is in flight. The drain's timer is the test's own.
 */
import http from 'node:http';
import { drainThenStop } from '@reservations/platform/http/run-service';
import { FaultProxy } from '@reservations/test-support/fault-proxy';
import { startTestGateway, startTestSupergraph, type TestSupergraph } from '@reservations/test-support/supergraph';
import { capturingLogger } from '@reservations/test-support/logs';
import { FirstContact } from '../src/readiness';
import type { SubgraphLink } from '../src/resilience/subgraph-link';
import type { StartedGateway } from '../src/server';

let supergraph: TestSupergraph;
let proxy: FaultProxy;

beforeAll(async () => {
  supergraph = await startTestSupergraph('lifecycle');
  proxy = await FaultProxy.start(supergraph.customer.url);
});

afterEach(() => proxy.reset());

afterAll(async () => {
  await proxy?.stop();
  await supergraph?.stop();
});

const QUERY = JSON.stringify({ query: '{ customers(first: 1) { totalCount } }' });

interface Reply {
  status: number;
  connection: string | undefined;
  body: string;
}

/** A request over node:http, so the `connection` response header is visible. */
function request(url: string, method: 'GET' | 'POST', path: string, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      new URL(path, url),
      { method, headers: { 'content-type': 'application/json', 'x-tenant-id': 'lifecycle' } },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body: text }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

const readyOf = async (url: string) => {
  const reply = await request(url, 'GET', '/ready');
  return { httpStatus: reply.status, ...(JSON.parse(reply.body) as { status: string; unmet: string[] }) };
};

test('the gateway is not ready until it has reached each subgraph once, and is alive meanwhile', async () => {
  proxy.mode = 'down';
  // Every /ready call probes afresh (by default one round of probes answers for 2 s).
  const gateway = await startTestGateway({ customer: proxy.url, reservation: supergraph.reservation.url }, { READY_PROBE_INTERVAL_MS: '0' });
  try {
    let ready = false;
    void gateway.ready.then(() => (ready = true));
    expect((await request(gateway.url, 'GET', '/health')).status).toBe(200);
    expect(await readyOf(gateway.url)).toMatchObject({ httpStatus: 503, status: 'not ready', unmet: ['every subgraph answered once'] });
    expect(ready).toBe(false);

    proxy.mode = 'forward';
    await gateway.ready;
    expect(await readyOf(gateway.url)).toMatchObject({ httpStatus: 200, status: 'ready', unmet: [] });
    // From then on a subgraph going down degrades the gateway; it stays in rotation.
    proxy.mode = 'down';
    expect(await readyOf(gateway.url)).toMatchObject({ httpStatus: 200, status: 'degraded' });
  } finally {
    await gateway.stop();
  }
});

test('on shutdown the gateway fails /ready, serves through the drain, then finishes what is in flight', async () => {
  const gateway: StartedGateway = await startTestGateway({ customer: proxy.url, reservation: supergraph.reservation.url });
  await gateway.ready;
  let endDrain: () => void = () => undefined;
  const drainTimer = (ms: number): Promise<void> => {
    expect(ms).toBe(30_000);
    return new Promise((resolve) => (endDrain = resolve));
  };
  let stopped = false;
  const stopping = drainThenStop(gateway, 30_000, drainTimer).then(() => (stopped = true));

  // Draining: out of rotation, still alive, and still serving whatever arrives.
  expect(await readyOf(gateway.url)).toMatchObject({ httpStatus: 503, status: 'draining' });
  expect((await request(gateway.url, 'GET', '/health')).status).toBe(200);
  const during = await request(gateway.url, 'POST', '/graphql', QUERY);
  expect(during.status).toBe(200);
  expect(JSON.parse(during.body)).toMatchObject({ data: { customers: { totalCount: 0 } } });
  // Each response tells the client to close its connection, so none is left to break.
  expect(during.connection).toBe('close');
  expect(stopped).toBe(false);

  // A request the customer subgraph is slow to answer is in flight when the drain ends.
  proxy.delayMs = 1_500;
  const seen = proxy.graphqlRequests().length;
  const inFlight = request(gateway.url, 'POST', '/graphql', QUERY);
  while (proxy.graphqlRequests().length === seen) await new Promise((resolve) => setImmediate(resolve));
  endDrain();
  const slow = await inFlight;
  expect(slow.status).toBe(200);
  expect(JSON.parse(slow.body)).toMatchObject({ data: { customers: { totalCount: 0 } } });
  await stopping;
  await expect(request(gateway.url, 'GET', '/health')).rejects.toThrow(/ECONNREFUSED/);
});

test('first contact probes, round after round on the test timer, only the subgraphs not reached yet', async () => {
  const link = (name: string, lastKnownState: 'up' | 'unknown' = 'unknown') =>
    ({ name, url: `http://${name}.invalid/graphql`, health: { report: () => ({ lastKnownState }) } }) as unknown as SubgraphLink;
  const links = new Map([
    ['customer', link('customer')],
    ['reservation', link('reservation')],
    ['inventory', link('inventory', 'up')], // answered a request already: reached
  ]);
  const answering = new Set<string>();
  const probed: string[] = [];
  let nextRound: () => void = () => undefined;
  const { logger, lines } = capturingLogger('gateway');
  const contact = new FirstContact(links, {
    logger,
    probe: async (subgraph) => {
      probed.push(subgraph.name);
      return answering.has(subgraph.name);
    },
    sleep: () => new Promise((resolve) => (nextRound = resolve)),
  });
  let done = false;
  const running = contact.run().then(() => (done = true));
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  await settle();
  expect(probed.sort()).toEqual(['customer', 'reservation']);
  expect(contact.complete).toBe(false);
  expect(lines.filter((line) => line.msg === 'not ready until every subgraph has answered once')).toMatchObject([
    { waitingFor: ['customer', 'reservation'] },
  ]);

  answering.add('customer');
  probed.length = 0;
  nextRound();
  await settle();
  expect(probed.sort()).toEqual(['customer', 'reservation']);
  expect(done).toBe(false);

  answering.add('reservation');
  probed.length = 0;
  nextRound();
  await running;
  expect(probed).toEqual(['reservation']);
  expect(contact.complete).toBe(true);
  expect(lines.filter((line) => line.msg === 'not ready until every subgraph has answered once')).toHaveLength(1);
});
