/**
 * The product catalogue, at the customer subgraph's own Apollo Server in-process (no HTTP, no
 * gateway), as a front-end uses it: filters, pagination, mutations and their error codes, and
 * tenant isolation. The cache headers the gateway derives are in gateway/test/cache-hints.test.ts.
 */
import { countQueries } from '@reservations/test-support/query-counter';
import { graphql, graphqlData, type GraphQLResponseBody } from '@reservations/test-support/graphql';
import { createTestDatabase, type TestDatabase } from '@reservations/test-support/postgres';
import { startInProcessSubgraph, type InProcessSubgraph } from '@reservations/test-support/subgraph-operations';
import type { CustomerPrisma } from '../src/database';
import { customerSubgraph } from '../src/server';

let database: TestDatabase;
let subgraph: InProcessSubgraph<CustomerPrisma>;

beforeAll(async () => {
  database = await createTestDatabase('catalogue');
  subgraph = await startInProcessSubgraph(customerSubgraph, database);
});

afterAll(async () => {
  await subgraph?.stop();
  await database?.drop();
});

const MISSING_ID = '0190a5f0-0000-7000-8000-00000000dead';

interface ProductNode {
  id: string;
  name: string;
  description: string | null;
  priceCents: number;
  currency: string;
  isActive: boolean;
  category: { id: string; name: string } | null;
  createdAt: string;
  updatedAt: string;
}

interface Page<T> {
  nodes: T[];
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

const PRODUCT = 'id name description priceCents currency isActive category { id name } createdAt updatedAt';

function call<T>(tenant: string, query: string, variables?: Record<string, unknown>): Promise<T> {
  return graphqlData<T>(subgraph, query, { tenant, variables: variables ?? {} });
}

/** The first error of a call that must fail, and the data beside it. */
async function failure(tenant: string, query: string, variables?: Record<string, unknown>) {
  const { body } = await graphql(subgraph, query, { tenant, variables: variables ?? {} });
  const error = body.errors?.[0];
  if (!error) throw new Error(`expected an error, got ${JSON.stringify(body)}`);
  return { error, body: body as GraphQLResponseBody };
}

async function createCategory(tenant: string, name: string, position?: number): Promise<string> {
  const data = await call<{ createCategory: { category: { id: string } } }>(
    tenant,
    'mutation ($input: CreateCategoryInput!) { createCategory(input: $input) { category { id } } }',
    { input: { name, ...(position === undefined ? {} : { position }) } },
  );
  return data.createCategory.category.id;
}

async function createProduct(tenant: string, input: Record<string, unknown>): Promise<ProductNode> {
  const data = await call<{ createProduct: { product: ProductNode } }>(
    tenant,
    `mutation ($input: CreateProductInput!) { createProduct(input: $input) { product { ${PRODUCT} } } }`,
    { input: { priceCents: 100, ...input } },
  );
  return data.createProduct.product;
}

async function products(tenant: string, args: string): Promise<Page<ProductNode>> {
  const data = await call<{ products: Page<ProductNode> }>(
    tenant,
    `{ products${args ? `(${args})` : ''} { nodes { ${PRODUCT} } edges { cursor node { id } } pageInfo { hasNextPage endCursor } totalCount } }`,
  );
  return data.products;
}

const names = (page: { nodes: { name: string }[] }) => page.nodes.map((node) => node.name);

describe('products query', () => {
  const tenant = 'filters';
  let drinks: string;

  beforeAll(async () => {
    drinks = await createCategory(tenant, 'Drinks');
    const food = await createCategory(tenant, 'Food');
    await createProduct(tenant, { name: 'Espresso', categoryId: drinks });
    await createProduct(tenant, { name: 'Iced Tea', categoryId: drinks, isActive: false });
    await createProduct(tenant, { name: 'Tea Cake', categoryId: food });
    await createProduct(tenant, { name: 'Pasta', categoryId: food });
    await createProduct(tenant, { name: 'Green TEA' });
    await createProduct(tenant, { name: '100% Juice' });
  });

  test('each filter alone, and all of them together', async () => {
    expect(names(await products(tenant, `categoryId: "${drinks}"`))).toEqual(['Espresso', 'Iced Tea']);
    expect(names(await products(tenant, 'isActive: false'))).toEqual(['Iced Tea']);
    expect(names(await products(tenant, 'isActive: true'))).toEqual(['Espresso', 'Tea Cake', 'Pasta', 'Green TEA', '100% Juice']);
    expect(names(await products(tenant, 'search: "tea"'))).toEqual(['Iced Tea', 'Tea Cake', 'Green TEA']);
    expect(names(await products(tenant, 'search: "TEA", isActive: true'))).toEqual(['Tea Cake', 'Green TEA']);
    expect(names(await products(tenant, `search: "tea", categoryId: "${drinks}"`))).toEqual(['Iced Tea']);
    expect(names(await products(tenant, `search: "tea", categoryId: "${drinks}", isActive: true`))).toEqual([]);
  });

  test('totalCount counts everything the filters match, not just the page', async () => {
    const page = await products(tenant, 'search: "tea", first: 1');
    expect(page.nodes).toHaveLength(1);
    expect(page.totalCount).toBe(3);
    expect((await products(tenant, '')).totalCount).toBe(6);
  });

  test('search matches a substring anywhere, ignoring case; wildcards match literally; blank does not filter', async () => {
    expect(names(await products(tenant, 'search: "SPRESS"'))).toEqual(['Espresso']);
    expect(names(await products(tenant, 'search: "0%"'))).toEqual(['100% Juice']);
    expect(names(await products(tenant, 'search: "%"'))).toEqual(['100% Juice']);
    expect(names(await products(tenant, 'search: "_"'))).toEqual([]);
    expect((await products(tenant, 'search: "   "')).totalCount).toBe(6);
    expect(names(await products(tenant, 'search: "no such thing"'))).toEqual([]);
  });

  test('an unknown category is an empty result, not an error', async () => {
    const page = await products(tenant, `categoryId: "${MISSING_ID}"`);
    expect(page).toMatchObject({ nodes: [], totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null } });
  });

  test('pages through a filtered list in id order: full pages, a last page, then an empty page', async () => {
    const paging = 'paging';
    const expected: string[] = [];
    for (let i = 0; i < 7; i++) {
      const product = await createProduct(paging, { name: i % 2 === 0 ? `Page item ${i}` : `Other ${i}` });
      if (i % 2 === 0) expected.push(product.id);
    }
    const seen: string[] = [];
    const sizes: number[] = [];
    let after: string | null = null;
    let last: Page<ProductNode> | undefined;
    for (;;) {
      const page: Page<ProductNode> = await products(paging, `search: "page item", first: 3${after ? `, after: "${after}"` : ''}`);
      expect(page.totalCount).toBe(4);
      expect(page.edges.map((edge) => edge.node.id)).toEqual(page.nodes.map((node) => node.id));
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
      seen.push(...page.nodes.map((node) => node.id));
      sizes.push(page.nodes.length);
      last = page;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(sizes).toEqual([3, 1]);
    expect(seen).toEqual(expected);
    expect([...seen].sort()).toEqual(seen);

    // Asking past the last page is an empty page, not an error.
    const beyond = await products(paging, `search: "page item", first: 3, after: "${last!.pageInfo.endCursor}"`);
    expect(beyond).toMatchObject({ nodes: [], edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 4 });
  });

  test('first: 0 returns no nodes but says whether there are any; first: 100 is allowed', async () => {
    expect(await products(tenant, 'first: 0')).toMatchObject({ nodes: [], pageInfo: { hasNextPage: true, endCursor: null }, totalCount: 6 });
    expect((await products(tenant, 'first: 100')).nodes).toHaveLength(6);
  });

  test('a tenant without products gets an empty connection', async () => {
    expect(await products('empty-shop', 'search: "tea"')).toMatchObject({
      nodes: [],
      edges: [],
      pageInfo: { hasNextPage: false, endCursor: null },
      totalCount: 0,
    });
  });

  test.each([
    ['{ products(first: 101) { totalCount } }', 'first'],
    ['{ products(first: -1) { totalCount } }', 'first'],
    ['{ categories(first: 101) { totalCount } }', 'first'],
    ['{ products(after: "bm90LWEtY3Vyc29y") { totalCount } }', 'after'],
    ['{ categories(after: "bm90LWEtY3Vyc29y") { totalCount } }', 'after'],
    ['{ products(categoryId: "drinks") { totalCount } }', 'categoryId'],
    [`{ products(search: "${'x'.repeat(201)}") { totalCount } }`, 'search'],
    ['{ product(id: "42") { id } }', 'id'],
    ['{ category(id: "42") { id } }', 'id'],
  ])('%s is BAD_USER_INPUT naming %s', async (query, field) => {
    const { error } = await failure(tenant, query);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  test('a products cursor is not a categories cursor', async () => {
    const { pageInfo } = await products(tenant, 'first: 1');
    const { error } = await failure(tenant, `{ categories(after: "${pageInfo.endCursor}") { totalCount } }`);
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });
});

describe('categories', () => {
  test('are listed by position, then creation, with cursors that keep that order', async () => {
    const tenant = 'menu-order';
    await createCategory(tenant, 'Desserts', 2);
    await createCategory(tenant, 'Starters', 0);
    await createCategory(tenant, 'Mains', 1);
    await createCategory(tenant, 'Specials', 1);
    await createCategory(tenant, 'Drinks', 3);
    type Categories = { categories: Page<{ name: string; position: number }> };
    const PAGE =
      'query ($after: String) { categories(first: 2, after: $after) { nodes { name position } edges { cursor node { name } } pageInfo { hasNextPage endCursor } totalCount } }';
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const data: Categories = await call<Categories>(tenant, PAGE, { after });
      expect(data.categories.totalCount).toBe(5);
      seen.push(...names(data.categories));
      after = data.categories.pageInfo.hasNextPage ? data.categories.pageInfo.endCursor : null;
    } while (after !== null);
    expect(seen).toEqual(['Starters', 'Mains', 'Specials', 'Desserts', 'Drinks']);
  });

  test('category(id) lists its products, filtered by isActive and paginated', async () => {
    const tenant = 'category-products';
    const id = await createCategory(tenant, 'Wine');
    for (const [name, isActive] of [
      ['Merlot', true],
      ['Rioja', false],
      ['Chianti', true],
      ['Malbec', true],
    ] as const) {
      await createProduct(tenant, { name, categoryId: id, isActive });
    }
    await createProduct(tenant, { name: 'Not wine' });
    type Category = { category: { name: string; products: Page<{ name: string }> } };
    const Q = `query ($id: ID!, $active: Boolean, $after: String) { category(id: $id) { name
      products(isActive: $active, first: 2, after: $after) { nodes { name } pageInfo { hasNextPage endCursor } totalCount } } }`;
    const first = await call<Category>(tenant, Q, { id, active: true });
    expect(first.category.name).toBe('Wine');
    expect(first.category.products).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true } });
    expect(names(first.category.products)).toEqual(['Merlot', 'Chianti']);
    const second = await call<Category>(tenant, Q, { id, active: true, after: first.category.products.pageInfo.endCursor });
    expect(names(second.category.products)).toEqual(['Malbec']);
    expect(second.category.products.pageInfo.hasNextPage).toBe(false);
    const all = await call<Category>(tenant, Q, { id, active: null });
    expect(all.category.products.totalCount).toBe(4);

    expect(await call(tenant, `{ category(id: "${MISSING_ID}") { id } }`)).toEqual({ category: null });
    expect(await call('someone-else', `query ($id: ID!) { category(id: $id) { id } }`, { id })).toEqual({ category: null });
  });

  test('Product.category and Category.products are batched: one query per batch, not per row', async () => {
    const tenant = 'batching';
    for (let c = 0; c < 4; c++) {
      const categoryId = await createCategory(tenant, `Category ${c}`, c);
      for (let p = 0; p < 3; p++) await createProduct(tenant, { name: `Product ${c}.${p}`, categoryId, isActive: p !== 1 });
    }

    const withCategories = await countQueries(subgraph.client, () =>
      call<{ products: { nodes: { category: { name: string } }[] } }>(
        tenant,
        '{ products(first: 50) { nodes { name category { name position } } } }',
      ),
    );
    expect(withCategories.result.products.nodes).toHaveLength(12);
    expect(withCategories.result.products.nodes[11]!.category.name).toBe('Category 3');
    // the page of products, then every product's category in one batch
    expect(withCategories.queries).toHaveLength(2);

    type Menu = { categories: { nodes: { name: string; products: Page<{ name: string }> }[] } };
    const menu = await countQueries(subgraph.client, () =>
      call<Menu>(
        tenant,
        '{ categories { nodes { name products(isActive: true, first: 1) { totalCount nodes { name } pageInfo { hasNextPage } } } } }',
      ),
    );
    expect(menu.result.categories.nodes.map((category) => [names(category.products), category.products.totalCount])).toEqual([
      [['Product 0.0'], 2],
      [['Product 1.0'], 2],
      [['Product 2.0'], 2],
      [['Product 3.0'], 2],
    ]);
    // the categories, every category's first products in one query, all their counts in one
    expect(menu.queries).toHaveLength(3);
  });
});

describe('catalogue mutations', () => {
  test('create, update and delete a category', async () => {
    const tenant = 'category-crud';
    const created = await call<{ createCategory: { category: { id: string; name: string; position: number; products: Page<unknown> } } }>(
      tenant,
      'mutation { createCategory(input: { name: "  Salads ", position: 4 }) { category { id name position products { totalCount } } } }',
    );
    expect(created.createCategory.category).toMatchObject({ name: 'Salads', position: 4, products: { totalCount: 0 } });
    const id = created.createCategory.category.id;

    const updated = await call<{ updateCategory: { category: { name: string; position: number } } }>(
      tenant,
      'mutation ($id: ID!) { updateCategory(input: { id: $id, position: 1 }) { category { name position } } }',
      { id },
    );
    expect(updated.updateCategory.category).toEqual({ name: 'Salads', position: 1 });
    const renamed = await call<{ updateCategory: { category: { name: string; position: number } } }>(
      tenant,
      'mutation ($id: ID!) { updateCategory(input: { id: $id, name: "Bowls" }) { category { name position } } }',
      { id },
    );
    expect(renamed.updateCategory.category).toEqual({ name: 'Bowls', position: 1 });

    const deleted = await call<{ deleteCategory: { deletedId: string; movedProductCount: number } }>(
      tenant,
      'mutation ($id: ID!) { deleteCategory(input: { id: $id }) { deletedId movedProductCount } }',
      { id },
    );
    expect(deleted.deleteCategory).toEqual({ deletedId: id, movedProductCount: 0 });
    expect(await call(tenant, 'query ($id: ID!) { category(id: $id) { id } }', { id })).toEqual({ category: null });
  });

  test('create a product with defaults, update some fields, delete it', async () => {
    const tenant = 'product-crud';
    const categoryId = await createCategory(tenant, 'Bakery');
    const created = await call<{ createProduct: { product: ProductNode } }>(
      tenant,
      `mutation { createProduct(input: { name: " Croissant ", priceCents: 250 }) { product { ${PRODUCT} } } }`,
    );
    const product = created.createProduct.product;
    expect(product).toMatchObject({ name: 'Croissant', description: null, priceCents: 250, currency: 'EUR', isActive: true, category: null });
    expect(product.createdAt).toBe(product.updatedAt);

    const updated = await call<{ updateProduct: { product: ProductNode } }>(
      tenant,
      `mutation ($input: UpdateProductInput!) { updateProduct(input: $input) { product { ${PRODUCT} } } }`,
      { input: { id: product.id, priceCents: 275, currency: 'chf', description: 'Butter, 24 h dough.', categoryId } },
    );
    expect(updated.updateProduct.product).toMatchObject({
      id: product.id,
      name: 'Croissant',
      priceCents: 275,
      currency: 'CHF',
      description: 'Butter, 24 h dough.',
      isActive: true,
      category: { id: categoryId, name: 'Bakery' },
      createdAt: product.createdAt,
    });
    expect(new Date(updated.updateProduct.product.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(product.updatedAt).getTime());

    const cleared = await call<{ updateProduct: { product: ProductNode } }>(
      tenant,
      `mutation ($input: UpdateProductInput!) { updateProduct(input: $input) { product { ${PRODUCT} } } }`,
      { input: { id: product.id, description: null, categoryId: null, isActive: false } },
    );
    expect(cleared.updateProduct.product).toMatchObject({ description: null, category: null, isActive: false, priceCents: 275 });

    const deleted = await call<{ deleteProduct: { deletedId: string } }>(
      tenant,
      'mutation ($id: ID!) { deleteProduct(input: { id: $id }) { deletedId } }',
      { id: product.id },
    );
    expect(deleted.deleteProduct).toEqual({ deletedId: product.id });
    expect(await call(tenant, 'query ($id: ID!) { product(id: $id) { id } }', { id: product.id })).toEqual({ product: null });
  });

  test('a product change is visible on the next read, everywhere the product appears', async () => {
    const tenant = 'fresh-reads';
    const categoryId = await createCategory(tenant, 'Soups');
    const product = await createProduct(tenant, { name: 'Soup of the day', priceCents: 600, categoryId });
    const READ = `query ($id: ID!, $c: ID!) { product(id: $id) { name priceCents }
      products(search: "soup") { nodes { name priceCents } }
      category(id: $c) { products { nodes { name priceCents } } } }`;
    const before = await call(tenant, READ, { id: product.id, c: categoryId });
    expect(before).toEqual({
      product: { name: 'Soup of the day', priceCents: 600 },
      products: { nodes: [{ name: 'Soup of the day', priceCents: 600 }] },
      category: { products: { nodes: [{ name: 'Soup of the day', priceCents: 600 }] } },
    });
    await call(tenant, 'mutation ($id: ID!) { updateProduct(input: { id: $id, name: "Pumpkin soup", priceCents: 650 }) { product { id } } }', {
      id: product.id,
    });
    const after = await call(tenant, READ, { id: product.id, c: categoryId });
    expect(after).toEqual({
      product: { name: 'Pumpkin soup', priceCents: 650 },
      products: { nodes: [{ name: 'Pumpkin soup', priceCents: 650 }] },
      category: { products: { nodes: [{ name: 'Pumpkin soup', priceCents: 650 }] } },
    });
  });

  test('deleting a category that still has products is a CONFLICT and changes nothing', async () => {
    const tenant = 'busy-category';
    const categoryId = await createCategory(tenant, 'Pizza');
    await createProduct(tenant, { name: 'Margherita', categoryId });
    await createProduct(tenant, { name: 'Marinara', categoryId, isActive: false });
    const { error, body } = await failure(tenant, 'mutation ($id: ID!) { deleteCategory(input: { id: $id }) { deletedId } }', { id: categoryId });
    expect(error.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.id' });
    expect(error.message).toMatch(/still has 2 product/);
    expect(body.data).toBeNull();
    const still = await call<{ category: { products: { totalCount: number } } }>(
      tenant,
      'query ($id: ID!) { category(id: $id) { products { totalCount } } }',
      { id: categoryId },
    );
    expect(still.category.products.totalCount).toBe(2);
  });

  test('deleting a category can move its products (active or not) to another category first', async () => {
    const tenant = 'move-products';
    const from = await createCategory(tenant, 'Old menu');
    const to = await createCategory(tenant, 'New menu');
    await createProduct(tenant, { name: 'Kept', categoryId: to });
    await createProduct(tenant, { name: 'Moved 1', categoryId: from });
    await createProduct(tenant, { name: 'Moved 2', categoryId: from, isActive: false });
    const result = await call<{ deleteCategory: { deletedId: string; movedProductCount: number } }>(
      tenant,
      'mutation ($id: ID!, $to: ID!) { deleteCategory(input: { id: $id, moveProductsToCategoryId: $to }) { deletedId movedProductCount } }',
      { id: from, to },
    );
    expect(result.deleteCategory).toEqual({ deletedId: from, movedProductCount: 2 });
    expect(names(await products(tenant, `categoryId: "${to}"`))).toEqual(['Kept', 'Moved 1', 'Moved 2']);
    expect(await call(tenant, 'query ($id: ID!) { category(id: $id) { id } }', { id: from })).toEqual({ category: null });
  });

  describe('errors', () => {
    const tenant = 'product-errors';
    let productId: string;
    let categoryId: string;
    let foreignProductId: string;
    let foreignCategoryId: string;

    beforeAll(async () => {
      categoryId = await createCategory(tenant, 'Breakfast');
      productId = (await createProduct(tenant, { name: 'Pancakes', categoryId })).id;
      foreignCategoryId = await createCategory('other-shop', 'Theirs');
      foreignProductId = (await createProduct('other-shop', { name: 'Their product', categoryId: foreignCategoryId })).id;
    });

    const CREATE = `mutation ($input: CreateProductInput!) { createProduct(input: $input) { product { id } } }`;
    const UPDATE = `mutation ($input: UpdateProductInput!) { updateProduct(input: $input) { product { id } } }`;

    test.each([
      ['a negative price', { name: 'Bad', priceCents: -1 }, 'input.priceCents'],
      ['a blank name', { name: '   ', priceCents: 100 }, 'input.name'],
      ['a name over 200 characters', { name: 'x'.repeat(201), priceCents: 100 }, 'input.name'],
      ['a description over 4000 characters', { name: 'Long', description: 'x'.repeat(4001), priceCents: 100 }, 'input.description'],
      ['a currency that is not ISO 4217', { name: 'Bad', priceCents: 100, currency: 'ABC' }, 'input.currency'],
      ['a currency that is not three letters', { name: 'Bad', priceCents: 100, currency: 'E1' }, 'input.currency'],
      ['a currency over three characters', { name: 'Bad', priceCents: 100, currency: 'EURO' }, 'input.currency'],
      ['a malformed categoryId', { name: 'Bad', priceCents: 100, categoryId: 'breakfast' }, 'input.categoryId'],
    ])('createProduct with %s is BAD_USER_INPUT naming the field, and writes nothing', async (_label, input, field) => {
      const before = (await products(tenant, '')).totalCount;
      const { error } = await failure(tenant, CREATE, { input });
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect((await products(tenant, '')).totalCount).toBe(before);
    });

    test('a price that is not an integer is refused before any resolver runs', async () => {
      const { error } = await failure(tenant, CREATE, { input: { name: 'Bad', priceCents: 9.99 } });
      expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    });

    test.each([
      ['name: null', { name: null }, 'input.name'],
      ['priceCents: null', { priceCents: null }, 'input.priceCents'],
      ['isActive: null', { isActive: null }, 'input.isActive'],
      ['currency: null', { currency: null }, 'input.currency'],
      ['a malformed id', { id: 'pancakes' }, 'input.id'],
    ])('updateProduct with %s is BAD_USER_INPUT naming the field', async (_label, input, field) => {
      const { error } = await failure(tenant, UPDATE, { input: { id: productId, ...input } });
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    });

    test.each([
      ['createCategory with a blank name', 'mutation { createCategory(input: { name: " " }) { category { id } } }', 'input.name'],
      [
        'createCategory with a negative position',
        'mutation { createCategory(input: { name: "Neg", position: -1 }) { category { id } } }',
        'input.position',
      ],
      [
        'createCategory with a name over 100 characters',
        `mutation { createCategory(input: { name: "${'x'.repeat(101)}" }) { category { id } } }`,
        'input.name',
      ],
    ])('%s is BAD_USER_INPUT naming the field', async (_label, query, field) => {
      const { error } = await failure(tenant, query);
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    });

    test('moving products into the category being deleted is BAD_USER_INPUT', async () => {
      const { error } = await failure(
        tenant,
        'mutation ($id: ID!) { deleteCategory(input: { id: $id, moveProductsToCategoryId: $id }) { deletedId } }',
        { id: categoryId },
      );
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.moveProductsToCategoryId' });
    });

    test.each([
      ['updateProduct', UPDATE, () => ({ input: { id: MISSING_ID, priceCents: 1 } })],
      ["updateProduct on another tenant's product", UPDATE, () => ({ input: { id: foreignProductId, priceCents: 1 } })],
      ['deleteProduct', 'mutation ($id: ID!) { deleteProduct(input: { id: $id }) { deletedId } }', () => ({ id: MISSING_ID })],
      [
        "deleteProduct on another tenant's product",
        'mutation ($id: ID!) { deleteProduct(input: { id: $id }) { deletedId } }',
        () => ({ id: foreignProductId }),
      ],
      ['updateCategory', 'mutation ($id: ID!) { updateCategory(input: { id: $id, name: "X" }) { category { id } } }', () => ({ id: MISSING_ID })],
      [
        "updateCategory on another tenant's category",
        'mutation ($id: ID!) { updateCategory(input: { id: $id, name: "X" }) { category { id } } }',
        () => ({ id: foreignCategoryId }),
      ],
      ['deleteCategory', 'mutation ($id: ID!) { deleteCategory(input: { id: $id }) { deletedId } }', () => ({ id: MISSING_ID })],
      [
        "deleteCategory on another tenant's category",
        'mutation ($id: ID!) { deleteCategory(input: { id: $id }) { deletedId } }',
        () => ({ id: foreignCategoryId }),
      ],
    ])('%s with an id the tenant does not have is NOT_FOUND on input.id', async (_label, query, variables) => {
      const { error } = await failure(tenant, query, variables());
      expect(error.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.id' });
    });

    test('a category the tenant does not have is NOT_FOUND on the field that names it', async () => {
      for (const category of [MISSING_ID, foreignCategoryId]) {
        const created = await failure(tenant, CREATE, { input: { name: 'Orphan', priceCents: 1, categoryId: category } });
        expect(created.error.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.categoryId' });
        const updated = await failure(tenant, UPDATE, { input: { id: productId, categoryId: category } });
        expect(updated.error.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.categoryId' });
        const moved = await failure(
          tenant,
          'mutation ($id: ID!, $to: ID!) { deleteCategory(input: { id: $id, moveProductsToCategoryId: $to }) { deletedId } }',
          { id: categoryId, to: category },
        );
        expect(moved.error.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.moveProductsToCategoryId' });
      }
      // Nothing moved, nothing deleted, the foreign category untouched.
      const still = await call<{ category: { products: { totalCount: number } } }>(
        tenant,
        'query ($id: ID!) { category(id: $id) { products { totalCount } } }',
        { id: categoryId },
      );
      expect(still.category.products.totalCount).toBe(1);
      expect(names(await products('other-shop', ''))).toEqual(['Their product']);
    });

    test('a category name the tenant already has, in any case, is a CONFLICT on input.name', async () => {
      const created = await failure(tenant, 'mutation { createCategory(input: { name: "BREAKFAST" }) { category { id } } }');
      expect(created.error.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.name' });
      const lunch = await createCategory(tenant, 'Lunch');
      const renamed = await failure(tenant, 'mutation ($id: ID!) { updateCategory(input: { id: $id, name: "breakfast" }) { category { id } } }', {
        id: lunch,
      });
      expect(renamed.error.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.name' });
      // Another tenant may use the name.
      await expect(createCategory('third-shop', 'Breakfast')).resolves.toBeTruthy();
    });

    test('no SQL or Prisma text reaches the client in any of these errors', async () => {
      const { body } = await failure(tenant, 'mutation { createCategory(input: { name: "Breakfast" }) { category { id } } }');
      expect(JSON.stringify(body)).not.toMatch(/prisma|unique constraint|SELECT|INSERT|categories_tenant/i);
    });
  });

  test("deleting one tenant's catalogue leaves other tenants' identical data intact", async () => {
    const ids: Record<string, { category: string; product: string }> = {};
    for (const tenant of ['shop-a', 'shop-b']) {
      const category = await createCategory(tenant, 'Shared name');
      const product = (await createProduct(tenant, { name: 'Shared product', categoryId: category })).id;
      ids[tenant] = { category, product };
    }
    await call('shop-a', 'mutation ($id: ID!) { deleteProduct(input: { id: $id }) { deletedId } }', { id: ids['shop-a']!.product });
    await call('shop-a', 'mutation ($id: ID!) { deleteCategory(input: { id: $id }) { deletedId } }', { id: ids['shop-a']!.category });

    expect(await products('shop-a', '')).toMatchObject({ totalCount: 0 });
    const b = await products('shop-b', '');
    expect(b.nodes.map((node) => [node.id, node.name, node.category?.id])).toEqual([
      [ids['shop-b']!.product, 'Shared product', ids['shop-b']!.category],
    ]);
  });
});
