/**
 * `npm run bench`: the supergraph measured side by side with its references and with Hive
 * Gateway, in one run on one machine, so every number is read as a ratio. See
 * docs/benchmarks.md for the scenarios and how to read the table.
 *
 *   npm run bench                  full run (about 8 minutes); writes bench/results/latest.json
 *                                  and the table in docs/benchmarks.md
 *   npm run bench -- --quick       a second per run, to prove the bench works (CI); writes
 *                                  bench/results/quick.json only. Its numbers mean little.
 *   --seconds S --rounds R         per run and number of interleaved rounds (default 5 and 2)
 *   --only 1,3                     only these scenarios (results go to bench/results/partial.json);
 *                                  7 is start-up time and memory of the compiled services; 9 the
 *                                  heavy query on its own four-subgraph supergraph (it starts
 *                                  only its own servers); 10 a tenant's lookup before and
 *                                  after row-level security
 *   --profile                      a V8 CPU profile of every server process, in bench/results/profiles/
 *
 * Hive Gateway, the peer, is a package of its own (bench/hive), installed on first use.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { REPO_ROOT } from '@reservations/platform/config';
import { runLoad, summarise, type LoadRun, type LoadTarget } from './lib/load';
import { measureAdmission, type AdmissionTiming } from './lib/admission-cost';
import { comparePrismaWithPg, type PrismaVersusPg } from './lib/prisma-vs-pg';
import type { ClientTiming } from './lib/call-timing';
import { renderTable, renderTargets, type Row, type Target } from './lib/report';
import { statementsPerRequest } from './lib/sql-statements';
import { postgresUp, startBenchStack, type BenchStack } from './lib/stack';
import { measureStartup, renderStartupTable, type StartupRow } from './lib/startup';
import { measureTenantFlood, type FloodResult } from './lib/tenant-flood';
import { measureRlsCost, type RlsCost } from './lib/rls-cost';
import { startHeavyStack } from './lib/heavy-stack';
import { HEAVY_CONNECTIONS, HEAVY_SETTLED, heavyScenarios, scenarios, tenantFloodTargets, type Group } from './scenarios';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  if (index < 0) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} needs a positive number`);
  return value;
}

const QUICK = process.argv.includes('--quick');
const SECONDS = option('--seconds', QUICK ? 1 : 5);
const ROUNDS = option('--rounds', QUICK ? 1 : 2);
const WARMUP_SECONDS = QUICK ? 0.5 : 2;
const STATEMENT_SAMPLES = QUICK ? 3 : 10;
const CLIENT_OPERATIONS = QUICK ? 500 : 5_000;
const ADMISSION_OPERATIONS = QUICK ? 500 : 5_000;
const ONLY = (() => {
  const index = process.argv.indexOf('--only');
  return index < 0 ? null : (process.argv[index + 1] ?? '').split(',').filter(Boolean);
})();
const STARTUP_SAMPLES = QUICK ? 1 : 3;
const STARTUP_LOAD_SECONDS = QUICK ? 1 : 3;
const PROFILE_DIR = process.argv.includes('--profile') ? path.join(__dirname, 'results', 'profiles') : null;
const log = (line: string) => console.log(line);

/** One request outside the load runs: to check a variant answers correctly before timing it. */
async function send(target: LoadTarget): Promise<{ headers: Headers; body: { data?: unknown; errors?: unknown } }> {
  const text = target.body();
  const response = await fetch(target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...target.headers, ...target.sign?.(text) },
    body: text,
  });
  const body = (await response.json()) as { data?: unknown; errors?: unknown };
  if (response.status !== 200 || body.errors !== undefined || body.data === undefined) {
    throw new Error(`${target.url} answered ${response.status}: ${JSON.stringify(body).slice(0, 500)}`);
  }
  return { headers: response.headers, body };
}

/**
 * Every variant of a group must give the same answer to the same request before its speed
 * means anything; the response-cache variants must also be the hits and misses they claim.
 */
async function checkGroup(group: Group): Promise<void> {
  const answers = await Promise.all(group.variants.map(async (variant) => ({ variant, answer: await send(variant.target) })));
  if (!group.sameAnswers) return;
  const expected = JSON.stringify(answers[0]!.answer.body.data);
  log(`  every variant answers the same ${(Buffer.byteLength(expected) / 1024).toFixed(1)} KB of data`);
  for (const { variant, answer } of answers) {
    if (JSON.stringify(answer.body.data) !== expected) throw new Error(`${group.setting}: "${variant.name}" answers differently`);
  }
  for (const { variant } of answers) {
    const wanted = variant.name.endsWith('cache hit') ? 'HIT' : variant.name.endsWith('cache miss') ? 'MISS' : null;
    if (wanted === null) continue;
    const seen = (await send(variant.target)).headers.get('x-cache');
    if (seen !== wanted) throw new Error(`${group.setting}: "${variant.name}" got x-cache ${seen}`);
  }
}

/** How a group is timed: the default warm-up and --rounds, or more where the group needs them (not in --quick). */
function timingOf({ warmupSeconds = WARMUP_SECONDS, minRounds = 1 }: Pick<Group, 'warmupSeconds' | 'minRounds'>): {
  warmupSeconds: number;
  rounds: number;
} {
  return QUICK ? { warmupSeconds: WARMUP_SECONDS, rounds: ROUNDS } : { warmupSeconds, rounds: Math.max(ROUNDS, minRounds) };
}

async function measureGroup(stack: BenchStack | null, group: Group): Promise<Row[]> {
  await checkGroup(group);
  const statements = new Map<string, Record<string, number>>();
  if (group.countStatements && stack !== null) {
    const subgraphs = { customer: stack.customer, reservation: stack.reservation };
    for (const variant of group.variants) {
      statements.set(
        variant.name,
        await statementsPerRequest(subgraphs, stack.metricsToken, () => send(variant.target).then(() => undefined), STATEMENT_SAMPLES),
      );
    }
  }
  const runs = new Map<string, LoadRun[]>(group.variants.map((variant) => [variant.name, []]));
  const { warmupSeconds, rounds } = timingOf(group);
  if (warmupSeconds !== WARMUP_SECONDS || rounds !== ROUNDS) log(`  ${warmupSeconds} s of warm-up per variant, ${rounds} rounds`);
  for (const variant of group.variants) await runLoad(variant.target, { connections: group.connections, seconds: warmupSeconds });
  for (let round = 0; round < rounds; round++) {
    // Each round starts with a different variant, so none always runs first or last.
    const order = group.variants.map((_, i) => group.variants[(i + round) % group.variants.length]!);
    for (const variant of order) runs.get(variant.name)!.push(await runLoad(variant.target, { connections: group.connections, seconds: SECONDS }));
  }
  const results = new Map(group.variants.map((variant) => [variant.name, summarise(runs.get(variant.name)!)]));
  const reference = results.get(group.reference)!;
  const rows = group.variants.map((variant): Row => {
    const result = results.get(variant.name)!;
    return {
      scenario: group.scenario,
      setting: group.setting,
      variant: variant.name,
      ...result,
      ratio: result.rps / reference.rps,
      reference: group.reference,
      statements: statements.get(variant.name) ?? null,
    };
  });
  for (const row of rows)
    log(`  ${row.setting} | ${row.variant}: ${row.rps.toFixed(0)} rps, p50 ${row.p50Ms.toFixed(2)} ms, ${row.ratio.toFixed(2)}x`);
  return rows;
}

class MissingRow extends Error {}

function find(rows: Row[], setting: string, variant: string): Row {
  const row = rows.find((candidate) => candidate.setting.startsWith(setting) && candidate.variant === variant);
  if (!row) throw new MissingRow(`no row for ${setting} / ${variant}`);
  return row;
}

/** The targets, each as measured here; those whose scenarios did not run are left out. */
function evaluateTargets(rows: Row[], client: PrismaVersusPg | null): Target[] {
  const atLeast = (name: string, measured: () => number, wanted: number) => (): Target => {
    const value = measured();
    return { name, measured: value, wanted: `>= ${wanted}`, met: value >= wanted };
  };
  const atMost = (name: string, measured: () => number, wanted: number) => (): Target => {
    const value = measured();
    return { name, measured: value, wanted: `<= ${wanted}`, met: value <= wanted };
  };
  const customer = (connections: number) => `customer(id:), ${connections} conn`;
  const fanOut = (first: number) => `customers(first: ${first})`;
  const statementSpread = () => {
    const counts = [5, 20, 100].map((first) => find(rows, fanOut(first), 'ours, cache off').statements ?? {});
    const spreads = Object.keys(counts[0]!).map((subgraph) => {
      const values = counts.map((byFirst) => byFirst[subgraph] ?? Number.NaN);
      return Math.max(...values) - Math.min(...values);
    });
    return Math.max(...spreads);
  };
  const hit = () => find(rows, 'products(first: 20)', 'ours, cache hit');
  const miss = () => find(rows, 'products(first: 20)', 'ours, cache miss');
  const candidates = [
    ...[1, 32].flatMap((connections) => [
      atLeast(
        `1: ours (cache off) RPS / Hive RPS, ${connections} conn`,
        () => find(rows, customer(connections), 'ours, cache off').rps / find(rows, customer(connections), 'Hive Gateway').rps,
        1.0,
      ),
      atLeast(
        `1: ours (cache off) RPS / direct subgraph RPS, ${connections} conn`,
        () => find(rows, customer(connections), 'ours, cache off').ratio,
        0.5,
      ),
    ]),
    ...[5, 20, 100].map((first) =>
      atLeast(`2: ours (cache off) RPS / Hive RPS, first ${first}`, () => find(rows, fanOut(first), 'ours, cache off').ratio, 1.0),
    ),
    atMost('2: SQL statements per request, max - min over first 5/20/100', statementSpread, 0),
    atLeast('3: cache hit RPS / direct subgraph RPS', () => hit().ratio, 0.8),
    atLeast('3: cache hit RPS / miss RPS', () => hit().rps / miss().rps, 3),
    atMost('3: cache hit p50 / miss p50', () => hit().p50Ms / miss().p50Ms, 0.5),
    atLeast(
      '3/4: cache hit RPS / Apollo Server alone { __typename } RPS',
      () => hit().rps / find(rows, '{ __typename }', 'Apollo Server alone').rps,
      0.8,
    ),
    atLeast('10: RLS lookup RPS / before RLS RPS', () => find(rows, 'customer findMany by id', 'RLS, tenant-bound client').ratio, 0.9),
    atLeast('4: Apollo Server alone RPS / bare node:http RPS', () => find(rows, '{ __typename }', 'Apollo Server alone').ratio, 0.3),
    ...(client === null ? [] : [atMost('4: Prisma findUnique - pg, mean ms per call', () => client.overheadMs, 0.3)]),
    atMost('5: fragment fan-out (32 levels), p50 ms over { __typename }', () => addedP50(rows, 'fragment fan-out, 32 levels (refused)'), 1),
    atMost('5: honest ~100 KB query, p50 ms over { __typename }', () => addedP50(rows, 'honest query, ~100 KB answer'), 5),
    atMost(
      '6: quiet tenant p95 under a flood / alone',
      () => find(rows, 'quiet tenant', 'while another tenant floods').p95Ms / find(rows, 'quiet tenant', 'alone').p95Ms,
      3,
    ),
    ...heavyTargets(rows, atLeast, atMost),
  ];
  return candidates.flatMap((evaluate) => {
    try {
      return [evaluate()];
    } catch (error) {
      if (error instanceof MissingRow) return [];
      throw error;
    }
  });
}

type TargetOf = (name: string, measured: () => number, wanted: number) => () => Target;

/** Scenario 9: ours against each peer on the heavy page, and the gateway's CPU per request. */
function heavyTargets(rows: Row[], atLeast: TargetOf, atMost: TargetOf): (() => Target)[] {
  const heavy = (connections: number, variant: string) => find(rows, `storefront page (~90 KB), ${connections} conn`, variant);
  const oursOver = (connections: number, peer: string) => () => heavy(connections, 'ours').rps / heavy(connections, peer).rps;
  const hive = ['Hive Gateway', 'Hive Gateway, published setup'];
  const peers = { 1: ['Apollo Gateway', ...hive], 50: hive };
  return [
    ...HEAVY_CONNECTIONS.flatMap((connections) =>
      peers[connections].map((peer) => atLeast(`9: ours RPS / ${peer} RPS, heavy page, ${connections} conn`, oursOver(connections, peer), 1.0)),
    ),
    // CPU s per 1k requests is ms per request; the CPU column of scenario 9 is the gateway alone.
    atMost('9: ours, gateway CPU ms per heavy request, 1 conn', () => heavy(1, 'ours').cpuPer1k ?? Number.NaN, 3.5),
    // The same target as a ratio of one run: 3.5 ms was set where Apollo Gateway spent 10.7 ms on this page.
    atMost(
      '9: ours / Apollo Gateway, gateway CPU per heavy request, 1 conn',
      () => (heavy(1, 'ours').cpuPer1k ?? Number.NaN) / (heavy(1, 'Apollo Gateway').cpuPer1k ?? Number.NaN),
      0.33,
    ),
  ];
}

const ADMISSION_SETTING = 'admission analysis per request, in-process';

/** Scenario 5's p50 of `variant` minus that of `{ __typename }`. */
function addedP50(rows: Row[], variant: string): number {
  return find(rows, ADMISSION_SETTING, variant).p50Ms - find(rows, ADMISSION_SETTING, '{ __typename }').p50Ms;
}

/** Admission timings as rows of scenario 5, in the table's terms (analyses are requests). */
function admissionRows(timings: AdmissionTiming[]): Row[] {
  const reference = timings[0]!;
  return timings.map((timing) => ({
    scenario: '5 admission',
    setting: ADMISSION_SETTING,
    variant: timing.name,
    requests: timing.operations,
    seconds: timing.seconds,
    rps: timing.operations / timing.seconds,
    p50Ms: timing.p50Ms,
    p95Ms: timing.p95Ms,
    p99Ms: Number.NaN,
    cpuPer1k: null,
    ratio: timing.operations / timing.seconds / (reference.operations / reference.seconds),
    reference: reference.name,
    statements: null,
  }));
}

/** The quiet tenant alone and under the flood as two rows of scenario 6. */
function floodRows(result: FloodResult, connections: number): Row[] {
  const alone = summarise([result.alone]);
  const row = (variant: string, run: LoadRun): Row => {
    const summary = summarise([run]);
    return {
      scenario: '6 tenant isolation',
      setting: `quiet tenant customer(id:), 1 conn; flood ${connections} conn`,
      variant,
      ...summary,
      ratio: summary.rps / alone.rps,
      reference: 'alone',
      statements: null,
    };
  };
  return [row('alone', result.alone), row('while another tenant floods', result.flooded)];
}

/** Timings of one call at a time (in the bench process) as rows of one group: calls are requests. */
function callRows(scenario: string, setting: string, variants: [string, ClientTiming][]): Row[] {
  const [reference, first] = variants[0]!;
  return variants.map(([variant, timing]) => ({
    scenario,
    setting,
    variant,
    requests: timing.operations,
    seconds: timing.seconds,
    rps: timing.opsPerSecond,
    p50Ms: timing.p50Ms,
    p95Ms: timing.p95Ms,
    p99Ms: Number.NaN,
    cpuPer1k: timing.cpuPer1k,
    ratio: timing.opsPerSecond / first.opsPerSecond,
    reference,
    statements: null,
  }));
}

/** Prisma against pg as two rows of scenario 4. */
function clientRows(client: PrismaVersusPg): Row[] {
  return callRows('4 ceilings', 'customer findUnique, 1 conn', [
    ['pg', client.pg],
    ['Prisma', client.prisma],
  ]);
}

async function postgresVersion(url: string | null): Promise<string | null> {
  if (url === null) return null;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
  } finally {
    await client.end();
  }
}

const TABLE_START = '<!-- bench:latest:start -->';
const TABLE_END = '<!-- bench:latest:end -->';
const TABLE_FILE = 'docs/benchmarks.md';

/** docs/benchmarks.md's copy of the latest full run, between its markers. */
function updateBenchmarksDoc(section: string): void {
  const file = path.join(REPO_ROOT, TABLE_FILE);
  const doc = readFileSync(file, 'utf8');
  const start = doc.indexOf(TABLE_START);
  const end = doc.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`${TABLE_FILE} has no ${TABLE_START} ... ${TABLE_END} section`);
  writeFileSync(file, `${doc.slice(0, start + TABLE_START.length)}\n${section}\n${doc.slice(end)}`);
}

/** Scenario 7, before anything else runs so the machine is quiet: start-up and memory. */
async function startupScenario(): Promise<StartupRow[] | null> {
  if (ONLY !== null && !ONLY.includes('7')) return null;
  if (!(await postgresUp())) {
    log('7 start-up: skipped (it needs PostgreSQL)');
    return null;
  }
  log(`7 start-up: each compiled service, ${STARTUP_SAMPLES} sample(s), ${STARTUP_LOAD_SECONDS} s of load`);
  const rows = await measureStartup({ samples: STARTUP_SAMPLES, loadSeconds: STARTUP_LOAD_SECONDS }, log);
  log(`\n${renderStartupTable(rows)}\n`);
  return rows;
}

/** What the main stack's run leaves for the report: its rows and how it was set up. */
interface MainStackRun {
  rows: Row[];
  client: PrismaVersusPg | null;
  storage: BenchStack['storage'];
  dataSet: BenchStack['data']['totals'];
  tenants: number;
  postgres: string | null;
}

/** Scenarios 1-6 and 8, on the reservations supergraph (the services, PostgreSQL, Redis). */
async function mainStackScenarios(wanted: (scenario: string) => boolean): Promise<MainStackRun> {
  const stack = await startBenchStack(log, { profileDir: PROFILE_DIR });
  try {
    const rows: Row[] = [];
    for (const group of scenarios(stack).filter((candidate) => wanted(candidate.scenario.split(' ')[0]!))) {
      log(`${group.scenario}: ${group.setting}`);
      rows.push(...(await measureGroup(stack, group)));
    }
    if (wanted('5')) {
      log('5 admission: analysis per request, in-process');
      const admission = admissionRows(await measureAdmission(ADMISSION_OPERATIONS));
      for (const row of admission) log(`  ${row.variant}: p50 ${row.p50Ms.toFixed(3)} ms, p95 ${row.p95Ms.toFixed(3)} ms`);
      rows.push(...admission);
    }
    if (wanted('6')) {
      const connections = 32;
      log(`6 tenant isolation: one tenant floods at ${connections} connections over its cost budget`);
      const { quiet, flooding } = tenantFloodTargets(stack);
      const result = await measureTenantFlood(quiet, flooding, { connections, seconds: SECONDS, warmupSeconds: WARMUP_SECONDS });
      const flood = floodRows(result, connections);
      for (const row of flood) log(`  ${row.variant}: ${row.rps.toFixed(0)} rps, p50 ${row.p50Ms.toFixed(2)} ms, p95 ${row.p95Ms.toFixed(2)} ms`);
      log(`  the flood: ${result.flood.responses} answers, ${result.flood.refused} refused with 429`);
      rows.push(...flood);
    }
    let client: PrismaVersusPg | null = null;
    if (!wanted('4')) {
      // Not asked for.
    } else if (stack.customerDatabaseUrl !== null) {
      log('4 ceilings: Prisma findUnique vs pg');
      client = await comparePrismaWithPg(stack.customerDatabaseUrl, stack.data.tenant, stack.data.customerIds, CLIENT_OPERATIONS);
      rows.push(...clientRows(client));
    } else {
      log('4 ceilings: Prisma vs pg skipped (embedded database: pg cannot reach it)');
    }
    return {
      rows,
      client,
      storage: stack.storage,
      dataSet: stack.data.totals,
      tenants: stack.data.tenants.length,
      postgres: await postgresVersion(stack.customerDatabaseUrl),
    };
  } finally {
    await stack.stop();
  }
}

/** Scenario 10: the tenant's lookup under row-level security against the same lookup before it. */
async function rlsCostScenario(): Promise<Row[]> {
  if (!(await postgresUp())) {
    log('10 row-level security: skipped (it needs PostgreSQL)');
    return [];
  }
  log('10 row-level security: customer findMany by id, 1 conn, before and after the policies');
  const cost: RlsCost = await measureRlsCost(CLIENT_OPERATIONS, ROUNDS);
  const rows = callRows('10 row-level security', 'customer findMany by id, 1 conn', [
    ['before RLS', cost.before],
    ['RLS, tenant-bound client', cost.after],
  ]);
  for (const line of rows) log(`  ${line.variant}: ${line.rps.toFixed(0)} lookups/s, p50 ${line.p50Ms.toFixed(3)} ms`);
  return rows;
}

/** Scenario 9, on its own four-subgraph supergraph, after the main stack has stopped. */
async function heavyQueryScenario(): Promise<Row[]> {
  const heavy = await startHeavyStack(log, { profileDir: PROFILE_DIR });
  try {
    const rows: Row[] = [];
    for (const group of heavyScenarios(heavy)) {
      log(`${group.scenario}: ${group.setting}`);
      rows.push(...(await measureGroup(null, group)));
    }
    return rows;
  } finally {
    await heavy.stop();
  }
}

const MAIN_STACK_SCENARIOS = ['1', '2', '3', '4', '5', '6', '8'];

async function main(): Promise<void> {
  log(`bench: ${QUICK ? 'quick mode, ' : ''}${ROUNDS} round(s) of ${SECONDS} s per variant after ${WARMUP_SECONDS} s warm-up`);
  const wanted = (scenario: string) => ONLY === null || ONLY.includes(scenario);
  const startup = await startupScenario();
  const main = MAIN_STACK_SCENARIOS.some(wanted) ? await mainStackScenarios(wanted) : null;
  const rows = [...(main?.rows ?? []), ...(wanted('10') ? await rlsCostScenario() : []), ...(wanted('9') ? await heavyQueryScenario() : [])];
  const client = main?.client ?? null;

  const targets = evaluateTargets(rows, client);
  const table = renderTable(rows);
  const targetText = renderTargets(targets);
  if (rows.length > 0) log(`\n${table}\n\n${targetText}\n`);

  const cpus = os.cpus();
  const machine = {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    postgres: main?.postgres ?? null,
    redis: main === null ? null : main.storage.redis !== null,
  };
  const report = {
    date: new Date().toISOString(),
    mode: QUICK ? 'quick' : 'full',
    scenarios: ONLY ?? 'all',
    machine,
    setup: {
      storage: main?.storage ?? null,
      dataSet: main?.dataSet ?? null,
      tenants: main?.tenants ?? null,
      secondsPerRun: SECONDS,
      rounds: ROUNDS,
      warmupSeconds: WARMUP_SECONDS,
      loadGenerator: 'autocannon, in the bench process; every server in its own process',
      prismaSql: client?.sql ?? null,
    },
    rows,
    startup,
    prismaVersusPg: client,
    targets,
  };
  const file = path.join(__dirname, 'results', ONLY !== null ? 'partial.json' : QUICK ? 'quick.json' : 'latest.json');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  log(`wrote ${path.relative(process.cwd(), file)}`);
  if (!QUICK && ONLY === null) {
    const when = `${report.date.slice(0, 10)}, ${machine.cores} × ${machine.cpu}, Node ${machine.node}, PostgreSQL ${machine.postgres ?? 'embedded'}, ${machine.redis ? 'Redis' : 'no Redis'}`;
    const startupText =
      startup === null
        ? ''
        : `\n\nStart-up and memory of the compiled services (median of ${STARTUP_SAMPLES}, ${STARTUP_LOAD_SECONDS} s of load at 8 connections):\n\n${renderStartupTable(startup)}`;
    const settled = timingOf(HEAVY_SETTLED);
    updateBenchmarksDoc(
      `Measured ${when} (\`npm run bench\`, ${ROUNDS} rounds of ${SECONDS} s per variant; scenario 9 at one connection ${settled.rounds} rounds after ${settled.warmupSeconds} s of warm-up per gateway):\n\n${table}\n\nTargets:\n\n\`\`\`\n${targetText}\n\`\`\`${startupText}`,
    );
    log(`updated the table in ${TABLE_FILE}`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
