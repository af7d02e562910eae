/**
 * `npx tsx bench/lib/edge-cpu.ts [requests]`: gateway CPU per request (from /proc, so usable on a
 * loaded machine) for a response-cache hit (Redis and in-process) against Apollo Server alone on
 * `{ __typename }`, and `{ __typename }` through the whole pipeline. Redis CPU is not counted.
 */
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { startTestSupergraph } from '@reservations/test-support/supergraph';
import { startServiceProcess, type ServiceProcess } from '@reservations/test-support/service-process';
import { deleteKeysWithPrefix, TEST_REDIS_URL } from '@reservations/test-support/redis';
import { redisConnected } from '@reservations/test-support/wait';
import { cpuSeconds } from './process-cpu';

const AMOUNT = Number(process.argv[2] ?? 8000);
async function main() {
  const sg = await startTestSupergraph('edge_cpu');
  const prefix = `edge-cpu-${randomBytes(3).toString('hex')}:`;
  const services: ServiceProcess[] = [];
  try {
    const env = {
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      GATEWAY_PORT: '0',
      CUSTOMER_SUBGRAPH_URL: sg.customer.url,
      RESERVATION_SUBGRAPH_URL: sg.reservation.url,
    };
    const redisGw = await startServiceProcess(
      'gw-redis',
      'gateway/src/index.ts',
      { ...env, REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix },
      { timeoutMs: 120_000 },
    );
    services.push(redisGw);
    const localGw = await startServiceProcess('gw-local', 'gateway/src/index.ts', { ...env, REDIS_ENABLED: 'false' }, { timeoutMs: 120_000 });
    services.push(localGw);
    const apollo = await startServiceProcess(
      'apollo',
      'bench/servers/trivial-apollo-server.ts',
      { LOG_LEVEL: 'warn', HOST: '127.0.0.1' },
      { timeoutMs: 120_000 },
    );
    services.push(apollo);
    await redisConnected(redisGw.url);
    await fetch(sg.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tenant-id': 'a' },
      body: JSON.stringify({ query: 'mutation { createProduct(input: {name: "X", priceCents: 1}) { product { id } } }' }),
    });
    const products = JSON.stringify({ query: '{ products(first: 20) { totalCount nodes { id name priceCents currency } } }' });
    const trivial = JSON.stringify({ query: '{ __typename }' });
    const targets: [string, ServiceProcess, string][] = [
      ['Apollo Server alone, { __typename }', apollo, trivial],
      ['ours, cache hit, Redis', redisGw, products],
      ['ours, cache hit, in-process cache', localGw, products],
      ['ours, { __typename } through the pipeline', localGw, trivial],
    ];
    const results = new Map<string, number[]>();
    for (let round = 0; round < 2; round++) {
      for (const [name, service, body] of targets) {
        const run = (amount: number) =>
          autocannon({
            url: service.url,
            method: 'POST',
            connections: 16,
            amount,
            headers: { 'content-type': 'application/json', 'x-tenant-id': 'a' },
            body,
          });
        if (round === 0) await run(500);
        const before = cpuSeconds(service.pid);
        const result = await run(AMOUNT);
        const ms = ((cpuSeconds(service.pid) - before) / result.requests.total) * 1000;
        if (result.non2xx || result.errors) throw new Error(`${name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
        results.set(name, [...(results.get(name) ?? []), ms]);
        console.log(`${name}: ${ms.toFixed(3)} ms CPU/request`);
      }
    }
    const reference = Math.min(...results.get(targets[0]![0])!);
    for (const [name, list] of results)
      console.log(
        `${name.padEnd(45)} CPU ms/request ${list.map((v) => v.toFixed(3)).join(' ')}  best ${Math.min(...list).toFixed(3)}  rps-equivalent ratio ${(reference / Math.min(...list)).toFixed(2)}x`,
      );
  } finally {
    for (const service of services) await service.stop();
    await sg.stop();
    await deleteKeysWithPrefix(prefix);
  }
}
void main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
