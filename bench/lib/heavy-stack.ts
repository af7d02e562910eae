import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import { deleteKeysWithPrefix, TEST_REDIS_URL as REDIS_URL } from '@reservations/test-support/redis';
import { startServiceProcess, type ServiceProcess } from '@reservations/test-support/service-process';
import { redisConnected } from '@reservations/test-support/wait';
import { composeHeavySupergraph } from '../heavy/subgraphs';
import { ensureHiveInstalled, startHiveGateway } from './hive';
import { redisUp, type Served } from './stack';

/** Scenario 9's servers: the four in-memory subgraphs and the four gateways in front of them. */
export interface HeavyStack {
  tenant: string;
  /** A caller's bearer token for `tenant`, as production clients send it to our gateway. */
  token: string;
  metricsToken: string;
  subgraphs: Served;
  gateways: { ours: Served; apollo: Served; hiveDefault: Served; hivePublished: Served };
  stop(): Promise<void>;
}

const TENANT = 'bench-heavy';

/**
 * Every gateway over the same supergraph and the same subgraph process, each in its own
 * process. Ours runs as in production (NODE_ENV=production: JWT verification, request
 * signing, operation limits, demand control and tenant budgets, metrics, APQ and response
 * cache, Redis when it answers), with the operation limits raised as far as this page needs,
 * as an operator serving it would. The peers run with their defaults; Hive also as published.
 */
export async function startHeavyStack(log: (line: string) => void, { profileDir }: { profileDir: string | null }): Promise<HeavyStack> {
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async (): Promise<void> => {
    for (const stopOne of stops.reverse()) await stopOne().catch((error: unknown) => log(`cleanup: ${String(error)}`));
  };
  try {
    ensureHiveInstalled(log);
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'bench-heavy-'));
    stops.push(() => rm(tmp, { recursive: true, force: true }));
    const nodeArgs = profileDir === null ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`];
    const start = async (name: string, entry: string, env: Record<string, string>): Promise<ServiceProcess> => {
      const service = await startServiceProcess(
        name,
        entry,
        { NODE_ENV: 'production', LOG_LEVEL: 'warn', HOST: '127.0.0.1', ...env },
        { timeoutMs: 60_000, nodeArgs },
      );
      stops.push(() => service.stop());
      return service;
    };

    const subgraphs = await start('heavy-subgraphs', 'bench/servers/heavy-subgraphs.ts', {});
    const supergraphPath = path.join(tmp, 'supergraph.graphql');
    await writeFile(
      supergraphPath,
      composeHeavySupergraph((name) => `${subgraphs.url}/${name}`),
    );

    const jwtSecret = randomBytes(32).toString('hex');
    const metricsToken = randomBytes(16).toString('hex');
    const hasRedis = await redisUp();
    const redisPrefix = `bench-heavy-${randomBytes(4).toString('hex')}:`;
    if (hasRedis) stops.push(() => deleteKeysWithPrefix(redisPrefix));
    const ours = await start('gateway-heavy', 'gateway/src/index.ts', {
      GATEWAY_PORT: '0',
      SUPERGRAPH_PATH: supergraphPath,
      GATEWAY_SIGNING_SECRET: randomBytes(32).toString('hex'),
      METRICS_TOKEN: metricsToken,
      JWT_SECRET: jwtSecret,
      MAX_QUERY_DEPTH: '16',
      MAX_QUERY_COST: '1000000',
      TENANT_COST_BUDGET: String(1e12),
      ...(hasRedis ? { REDIS_URL, REDIS_KEY_PREFIX: redisPrefix } : { REDIS_ENABLED: 'false' }),
    });
    if (hasRedis) await redisConnected(ours.url, metricsToken);
    const apollo = await start('apollo-gateway', 'bench/servers/apollo-gateway.ts', { BENCH_SUPERGRAPH_PATH: supergraphPath });
    const hiveDefault = await startHiveGateway(supergraphPath, { signingSecret: null, nodeArgs });
    stops.push(() => hiveDefault.stop());
    const hivePublished = await startHiveGateway(supergraphPath, { signingSecret: null, nodeArgs, setup: 'published' });
    stops.push(() => hivePublished.stop());

    const token = await new SignJWT({ tenant: TENANT })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('bench-client')
      .setIssuedAt()
      .setExpirationTime('2h')
      .sign(new TextEncoder().encode(jwtSecret));
    const served = (service: { url: string; pid: number }): Served => ({ url: service.url, pid: service.pid });
    return {
      tenant: TENANT,
      token,
      metricsToken,
      subgraphs: served(subgraphs),
      gateways: { ours: served(ours), apollo: served(apollo), hiveDefault: served(hiveDefault), hivePublished: served(hivePublished) },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
