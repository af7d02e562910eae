/**
 * `npx tsx bench/lib/edge-measure.ts [seconds] [rounds]`: the gateway's edge work measured
 * without Hive Gateway, for a loaded machine where the full bench's stack cannot start: a
 * response-cache hit against Apollo Server alone on `{ __typename }`, identical queries at 50
 * connections with inbound deduplication on and off, and scenario 6 (another tenant's flood)
 * with refusals held and sent at once. Every number is a ratio of rows measured here, interleaved.
 */
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { createTestDatabase } from '@reservations/test-support/postgres';
import { deleteKeysWithPrefix, TEST_REDIS_URL as REDIS_URL } from '@reservations/test-support/redis';
import { startServiceProcess, type ServiceProcess } from '@reservations/test-support/service-process';
import { redisConnected } from '@reservations/test-support/wait';
import { TENANT_HEADER } from '@reservations/platform/tenancy';
import { runLoad, summarise, type LoadRun, type LoadTarget } from './load';
import { seedDataSet } from './seed';
import { measureTenantFlood } from './tenant-flood';
import { fanOutQuery, PRODUCTS_QUERY, cursorBeforeEverything, CUSTOMER_QUERY } from '../scenarios';

const SECONDS = Number(process.argv[2] ?? 3);
const ROUNDS = Number(process.argv[3] ?? 2);

async function main(): Promise<void> {
  const stops: (() => Promise<unknown>)[] = [];
  try {
    const databases = await Promise.all([createTestDatabase('edge_customer'), createTestDatabase('edge_reservation')]);
    for (const database of databases) stops.push(() => database.drop());
    const data = await seedDataSet({
      customer: { url: databases[0]!.url, embeddedDir: '' },
      reservation: { url: databases[1]!.url, embeddedDir: '' },
    });
    const signingSecret = randomBytes(32).toString('hex');
    const jwtSecret = randomBytes(32).toString('hex');
    const production = {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      GATEWAY_SIGNING_SECRET: signingSecret,
      METRICS_TOKEN: 'edge-measure-token-0123456789',
    };
    const start = async (name: string, entry: string, env: Record<string, string>): Promise<ServiceProcess> => {
      const service = await startServiceProcess(name, entry, { ...production, ...env }, { timeoutMs: 120_000 });
      stops.push(() => service.stop());
      return service;
    };
    const common = { MIGRATE_ON_START: 'true', SEED_DEMO_DATA: 'false' };
    const customer = await start('customer', 'subgraphs/customer/src/index.ts', { ...common, CUSTOMER_PORT: '0', ...databases[0]!.env('CUSTOMER') });
    const reservation = await start('reservation', 'subgraphs/reservation/src/index.ts', {
      ...common,
      RESERVATION_PORT: '0',
      CUSTOMER_SUBGRAPH_URL: customer.url,
      ...databases[1]!.env('RESERVATION'),
    });
    const flooding = data.tenants[1]!;
    const prefix = `edge-measure-${randomBytes(4).toString('hex')}:`;
    stops.push(() => deleteKeysWithPrefix(prefix));
    const gatewayEnv = {
      GATEWAY_PORT: '0',
      CUSTOMER_SUBGRAPH_URL: customer.url,
      RESERVATION_SUBGRAPH_URL: reservation.url,
      JWT_SECRET: jwtSecret,
      TENANT_COST_BUDGET: String(1e12),
      TENANT_COST_BUDGETS: JSON.stringify({ [flooding]: 100_000 }),
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
    };
    const cacheOn = await start('gateway-cache-on', 'gateway/src/index.ts', gatewayEnv);
    const plain = await start('gateway-plain', 'gateway/src/index.ts', {
      ...gatewayEnv,
      RESPONSE_CACHE_ENABLED: 'false',
      DEDUPLICATE_CLIENT_QUERIES: 'false',
      RATE_LIMITED_HOLD_MS: '0',
    });
    const edge = await start('gateway-edge', 'gateway/src/index.ts', { ...gatewayEnv, RESPONSE_CACHE_ENABLED: 'false' });
    const apollo = await start('apollo-server', 'bench/servers/trivial-apollo-server.ts', {});
    await redisConnected(cacheOn.url, production.METRICS_TOKEN);

    const tokenFor = (tenant: string) =>
      new SignJWT({ tenant })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('bench')
        .setIssuedAt()
        .setExpirationTime('2h')
        .sign(new TextEncoder().encode(jwtSecret));
    const token = await tokenFor(data.tenant);
    const subgraphPids = [customer.pid, reservation.pid];
    const via = (gateway: ServiceProcess, body: () => string, tenant = data.tenant, bearer = token): LoadTarget => ({
      url: gateway.url,
      headers: { authorization: `Bearer ${bearer}`, [TENANT_HEADER]: tenant },
      body,
      pids: [gateway.pid, ...subgraphPids],
    });
    const fixed = (text: string) => () => text;
    const body = (query: string, variables?: Record<string, unknown>) => JSON.stringify(variables ? { query, variables } : { query });

    const compare = async (title: string, connections: number, variants: Record<string, LoadTarget>) => {
      const runs = new Map<string, LoadRun[]>(Object.keys(variants).map((name) => [name, []]));
      for (const target of Object.values(variants)) await runLoad(target, { connections, seconds: 1 });
      for (let round = 0; round < ROUNDS; round++) {
        const names = Object.keys(variants);
        for (let i = 0; i < names.length; i++) {
          const name = names[(i + round) % names.length]!;
          runs.get(name)!.push(await runLoad(variants[name]!, { connections, seconds: SECONDS }));
        }
      }
      console.log(`${title}, ${connections} conn`);
      const results = [...runs].map(([name, list]) => [name, summarise(list)] as const);
      const reference = results[0]![1].rps;
      for (const [name, result] of results) {
        console.log(
          `  ${name.padEnd(40)} ${result.rps.toFixed(0).padStart(6)} rps  p50 ${result.p50Ms.toFixed(2)} ms  p95 ${result.p95Ms.toFixed(2)} ms  ${(result.rps / reference).toFixed(2)}x  cpu/1k ${result.cpuPer1k?.toFixed(2)}`,
        );
      }
    };

    const products = fixed(body(PRODUCTS_QUERY, { after: cursorBeforeEverything(0) }));
    await compare('cache hit vs Apollo Server alone', 32, {
      'Apollo Server alone, { __typename }': { url: apollo.url, headers: {}, body: fixed(body('{ __typename }')), pids: [apollo.pid] },
      'ours, cache hit (products)': { ...via(cacheOn, products), pids: [cacheOn.pid] },
    });

    const heavy = fixed(body(fanOutQuery(100)));
    for (const connections of [50, 1]) {
      await compare('identical fan-out(100) queries', connections, {
        'ours, inbound dedup off': via(plain, heavy),
        'ours, inbound dedup on': via(edge, heavy),
      });
    }

    let next = 0;
    const quietBody = () => body(CUSTOMER_QUERY, { id: data.customerIds[next++ % data.customerIds.length] });
    const floodingToken = await tokenFor(flooding);
    for (const [name, gateway] of [
      ['refusals sent at once (hold 0)', plain],
      ['refusals held 1000 ms (default)', edge],
    ] as const) {
      const result = await measureTenantFlood(via(gateway, quietBody), via(gateway, heavy, flooding, floodingToken), {
        connections: 32,
        seconds: SECONDS,
        warmupSeconds: 1,
      });
      const alone = summarise([result.alone]);
      const flooded = summarise([result.flooded]);
      console.log(
        `scenario 6, ${name}: quiet alone p95 ${alone.p95Ms.toFixed(2)} ms ${alone.rps.toFixed(0)} rps; flooded p95 ${flooded.p95Ms.toFixed(2)} ms ${flooded.rps.toFixed(0)} rps; ratio ${(flooded.p95Ms / alone.p95Ms).toFixed(2)}; flood ${result.flood.responses} answers, ${result.flood.refused} refused`,
      );
    }
  } finally {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => console.error(error));
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
