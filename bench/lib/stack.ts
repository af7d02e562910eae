import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createClient } from '@redis/client';
import { SignJWT } from 'jose';
import pg from 'pg';
import { REPO_ROOT } from '@reservations/platform/config';
import type { DatabaseTarget } from '@reservations/platform/database/connection';
import { ADMIN_URL, createTestDatabase, type TestDatabase } from '@reservations/test-support/postgres';
import { deleteKeysWithPrefix, TEST_REDIS_URL as REDIS_URL } from '@reservations/test-support/redis';
import { startServiceProcess, type ServiceProcess } from '@reservations/test-support/service-process';
import { redisConnected } from '@reservations/test-support/wait';
import { ensureHiveInstalled, startHiveGateway } from './hive';
import { seedDataSet, type SeededData } from './seed';

/** The example web app's trusted-documents manifest (hash -> document). */
export const WEB_MANIFEST = path.join(REPO_ROOT, 'examples', 'web', 'src', 'gql', 'persisted-documents.json');

/** The flooding tenant's cost budget per minute: a few dozen of its fan-out requests. */
const FLOODING_TENANT_BUDGET = 100_000;

/** A server the bench drives: where it answers and which process to charge its CPU to. */
export interface Served {
  url: string;
  pid: number;
}

export interface BenchStack {
  data: SeededData;
  storage: { database: 'postgresql' | 'embedded'; redis: string | null };
  /** The customer subgraph's PostgreSQL URL (null when embedded), for the Prisma-vs-pg ceiling. */
  customerDatabaseUrl: string | null;
  signingSecret: string;
  /** What /metrics asks of its readers (production services protect it). */
  metricsToken: string;
  /** A caller's bearer token for the load tenant, as production clients send it. */
  token: string;
  /** Another tenant with a small cost budget, and its token: the flood of scenario 6. */
  flooding: { tenant: string; token: string; budget: number };
  customer: Served;
  reservation: Served;
  gateway: { cacheOff: Served; cacheOn: Served; hive: Served };
  ceiling: { bareHttp: Served; apolloServer: Served };
  stop(): Promise<void>;
}

async function reachable(check: () => Promise<unknown>): Promise<boolean> {
  try {
    await check();
    return true;
  } catch {
    return false;
  }
}

export const postgresUp = () =>
  reachable(async () => {
    const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2_000 });
    await client.connect();
    await client.end();
  });

export const redisUp = () =>
  reachable(async () => {
    const client = createClient({ url: REDIS_URL, socket: { connectTimeout: 2_000, reconnectStrategy: false } });
    client.on('error', () => undefined);
    await client.connect();
    await client.close();
  });

/** The supergraph with the bench's subgraph URLs, for a gateway that reads URLs only from it. */
async function supergraphFor(urls: { customer: string; reservation: string }, dir: string): Promise<string> {
  const sdl = await readFile(path.join(REPO_ROOT, 'supergraph.graphql'), 'utf8');
  const routed = sdl.replace(
    /@join__graph\(name: "(customer|reservation)", url: "[^"]*"\)/g,
    (_match, name: 'customer' | 'reservation') => `@join__graph(name: "${name}", url: "${urls[name]}")`,
  );
  const file = path.join(dir, 'supergraph.graphql');
  await writeFile(file, routed);
  return file;
}

const served = (service: ServiceProcess): Served => ({ url: service.url, pid: service.pid });

/**
 * Everything the scenarios measure, each server in its own process as in production, all on
 * the same seeded data: both subgraphs (production mode: they execute only signed requests),
 * our gateway twice (every feature on; response cache off, and on), Hive Gateway on the same
 * supergraph and subgraphs, and the two ceiling servers. PostgreSQL and Redis are the
 * machine's when they answer; otherwise embedded databases and in-process caches.
 */
export async function startBenchStack(log: (line: string) => void, { profileDir }: { profileDir: string | null }): Promise<BenchStack> {
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async (): Promise<void> => {
    for (const stopOne of stops.reverse()) await stopOne().catch((error: unknown) => log(`cleanup: ${String(error)}`));
  };
  try {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'bench-'));
    stops.push(() => rm(tmp, { recursive: true, force: true }));
    const [hasPostgres, hasRedis] = await Promise.all([postgresUp(), redisUp()]);

    let targets: { customer: DatabaseTarget; reservation: DatabaseTarget };
    let databases: TestDatabase[] = [];
    if (hasPostgres) {
      databases = await Promise.all([createTestDatabase('bench_customer'), createTestDatabase('bench_reservation')]);
      for (const database of databases) stops.push(() => database.drop());
      targets = {
        customer: { url: databases[0]!.url, embeddedDir: '' },
        reservation: { url: databases[1]!.url, embeddedDir: '' },
      };
    } else {
      targets = {
        customer: { url: null, embeddedDir: path.join(tmp, 'customer') },
        reservation: { url: null, embeddedDir: path.join(tmp, 'reservation') },
      };
    }
    log(
      `storage: ${hasPostgres ? `PostgreSQL ${new URL(ADMIN_URL).host}` : 'embedded PGlite'}, cache: ${hasRedis ? `Redis ${REDIS_URL}` : 'in-process (no Redis)'}`,
    );

    const seedStarted = Date.now();
    const data = await seedDataSet(targets);
    const { totals } = data;
    log(
      `seeded ${totals.customers} customers, ${totals.reservations} reservations, ${totals.products} products, ${totals.categories} categories over ${data.tenants.length} tenants in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s`,
    );

    const signingSecret = randomBytes(32).toString('hex');
    const jwtSecret = randomBytes(32).toString('hex');
    const metricsToken = randomBytes(16).toString('hex');
    const production = {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      GATEWAY_SIGNING_SECRET: signingSecret,
      METRICS_TOKEN: metricsToken,
    };
    // The seed applied the migrations as the owner; the services connect as their runtime role,
    // and MIGRATE_ON_START (nothing pending) grants that role its access.
    const databaseEnv = (prefix: string, target: DatabaseTarget): Record<string, string> => {
      const database = databases.find((candidate) => candidate.url === target.url);
      return database ? { ...database.env(prefix), MIGRATE_ON_START: 'true' } : { DATA_DIR: tmp };
    };
    // A V8 CPU profile per server process, written when it stops: where its time went.
    const nodeArgs = profileDir === null ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`];
    const start = async (name: string, entry: string, env: Record<string, string>): Promise<ServiceProcess> => {
      const service = await startServiceProcess(name, entry, { ...production, ...env }, { timeoutMs: 60_000, nodeArgs });
      stops.push(() => service.stop());
      return service;
    };

    const common = { MIGRATE_ON_START: 'false', SEED_DEMO_DATA: 'false' };
    const customer = await start('customer', 'subgraphs/customer/src/index.ts', {
      ...common,
      CUSTOMER_PORT: '0',
      ...databaseEnv('CUSTOMER', targets.customer),
    });
    const reservation = await start('reservation', 'subgraphs/reservation/src/index.ts', {
      ...common,
      RESERVATION_PORT: '0',
      CUSTOMER_SUBGRAPH_URL: customer.url,
      ...databaseEnv('RESERVATION', targets.reservation),
    });

    // Budgets are on in every run, shared in Redis when there is one; the load tenant's is never
    // reached (the maximum), the flooding tenant's is spent within its first requests.
    const flooding = { tenant: data.tenants[1]!, budget: FLOODING_TENANT_BUDGET };
    const redisPrefix = `bench-${randomBytes(4).toString('hex')}:`;
    if (hasRedis) stops.push(() => deleteKeysWithPrefix(redisPrefix));
    const gatewayEnv = {
      GATEWAY_PORT: '0',
      CUSTOMER_SUBGRAPH_URL: customer.url,
      RESERVATION_SUBGRAPH_URL: reservation.url,
      JWT_SECRET: jwtSecret,
      TENANT_COST_BUDGET: String(1e12),
      TENANT_COST_BUDGETS: JSON.stringify({ [flooding.tenant]: flooding.budget }),
      ...(hasRedis ? { REDIS_URL, REDIS_KEY_PREFIX: redisPrefix } : { REDIS_ENABLED: 'false' }),
    };
    // The example web app's trusted documents, so scenario 5 can send them by hash (mode off: nothing else changes).
    const cacheOff = await start('gateway-cache-off', 'gateway/src/index.ts', {
      ...gatewayEnv,
      RESPONSE_CACHE_ENABLED: 'false',
      TRUSTED_DOCUMENTS_PATH: WEB_MANIFEST,
    });
    const cacheOn = await start('gateway-cache-on', 'gateway/src/index.ts', gatewayEnv);
    if (hasRedis) {
      // Redis connects in the background; until it has, the cache-on gateway would only miss.
      await redisConnected(cacheOn.url, metricsToken);
    }

    ensureHiveInstalled(log);
    const hive = await startHiveGateway(await supergraphFor({ customer: customer.url, reservation: reservation.url }, tmp), {
      signingSecret,
      nodeArgs,
    });
    stops.push(() => hive.stop());

    const bareHttp = await start('bare-http', 'bench/servers/bare-http.ts', {});
    const apolloServer = await start('apollo-server', 'bench/servers/trivial-apollo-server.ts', {});

    const tokenFor = (tenant: string) =>
      new SignJWT({ tenant })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('bench-client')
        .setIssuedAt()
        .setExpirationTime('2h')
        .sign(new TextEncoder().encode(jwtSecret));
    const token = await tokenFor(data.tenant);

    return {
      data,
      storage: { database: hasPostgres ? 'postgresql' : 'embedded', redis: hasRedis ? REDIS_URL : null },
      customerDatabaseUrl: targets.customer.url,
      signingSecret,
      metricsToken,
      token,
      flooding: { ...flooding, token: await tokenFor(flooding.tenant) },
      customer: served(customer),
      reservation: served(reservation),
      gateway: { cacheOff: served(cacheOff), cacheOn: served(cacheOn), hive: { url: hive.url, pid: hive.pid } },
      ceiling: { bareHttp: served(bareHttp), apolloServer: served(apolloServer) },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
