/**
 * The gateway's Cache-Control for catalogue reads: the subgraphs' hints, restricted by every
 * field an operation touches (the resolvers themselves are tested in the customer subgraph).
 */
import { graphql, graphqlData } from '@reservations/test-support/graphql';
import { startTestSupergraph, type TestSupergraph } from '@reservations/test-support/supergraph';

let supergraph: TestSupergraph;

beforeAll(async () => {
  supergraph = await startTestSupergraph('cache_hints');
});

afterAll(async () => {
  await supergraph?.stop();
});

const MISSING_ID = '0190a5f0-0000-7000-8000-00000000dead';

function call<T>(tenant: string, query: string, variables?: Record<string, unknown>): Promise<T> {
  return graphqlData<T>(supergraph.gatewayUrl, query, { tenant, variables: variables ?? {} });
}

async function createCategory(tenant: string, name: string): Promise<string> {
  const data = await call<{ createCategory: { category: { id: string } } }>(
    tenant,
    'mutation ($input: CreateCategoryInput!) { createCategory(input: $input) { category { id } } }',
    {
      input: { name },
    },
  );
  return data.createCategory.category.id;
}

async function createProduct(tenant: string, input: Record<string, unknown>): Promise<{ id: string }> {
  const data = await call<{ createProduct: { product: { id: string } } }>(
    tenant,
    'mutation ($input: CreateProductInput!) { createProduct(input: $input) { product { id } } }',
    {
      input: { priceCents: 100, ...input },
    },
  );
  return data.createProduct.product;
}

describe('cache hints', () => {
  const tenant = 'cache';
  let productId: string;

  beforeAll(async () => {
    const categoryId = await createCategory(tenant, 'Cached');
    productId = (await createProduct(tenant, { name: 'Cacheable', categoryId })).id;
  });

  async function cacheControl(query: string, variables: Record<string, unknown> = {}): Promise<string | null> {
    const { headers, body } = await graphql(supergraph.gatewayUrl, query, { tenant, variables });
    expect(body.errors).toBeUndefined();
    return headers.get('cache-control');
  }

  test.each([
    ['products', '{ products(search: "cache") { totalCount nodes { name priceCents category { name } } pageInfo { endCursor } } }'],
    ['categories with their products', '{ categories { nodes { name products { nodes { name } } } } }'],
  ])('a %s-only query is cacheable for 300 s, publicly (per tenant at the gateway)', async (_label, query) => {
    expect(await cacheControl(query)).toBe('max-age=300, public');
  });

  test('a product by id is cacheable', async () => {
    expect(await cacheControl('query ($id: ID!) { product(id: $id) { name category { name } } }', { id: productId })).toBe('max-age=300, public');
  });

  test.each([
    ['customers', '{ customers { totalCount nodes { name email } } }'],
    ['customers beside products', '{ products { nodes { name } } customers { nodes { name } } }'],
    ['a customer by id beside a product', `{ product(id: "${MISSING_ID}") { name } customer(id: "${MISSING_ID}") { name } }`],
  ])('a query touching %s is never cached', async (_label, query) => {
    expect(await cacheControl(query)).toBe('no-store');
  });

  test('mutations are never cached, even when they return catalogue types', async () => {
    const header = await cacheControl(
      'mutation { createProduct(input: { name: "Fresh", priceCents: 1 }) { product { id name category { name } } } }',
    );
    expect(header).toBe('no-store');
  });
});
