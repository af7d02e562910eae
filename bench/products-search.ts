/**
 * Benchmark (not a test): `products(search:)` at 10,000 products.
 *
 *   npx tsx bench/products-search.ts        (or: npm run bench:products)
 *
 * Creates a fresh database on the machine's PostgreSQL (TEST_POSTGRES_URL, as the tests do),
 * starts the customer subgraph on it in-process, seeds one tenant with 10,000 products, then:
 *   1. prints EXPLAIN (ANALYZE, BUFFERS) of the exact SQL Prisma sends for a search, with its
 *      parameters, showing which index serves it;
 *   2. measures p50/p95 latency of the GraphQL query against the subgraph over HTTP;
 *   3. drops the trigram index and measures again, for comparison.
 * The database is dropped at the end. Options: --iterations N (default 200 per term).
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createLogger } from '@reservations/platform/logger';
import { readCustomerConfig } from '@reservations/customer-subgraph/config';
import { startCustomerSubgraph } from '@reservations/customer-subgraph/server';
import { countQueries } from '@reservations/test-support/query-counter';
import { graphql } from '@reservations/test-support/graphql';
import { createTestDatabase } from '@reservations/test-support/postgres';

const TENANT = 'bench';
const PRODUCTS = 10_000;
const CATEGORIES = 20;
const WARMUP = 20;
const iterations = Number(process.argv[process.argv.indexOf('--iterations') + 1]) || 200;

const QUERY = `query ($search: String) { products(search: $search, first: 20) {
  totalCount nodes { id name priceCents currency } pageInfo { hasNextPage endCursor } } }`;

/** Selective to broad: one product, none, about 1 in 160, 1 in 16, 1 in 10 of them. */
const TERMS = ['#4242', 'zzz', 'truffle risotto', 'salmon', 'soup'];

const ADJECTIVES = ['Spicy', 'Smoked', 'Roasted', 'Fresh', 'Classic', 'Crispy', 'Grilled', 'Creamy', 'Wild', 'Sweet'];
const INGREDIENTS = [
  'Tomato',
  'Mushroom',
  'Chicken',
  'Salmon',
  'Truffle',
  'Pumpkin',
  'Lemon',
  'Garlic',
  'Basil',
  'Chili',
  'Beef',
  'Tofu',
  'Prawn',
  'Spinach',
  'Goat Cheese',
  'Aubergine',
];
const DISHES = ['Soup', 'Salad', 'Pizza', 'Pasta', 'Burger', 'Tart', 'Risotto', 'Curry', 'Sandwich', 'Bowl'];

/** Deterministic, so every run searches the same catalogue. */
function* names(): Generator<string> {
  let seed = 42;
  // A linear congruential generator; its high bits pick (its low bits cycle too fast).
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return Math.floor((seed / 2 ** 31) * n);
  };
  for (let i = 1; ; i++) yield `${ADJECTIVES[next(ADJECTIVES.length)]} ${INGREDIENTS[next(INGREDIENTS.length)]} ${DISHES[next(DISHES.length)]} #${i}`;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const ms = (value: number) => `${value.toFixed(2)} ms`;

async function main(): Promise<void> {
  const database = await createTestDatabase('bench_products');
  const logger = createLogger('bench', 'silent');
  const subgraph = await startCustomerSubgraph(
    readCustomerConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      HOST: '127.0.0.1',
      CUSTOMER_PORT: '0',
      ...database.env('CUSTOMER'),
      MIGRATE_ON_START: 'true',
    }),
    logger,
  );
  const sql = new pg.Client({ connectionString: database.url });
  await sql.connect();
  try {
    const { rows: version } = await sql.query<{ server_version: string }>('SHOW server_version');
    console.log(`PostgreSQL ${version[0]!.server_version}, database ${database.name}, customer subgraph at ${subgraph.url}`);

    // Seed: categories, then 10,000 products (1 in 10 inactive) through Prisma in chunks.
    let started = performance.now();
    const prisma = subgraph.client;
    const categoryIds: string[] = [];
    for (let c = 0; c < CATEGORIES; c++) {
      categoryIds.push((await prisma.category.create({ data: { tenantId: TENANT, name: `Category ${c}`, position: c } })).id);
    }
    const generator = names();
    for (let offset = 0; offset < PRODUCTS; offset += 1000) {
      await prisma.product.createMany({
        data: Array.from({ length: Math.min(1000, PRODUCTS - offset) }, (_, i) => ({
          tenantId: TENANT,
          name: generator.next().value as string,
          priceCents: 300 + ((offset + i) % 4000),
          categoryId: categoryIds[(offset + i) % CATEGORIES]!,
          isActive: (offset + i) % 10 !== 0,
        })),
      });
    }
    // What autovacuum would soon do: statistics for the planner, GIN pending list merged.
    await sql.query('VACUUM ANALYZE products');
    console.log(`seeded ${PRODUCTS} products in ${CATEGORIES} categories for tenant "${TENANT}" in ${ms(performance.now() - started)}\n`);

    // 1. The SQL Prisma sends for a search, and its plan with the same parameters.
    const explained = 'truffle risotto';
    const { result: first, queries } = await countQueries(prisma, () =>
      graphql(subgraph.url, QUERY, { tenant: TENANT, variables: { search: explained } }),
    );
    if (first.body.errors) throw new Error(JSON.stringify(first.body.errors));
    const select = queries.find((query) => /ORDER BY/.test(query) && /ILIKE/.test(query));
    const count = queries.find((query) => /COUNT/.test(query));
    if (!select || !count) throw new Error(`unexpected SQL: ${queries.join('\n')}`);
    console.log(`SQL sent by Prisma for products(search: "${explained}", first: 20) (page, then totalCount):\n  ${select}\n  ${count}\n`);
    const explain = await sql.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${select}`, [TENANT, explained, 21, 0]);
    console.log(`EXPLAIN (ANALYZE, BUFFERS), search "${explained}":`);
    for (const row of explain.rows) console.log(`  ${row['QUERY PLAN']}`);
    const countPlan = await sql.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${count}`, [TENANT, explained, 0]);
    console.log(`EXPLAIN of the totalCount query:`);
    for (const row of countPlan.rows) console.log(`  ${row['QUERY PLAN']}`);

    console.log('\nplan chosen per term (page query, then totalCount query):');
    // The innermost scan of a plan: the access path.
    const access = async (query: string, params: unknown[]) =>
      (await sql.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${query}`, params)).rows
        .map((row) => row['QUERY PLAN'])
        .filter((line) => /Scan/.test(line))
        .map((line) => line.replace(/^[\s>-]+/, '').replace(/\s+\(cost.*$/, ''))
        .at(-1);
    for (const term of TERMS) {
      const matches = (await prisma.product.count({ where: { tenantId: TENANT, name: { contains: term, mode: 'insensitive' } } })).toString();
      console.log(
        `  ${JSON.stringify(term).padEnd(18)} ${matches.padStart(5)} matches   ${await access(select, [TENANT, term, 21, 0])}   |   ${await access(count, [TENANT, term, 0])}`,
      );
    }

    // 2 and 3. Latency of the GraphQL query against the subgraph, with and without the index.
    const measure = async (label: string) => {
      for (let i = 0; i < WARMUP; i++) await graphql(subgraph.url, QUERY, { tenant: TENANT, variables: { search: TERMS[i % TERMS.length] } });
      const all: number[] = [];
      const perTerm = new Map(TERMS.map((term) => [term, [] as number[]]));
      for (let i = 0; i < iterations * TERMS.length; i++) {
        const term = TERMS[i % TERMS.length]!;
        started = performance.now();
        const { body } = await graphql(subgraph.url, QUERY, { tenant: TENANT, variables: { search: term } });
        const elapsed = performance.now() - started;
        if (body.errors) throw new Error(JSON.stringify(body.errors));
        all.push(elapsed);
        perTerm.get(term)!.push(elapsed);
      }
      all.sort((a, b) => a - b);
      console.log(`\n${label}: ${all.length} sequential requests (products(search:, first: 20) with totalCount), over HTTP`);
      console.log(`  all terms         p50 ${ms(percentile(all, 50))}   p95 ${ms(percentile(all, 95))}`);
      for (const [term, samples] of perTerm) {
        samples.sort((a, b) => a - b);
        console.log(`  ${JSON.stringify(term).padEnd(18)}p50 ${ms(percentile(samples, 50))}   p95 ${ms(percentile(samples, 95))}`);
      }
    };
    await measure('with products_name_trgm_idx');
    await sql.query('DROP INDEX products_name_trgm_idx');
    await measure('without it (comparison only)');
  } finally {
    await sql.end();
    await subgraph.stop();
    await database.drop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
