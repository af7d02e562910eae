/**
 * Benchmark (not a test): the gateway's response cache, HIT against MISS, with Redis.
 *
 *   npx tsx bench/response-cache.ts        (or: npm run bench:cache)
 *
 * Starts both subgraphs on fresh PostgreSQL databases (TEST_POSTGRES_URL, as the tests do) and
 * the gateway in-process, all with REDIS_URL (TEST_REDIS_URL, default redis://127.0.0.1:6379) and
 * a unique REDIS_KEY_PREFIX. Seeds one tenant with 200 products through the gateway, then runs the
 * same `products(search:, first: 20)` listing at the same concurrency in two variants:
 *   hit   the same variables every time, so every response comes from the cache;
 *   miss  the same search with its letters' case changed per request (the search is
 *         case-insensitive, so the answer is identical) so every request is a new cache key.
 * Every response's `x-cache` header is counted to prove it. After a warm-up the variants run
 * interleaved twice for a fixed duration each. Prints a table and writes
 * bench/results/response-cache.json. The databases and the Redis keys are removed at the end.
 * Options: --concurrency N (default 16), --seconds S per variant and round (default 5).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createClient } from '@redis/client';
import { graphql, graphqlData } from '@reservations/test-support/graphql';
import { startTestSupergraph, type TestSupergraph } from '@reservations/test-support/supergraph';

const option = (name: string, fallback: number) => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) || fallback : fallback;
};
const CONCURRENCY = option('--concurrency', 16);
const SECONDS = option('--seconds', 5);
const WARMUP_SECONDS = 2;
const ROUNDS = 2;
const PRODUCTS = 200;
const TENANT = 'bench-cache';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `bench-cache-${randomBytes(4).toString('hex')}:`;

/** Every seeded product's name contains it; 21 letters, so over two million case variants. */
const SEARCH = 'bench catalogue product';
const QUERY = `query ($search: String) { products(search: $search, first: 20) {
  totalCount nodes { id name priceCents currency } pageInfo { hasNextPage endCursor } } }`;

type Variant = 'hit' | 'miss';

/** SEARCH with the case of its letters flipped by the bits of n: same matches, new cache key. */
function caseVariant(n: number): string {
  let bit = 0;
  return SEARCH.replace(/[a-z]/g, (letter) => ((n >> bit++) & 1 ? letter.toUpperCase() : letter));
}

let missCounter = 1; // 0 would be SEARCH itself, the hit variant's key
const variables = (variant: Variant) => ({ search: variant === 'hit' ? SEARCH : caseVariant(missCounter++) });

interface RunResult {
  latencies: number[];
  seconds: number;
  xCache: Record<string, number>;
}

/** CONCURRENCY workers, each sending one request after another until the duration is up. */
async function run(url: string, variant: Variant, seconds: number): Promise<RunResult> {
  const latencies: number[] = [];
  const xCache: Record<string, number> = {};
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const body = JSON.stringify({ query: QUERY, variables: variables(variant) });
      const t0 = performance.now();
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-tenant-id': TENANT }, body });
      const text = await response.text();
      latencies.push(performance.now() - t0);
      if (response.status !== 200 || !text.startsWith('{"data"') || text.includes('"errors"')) {
        throw new Error(`${variant}: unexpected response ${response.status}: ${text.slice(0, 300)}`);
      }
      const cache = response.headers.get('x-cache') ?? 'none';
      xCache[cache] = (xCache[cache] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { latencies, seconds: (performance.now() - started) / 1000, xCache };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function summarise(results: RunResult[]) {
  const latencies = results.flatMap((result) => result.latencies).sort((a, b) => a - b);
  const seconds = results.reduce((sum, result) => sum + result.seconds, 0);
  const xCache: Record<string, number> = {};
  for (const result of results) for (const [key, count] of Object.entries(result.xCache)) xCache[key] = (xCache[key] ?? 0) + count;
  return {
    requests: latencies.length,
    seconds: round(seconds),
    rps: round(latencies.length / seconds),
    p50Ms: round(percentile(latencies, 50)),
    p95Ms: round(percentile(latencies, 95)),
    xCache,
  };
}

const round = (value: number) => Math.round(value * 100) / 100;

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what}: not in time`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function deleteRedisKeys(): Promise<number> {
  const redis = createClient({ url: REDIS_URL });
  await redis.connect();
  try {
    const keys = await redis.keys(`${PREFIX}*`);
    if (keys.length > 0) await redis.del(keys);
    return keys.length;
  } finally {
    await redis.close();
  }
}

async function main(): Promise<void> {
  let supergraph: TestSupergraph | undefined;
  try {
    supergraph = await startTestSupergraph('bench_cache', { env: { REDIS_URL, REDIS_KEY_PREFIX: PREFIX } });
    const url = supergraph.gatewayUrl;
    await waitFor(async () => (await fetch(new URL('/health', url))).ok, 'gateway health');
    console.log(`gateway at ${url}, Redis ${REDIS_URL} (key prefix ${PREFIX})`);

    let started = performance.now();
    for (let i = 1; i <= PRODUCTS; i++) {
      await graphqlData(url, 'mutation ($input: CreateProductInput!) { createProduct(input: $input) { id } }', {
        tenant: TENANT,
        variables: { input: { name: `Bench catalogue product #${i}`, priceCents: 100 + i } },
      });
    }
    console.log(`seeded ${PRODUCTS} products for tenant "${TENANT}" through the gateway in ${(performance.now() - started).toFixed(0)} ms`);

    // Redis connects in the background: wait until the hit variant's query is served from it.
    await waitFor(async () => (await graphql(url, QUERY, { tenant: TENANT, variables: { search: SEARCH } })).headers.get('x-cache') === 'HIT', 'first HIT');

    // Samples: same answer both ways, and the headers each variant gets.
    const hitSample = await graphql(url, QUERY, { tenant: TENANT, variables: variables('hit') });
    const missSample = await graphql(url, QUERY, { tenant: TENANT, variables: variables('miss') });
    if (JSON.stringify(hitSample.body) !== JSON.stringify(missSample.body)) throw new Error('hit and miss variants answer differently');
    const totalCount = (hitSample.body.data as { products: { totalCount: number } }).products.totalCount;
    console.log(`sample hit:  x-cache ${hitSample.headers.get('x-cache')}, age ${hitSample.headers.get('age')}`);
    console.log(`sample miss: x-cache ${missSample.headers.get('x-cache')} (search ${JSON.stringify(caseVariant(missCounter - 1))})`);
    console.log(`both answer the same ${totalCount} matches, first 20 returned\n`);

    console.log(`warm-up: ${WARMUP_SECONDS} s per variant; then ${ROUNDS} interleaved rounds of ${SECONDS} s per variant, ${CONCURRENCY} concurrent workers`);
    await run(url, 'hit', WARMUP_SECONDS);
    await run(url, 'miss', WARMUP_SECONDS);
    const runs: Record<Variant, RunResult[]> = { hit: [], miss: [] };
    for (let r = 0; r < ROUNDS; r++) {
      for (const variant of ['miss', 'hit'] as const) {
        const result = await run(url, variant, SECONDS);
        runs[variant].push(result);
        const summary = summarise([result]);
        console.log(`  round ${r + 1} ${variant.padEnd(4)} ${summary.requests} requests, ${summary.rps} rps, p50 ${summary.p50Ms} ms, x-cache ${JSON.stringify(summary.xCache)}`);
      }
    }

    const hit = summarise(runs.hit);
    const miss = summarise(runs.miss);
    const rpsRatio = round(hit.rps / miss.rps);
    const p50Ratio = round(hit.p50Ms / miss.p50Ms);
    const onlyHits = hit.xCache.HIT === hit.requests;
    const onlyMisses = miss.xCache.MISS === miss.requests;

    const row = (cells: (string | number)[]) => `| ${cells.map((cell, i) => String(cell).padStart(i === 0 ? 8 : 10)).join(' | ')} |`;
    console.log(`\n${row(['variant', 'requests', 'RPS', 'p50 ms', 'p95 ms', 'x-cache'])}`);
    console.log(`|${'-'.repeat(10)}|${'-----------:|'.repeat(5)}`);
    console.log(row(['hit', hit.requests, hit.rps, hit.p50Ms, hit.p95Ms, onlyHits ? 'all HIT' : JSON.stringify(hit.xCache)]));
    console.log(row(['miss', miss.requests, miss.rps, miss.p50Ms, miss.p95Ms, onlyMisses ? 'all MISS' : JSON.stringify(miss.xCache)]));
    console.log(row(['hit/miss', '', `${rpsRatio}x`, `${p50Ratio}x`, `${round(hit.p95Ms / miss.p95Ms)}x`, '']));
    const p50Met = hit.p50Ms <= 0.5 * miss.p50Ms;
    const rpsMet = hit.rps >= 3 * miss.rps;
    console.log(`\ntarget hit p50 <= 0.5 x miss p50: ${p50Met ? 'met' : 'NOT met'} (${p50Ratio})`);
    console.log(`target hit RPS >= 3 x miss RPS:   ${rpsMet ? 'met' : 'NOT met'} (${rpsRatio})`);
    if (!onlyHits || !onlyMisses) console.log('WARNING: a variant did not get only the expected x-cache value');

    const cpus = os.cpus();
    const report = {
      date: new Date().toISOString(),
      machine: { cpu: cpus[0]?.model ?? 'unknown', cores: cpus.length, node: process.version, os: `${os.type()} ${os.release()} ${os.arch()}` },
      setup: {
        redis: REDIS_URL,
        products: PRODUCTS,
        concurrency: CONCURRENCY,
        secondsPerVariantAndRound: SECONDS,
        rounds: ROUNDS,
        warmupSeconds: WARMUP_SECONDS,
        query: QUERY.replace(/\s+/g, ' '),
        note: 'gateway, subgraphs and load generator share one Node process',
      },
      hit,
      miss,
      ratios: { rps: rpsRatio, p50: p50Ratio },
      targets: { hitP50AtMostHalfMissP50: p50Met, hitRpsAtLeast3xMissRps: rpsMet },
    };
    const file = path.join(__dirname, 'results', 'response-cache.json');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\nwrote ${path.relative(process.cwd(), file)}`);
  } finally {
    await supergraph?.stop();
    const deleted = await deleteRedisKeys();
    console.log(`stopped services, dropped databases, deleted ${deleted} Redis keys under ${PREFIX}`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
