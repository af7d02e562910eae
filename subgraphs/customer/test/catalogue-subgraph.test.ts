/**
 * The catalogue at the subgraph's own endpoint: entity references as the gateway sends them,
 * cache headers and their setting, the demo seed, and the search indexes.
 */
import pg from 'pg';
import { ConfigError } from '@reservations/platform/config';
import { demoCategories, demoCustomers, demoProducts, demoTenant } from '@reservations/customer-subgraph/demo-tenant';
import { createLogger } from '@reservations/platform/logger';
import { countQueries } from '@reservations/test-support/query-counter';
import { graphql, graphqlData } from '@reservations/test-support/graphql';
import { createTestDatabase, type TestDatabase } from '@reservations/test-support/postgres';
import { readCustomerConfig } from '../src/config';
import { seedDemoTenant } from '../src/seed';
import { startCustomerSubgraph } from '../src/server';
import { bindCustomerTenant } from '../src/database';

type Started = Awaited<ReturnType<typeof startCustomerSubgraph>>;

const logger = createLogger('catalogue-test', process.env.TEST_LOG_LEVEL ?? 'silent');
let database: TestDatabase;
let subgraph: Started;
let url: string;

function start(env: Record<string, string> = {}): Promise<Started> {
  return startCustomerSubgraph(
    readCustomerConfig({
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      CUSTOMER_PORT: '0',
      ...database.env('CUSTOMER'),
      MIGRATE_ON_START: 'true',
      ...env,
    }),
    logger,
  );
}

beforeAll(async () => {
  database = await createTestDatabase('catalogue_subgraph');
  subgraph = await start();
  url = subgraph.url;
});

afterAll(async () => {
  await subgraph?.stop();
  await database?.drop();
});

async function createCategory(tenant: string, name: string): Promise<string> {
  const data = await graphqlData<{ createCategory: { category: { id: string } } }>(
    url,
    'mutation ($name: String!) { createCategory(input: { name: $name }) { category { id } } }',
    {
      tenant,
      variables: { name },
    },
  );
  return data.createCategory.category.id;
}

async function createProduct(tenant: string, name: string, categoryId: string | null): Promise<string> {
  const data = await graphqlData<{ createProduct: { product: { id: string } } }>(
    url,
    'mutation ($input: CreateProductInput!) { createProduct(input: $input) { product { id } } }',
    { tenant, variables: { input: { name, priceCents: 500, categoryId } } },
  );
  return data.createProduct.product.id;
}

const ENTITIES = `query ($r: [_Any!]!) { _entities(representations: $r) {
  ... on Product { id name category { id name } }
  ... on Category { id name }
  ... on Customer { id name } } }`;

describe('entity references', () => {
  test('N product and M category references cost one query per type, answered in request order', async () => {
    const tenant = 'refs';
    const categories: string[] = [];
    const products: string[] = [];
    for (let c = 0; c < 3; c++) {
      const category = await createCategory(tenant, `Category ${c}`);
      categories.push(category);
      for (let p = 0; p < 3; p++) products.push(await createProduct(tenant, `Product ${c}.${p}`, category));
    }
    const foreign = await createProduct('refs-other', 'Not yours', null);
    const representations = [
      ...[...products].reverse().map((id) => ({ __typename: 'Product', id })),
      ...categories.map((id) => ({ __typename: 'Category', id })),
      { __typename: 'Product', id: foreign },
      { __typename: 'Product', id: 'not-a-uuid' },
      { __typename: 'Category', id: '0190a5f0-0000-7000-8000-00000000dead' },
    ];

    const { result, queries } = await countQueries(subgraph.client, () =>
      graphqlData<{ _entities: ({ id: string; category?: { id: string } } | null)[] }>(url, ENTITIES, {
        tenant,
        variables: { r: representations },
      }),
    );
    expect(result._entities.map((entity) => entity?.id ?? null)).toEqual([...[...products].reverse(), ...categories, null, null, null]);
    // Each product's category comes from the category loader, which already holds them.
    expect(result._entities[0]).toMatchObject({ category: { id: categories[2] } });
    // products by id, categories by id (the referenced and the products' categories together)
    expect(queries).toHaveLength(2);
  });

  test("another tenant's products and categories resolve to null", async () => {
    const category = await createCategory('owner', 'Private');
    const product = await createProduct('owner', 'Private product', category);
    const data = await graphqlData<{ _entities: unknown[] }>(url, ENTITIES, {
      tenant: 'intruder',
      variables: {
        r: [
          { __typename: 'Product', id: product },
          { __typename: 'Category', id: category },
        ],
      },
    });
    expect(data._entities).toEqual([null, null]);
  });
});

describe('cache headers', () => {
  async function cacheControl(target: string, query: string, variables: Record<string, unknown> = {}): Promise<string | null> {
    const { headers, body } = await graphql(target, query, { tenant: 'cache', variables });
    expect(body.errors).toBeUndefined();
    return headers.get('cache-control');
  }

  test('catalogue reads, including entity fetches, carry the catalogue max age; customers never', async () => {
    const category = await createCategory('cache', 'Hinted');
    const product = await createProduct('cache', 'Hinted product', category);
    expect(await cacheControl(url, '{ products { nodes { name category { name } } pageInfo { hasNextPage } } }')).toBe('max-age=300, public');
    expect(
      await cacheControl(url, ENTITIES, {
        r: [
          { __typename: 'Product', id: product },
          { __typename: 'Category', id: category },
        ],
      }),
    ).toBe('max-age=300, public');
    expect(
      await cacheControl(url, ENTITIES, {
        r: [
          { __typename: 'Product', id: product },
          { __typename: 'Customer', id: demoCustomers[0].id },
        ],
      }),
    ).toBe('no-store');
    expect(await cacheControl(url, '{ customers { nodes { name } } }')).toBe('no-store');
  });

  test('CATALOGUE_CACHE_MAX_AGE sets the max age of every catalogue hint; 0 turns caching off', async () => {
    const short = await start({ CATALOGUE_CACHE_MAX_AGE: '60' });
    const off = await start({ CATALOGUE_CACHE_MAX_AGE: '0' });
    try {
      expect(await cacheControl(short.url, '{ categories { nodes { name products { nodes { name } } } } }')).toBe('max-age=60, public');
      expect(await cacheControl(off.url, '{ categories { nodes { name products { nodes { name } } } } }')).toBe('no-store');
      expect(await cacheControl(short.url, '{ customers { totalCount } }')).toBe('no-store');
    } finally {
      await short.stop();
      await off.stop();
    }
  });

  test('an invalid CATALOGUE_CACHE_MAX_AGE is reported by name', () => {
    expect(() => readCustomerConfig({ CATALOGUE_CACHE_MAX_AGE: 'five minutes' })).toThrow(ConfigError);
    expect(() => readCustomerConfig({ CATALOGUE_CACHE_MAX_AGE: '-1' })).toThrow(/CATALOGUE_CACHE_MAX_AGE/);
    expect(readCustomerConfig({}).catalogueCacheMaxAge).toBe(300);
  });
});

describe('catalogue change header', () => {
  async function changed(query: string, variables: Record<string, unknown> = {}): Promise<string | null> {
    const { headers } = await graphql(url, query, { tenant: 'changes', variables });
    return headers.get('x-catalogue-changed');
  }

  test('successful product and category writes say so, so the gateway can drop its cached reads', async () => {
    const category = await createCategory('changes', 'Before');
    const product = await createProduct('changes', 'Before', category);
    expect(await changed('mutation ($id: ID!) { updateProduct(input: { id: $id, priceCents: 1 }) { product { id } } }', { id: product })).toBe('1');
    expect(await changed('mutation ($id: ID!) { updateCategory(input: { id: $id, position: 3 }) { category { id } } }', { id: category })).toBe('1');
    expect(await changed('mutation { createCategory(input: { name: "Other" }) { category { id } } }')).toBe('1');
    expect(await changed('mutation ($id: ID!) { deleteProduct(input: { id: $id }) { deletedId } }', { id: product })).toBe('1');
    expect(await changed('mutation ($id: ID!) { deleteCategory(input: { id: $id }) { deletedId } }', { id: category })).toBe('1');
  });

  test('reads, failed writes and customer writes do not', async () => {
    expect(await changed('{ products { totalCount } categories { totalCount } }')).toBeNull();
    expect(await changed('mutation { createCategory(input: { name: "Other" }) { category { id } } }')).toBeNull();
    expect(
      await changed(`mutation { updateProduct(input: { id: "0190a5f0-0000-7000-8000-00000000dead", priceCents: 1 }) { product { id } } }`),
    ).toBeNull();
    expect(await changed('mutation { createProduct(input: { name: "Free", priceCents: -1 }) { product { id } } }')).toBeNull();
    expect(await changed('mutation { createCustomer(input: { name: "C", email: "c@example.com" }) { customer { id } } }')).toBeNull();
  });
});

describe('demo seed', () => {
  test('seeds customers, categories and products of tenant demo, and a second run changes nothing', async () => {
    await seedDemoTenant(subgraph.client, logger);
    const count = async () => ({
      customers: await bindCustomerTenant(subgraph.client, demoTenant).customer.count(),
      categories: await bindCustomerTenant(subgraph.client, demoTenant).category.count(),
      products: await bindCustomerTenant(subgraph.client, demoTenant).product.count(),
      inactive: await bindCustomerTenant(subgraph.client, demoTenant).product.count({ where: { isActive: false } }),
    });
    const first = await count();
    expect(first).toEqual({ customers: 4, categories: demoCategories.length, products: demoProducts.length, inactive: 3 });
    expect(demoProducts.length).toBeGreaterThanOrEqual(20);

    await seedDemoTenant(subgraph.client, logger);
    expect(await count()).toEqual(first);

    type Menu = { categories: { nodes: { name: string; products: { totalCount: number } }[] }; customer: { phone: string | null } };
    const menu = await graphqlData<Menu>(
      url,
      `{ categories { nodes { name products { totalCount } } } customer(id: "${demoCustomers[0].id}") { phone } }`,
      {
        tenant: demoTenant,
      },
    );
    expect(menu.categories.nodes.map((category) => category.name)).toEqual(['Starters', 'Mains', 'Desserts', 'Drinks']);
    expect(menu.customer.phone).toBe('+442079460958');
  });
});

describe('search indexes', () => {
  test('the trigram indexes exist and serve the exact SQL Prisma sends for `search`', async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE indexname LIKE '%trgm%' ORDER BY indexname`);
      expect(rows.map((row) => row.indexname)).toEqual(['customers_email_trgm_idx', 'customers_name_trgm_idx', 'products_name_trgm_idx']);

      // What Prisma sends for a search, planned with the same parameters on 5,000 products
      // of one tenant (the benchmark does 10,000 through the API).
      await client.query(
        `INSERT INTO products (id, tenant_id, name, price_cents, updated_at)
         SELECT gen_random_uuid(), 'search', 'Product ' || md5(n::text), 100, now() FROM generate_series(1, 5000) AS n`,
      );
      await client.query('VACUUM ANALYZE products');
      const { queries } = await countQueries(subgraph.client, () =>
        graphqlData(url, '{ products(search: "ABC12") { nodes { id } } }', { tenant: 'search' }),
      );
      const select = queries.find((query) => /ILIKE/.test(query));
      expect(select).toMatch(/"name" ILIKE \('%' \|\| \$2 \|\| '%'\)/);
      const plan = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${select!}`, ['search', 'ABC12', 21, 0]);
      expect(plan.rows.map((row) => row['QUERY PLAN']).join('\n')).toMatch(/Bitmap Index Scan on products_name_trgm_idx/);
    } finally {
      await client.end();
    }
  });
});

test('a database failure on catalogue reads reaches the client as INTERNAL_SERVER_ERROR without SQL', async () => {
  await database.asOwner('ALTER TABLE products RENAME TO products_away');
  try {
    const { body } = await graphql(url, '{ products { nodes { id } } }', { tenant: 'broken' });
    expect(body.errors?.[0]).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(JSON.stringify(body)).not.toMatch(/products_away|relation|prisma|SELECT/i);
  } finally {
    await database.asOwner('ALTER TABLE products_away RENAME TO products');
  }
});
