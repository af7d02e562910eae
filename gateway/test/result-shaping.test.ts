import { composeServices } from '@apollo/composition';
import { operationFromDocument, Supergraph, type Schema } from '@apollo/federation-internals';
import { ApolloGateway, LocalGraphQLDataSource } from '@apollo/gateway';
import { computeResponse } from '@apollo/gateway/dist/resultShaping';
import { ApolloServer } from '@apollo/server';
import {
  getNamedType,
  isAbstractType,
  isCompositeType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  parse,
  validate,
  type FragmentDefinitionNode,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { composeHeavySupergraph, HEAVY_QUERY, heavySubgraphSchemas, type HeavySubgraph } from '../../bench/heavy/subgraphs';
import { compileResultShaper, type ResultShaper } from '../src/execution/result-shaping';

const SUBGRAPH = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
  scalar JSON
  enum Color { RED GREEN BLUE }
  interface Node { id: ID! }
  interface Named { name: String }
  interface Priced implements Node { id: ID! price: Int! }
  type Product implements Node & Named & Priced @key(fields: "id") {
    id: ID!
    name: String
    price: Int!
    weight: Float
    tags: [String!]
    matrix: [[Int]]
    strictMatrix: [[Int!]!]!
    color: Color
    colors: [Color!]!
    meta: JSON
    related: [Product]
    owner: User!
    flag: Boolean
  }
  type User implements Node & Named @key(fields: "id") {
    id: ID!
    name: String
    friends: [User!]
    favorite: SearchResult
    nodes: [Node]
    manager: User
  }
  type Review implements Node @key(fields: "id") { id: ID! body: String! author: User rating: Int product: Product! }
  union SearchResult = Product | User | Review
  type Query {
    product(id: ID): Product
    node(id: ID): Node
    nodes: [Node!]!
    search: [SearchResult]
    me: User!
    products: [Product!]!
    named: Named
    version: String
    count: Int!
  }
`;

interface Target {
  api: Schema;
  graphql: GraphQLSchema;
}

function targetOf(supergraphSdl: string): Target {
  const api = Supergraph.build(supergraphSdl).apiSchema();
  return { api, graphql: api.toGraphQLJSSchema() };
}

function composed(typeDefs: string): string {
  const result = composeServices([{ name: 'shop', url: 'http://shop/graphql', typeDefs: parse(typeDefs) }]);
  if (result.errors) throw new Error(result.errors.map((error) => error.message).join('; '));
  return result.supergraphSdl;
}

const shop = targetOf(composed(SUBGRAPH));

type Outcome = { threw: string } | { data: string | undefined; dataIsNull: boolean; errors: { message: string; path: unknown; code: unknown }[] };

function outcomeOf(
  run: () => { data: unknown; errors: readonly { message: string; path?: unknown; extensions?: Record<string, unknown> }[] },
): Outcome {
  let result;
  try {
    result = run();
  } catch (error) {
    return { threw: error instanceof Error ? error.message : String(error) };
  }
  return {
    data: JSON.stringify(result.data),
    dataIsNull: result.data === null,
    errors: result.errors.map((error) => ({ message: error.message, path: error.path, code: error.extensions?.code })),
  };
}

/** Every object of a shaped answer is a plain object: fast properties, fast JSON.stringify. */
function expectPlain(value: unknown): void {
  if (Array.isArray(value)) {
    value.forEach(expectPlain);
  } else if (value !== null && typeof value === 'object') {
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    Object.values(value).forEach(expectPlain);
  }
}

interface Compiled {
  operation: OperationDefinitionNode;
  fragments: Record<string, FragmentDefinitionNode>;
  shaper: ResultShaper | null;
  apollo: ReturnType<typeof operationFromDocument>;
}

function compile(target: Target, query: string, { validated = true } = {}): Compiled {
  const document = parse(query);
  if (validated) expect(validate(target.graphql, document)).toEqual([]);
  const operation = document.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION)!;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  // As executeQueryPlan builds it.
  const apollo = operationFromDocument(
    target.api,
    { kind: Kind.DOCUMENT, definitions: [operation, ...Object.values(fragments)] },
    { validate: false },
  );
  return { operation, fragments, shaper: compileResultShaper(target.graphql, operation, fragments), apollo };
}

function compare(compiled: Compiled, input: Record<string, unknown>, variables?: Record<string, unknown>): { ours: Outcome; data: unknown } {
  const { shaper, apollo } = compiled;
  if (shaper === null) throw new Error('the operation should compile');
  const theirs = outcomeOf(() =>
    computeResponse({
      operation: apollo,
      variables,
      input,
      introspectionHandling: () => {
        throw new Error('no introspection in these tests');
      },
    }),
  );
  let data: unknown;
  const ours = outcomeOf(() => {
    const result = shaper(input, variables);
    data = result.data;
    return result;
  });
  expect(ours).toEqual(theirs);
  expectPlain(data);
  return { ours, data };
}

/** Both shapers agree on this input, and neither threw. */
function same(query: string, input: Record<string, unknown>, variables?: Record<string, unknown>, target = shop) {
  const { ours, data } = compare(compile(target, query), input, variables);
  if ('threw' in ours) throw new Error(`both shapers threw: ${ours.threw}`);
  return { data, errors: ours.errors };
}

/** Both shapers throw the same assertion on this input. */
function sameThrow(query: string, input: Record<string, unknown>, variables?: Record<string, unknown>): string {
  const { ours } = compare(compile(shop, query), input, variables);
  if (!('threw' in ours)) throw new Error('both shapers should have thrown');
  return ours.threw;
}

const product = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  __typename: 'Product',
  id: 'p1',
  name: 'Lamp',
  price: 1200,
  weight: 1.5,
  tags: ['a', 'b'],
  matrix: [[1, null], [], null],
  strictMatrix: [[1, 2], [3]],
  color: 'RED',
  colors: ['GREEN', 'BLUE'],
  meta: { any: ['thing'] },
  related: [],
  owner: { __typename: 'User', id: 'u1', name: 'Ann' },
  flag: true,
  ...overrides,
});

describe('the compiled result shaper answers what Apollo computeResponse answers', () => {
  describe('fields', () => {
    test('fields the client did not ask for are dropped, and keys follow the operation, not the input', () => {
      const { data } = same('{ product { price name id } version }', {
        version: '1',
        extra: { deep: true },
        product: { id: 'p1', __typename: 'Product', upc: 'k', name: 'Lamp', price: 3, weight: 2 },
      });
      expect(JSON.stringify(data)).toBe('{"product":{"price":3,"name":"Lamp","id":"p1"},"version":"1"}');
    });

    test('aliases, two aliases of one field, and an alias over another field name', () => {
      same('{ a: product { n1: name n2: name name id: price } b: product { id } version: count }', {
        a: { n1: 'x', n2: 'y', name: 'z', id: 4 },
        b: { id: 'p2' },
        version: 12,
      });
      same('{ first: product { owner { id } } second: product { owner { name } } }', {
        first: { owner: { id: 'u1', name: 'not asked' } },
        second: { owner: { id: 'not asked', name: 'Ann' } },
      });
    });

    test('a field missing from the input and one that is null, nullable and non-null', () => {
      same('{ version product { name } }', { product: {} });
      same('{ version product { name } }', { version: null, product: { name: null } });
      const { data, errors } = same('{ count version }', {});
      expect(data).toBeNull();
      expect(errors).toHaveLength(1);
      same('{ product { id price } }', { product: { id: 'p1' } });
      same('{ product { id price } }', { product: { id: 'p1', price: null } });
    });

    test('the same response name from several places is merged, in order of first appearance', () => {
      const query = `{
        product { id owner { id } ...A ... on Product { owner { name friends { id } } price } }
        ... on Query { product { name owner { friends { name } } } }
      }
      fragment A on Product { owner { id name } tags }`;
      same(query, { product: product({ owner: { id: 'u1', name: 'Ann', friends: [{ id: 'u2', name: 'Bo' }] } }) });
      same(query, {
        product: product({
          owner: {
            id: 'u1',
            name: 'Ann',
            friends: [
              { id: 'u2', name: null },
              { id: 'u3', name: 7 },
            ],
          },
        }),
      });
      same(query, { product: product({ owner: { id: 'u1', name: 'Ann', friends: [{ id: null }] } }) });
      // Errors come in the order the walk meets them, the second visit of `owner` after `price`.
      const deep = `{ me { manager { id name } friends { id } } ... on Query { me { manager { name } } } }`;
      same(deep, { me: { manager: { id: 5, name: 1 }, friends: [{ id: null }] } });
      same(deep, { me: { manager: { id: 'm', name: 1 }, friends: [{ id: 'f', name: 2 }] } });
      const later = `{ me { manager { id } friends { id } } ... on Query { me { manager { name } } } }`;
      const { errors } = same(later, { me: { manager: { id: 'm', name: 1 }, friends: [{ id: null }] } });
      expect(errors.map((error) => error.path)).toEqual([
        ['me', 'friends', 0, 'id'],
        ['me', 'manager', 'name'],
      ]);
      same('{ product { ... on Product { name } ... on Product { price } ...A ...A } } fragment A on Product { id }', { product: product() });
    });
  });

  describe('lists', () => {
    test('nested lists, lists of lists, empty lists', () => {
      same('{ product { tags matrix strictMatrix colors related { id name } } }', {
        product: product({ related: [product(), null, product({ id: 'p2' })] }),
      });
      same('{ product { tags matrix strictMatrix colors related { id } } }', {
        product: product({ tags: [], matrix: [], strictMatrix: [[]], colors: [] }),
      });
    });

    test('null items: kept for nullable items, nulling the list for non-null ones', () => {
      same('{ product { matrix } }', { product: { matrix: [[null, 1], null, [null]] } });
      const { data, errors } = same('{ product { id tags } }', { product: { id: 'p', tags: ['a', null, 'b', null] } });
      expect(data).toEqual({ product: { id: 'p', tags: null } });
      expect(errors).toHaveLength(2);
    });

    test('null bubbling from a list item to the list, to the parent, and to the root', () => {
      // [[Int!]!]!: a null Int nulls its list, which nulls the outer list, which nulls the product.
      same('{ product { id strictMatrix } version }', { product: { id: 'p', strictMatrix: [[1], [2, null, 3]] }, version: 'v' });
      same('{ product { id strictMatrix } }', { product: { id: 'p', strictMatrix: [null, [1]] } });
      same('{ product { id strictMatrix } }', { product: { id: 'p', strictMatrix: null } });
      // [Product!]! at the root: no data at all.
      const { data } = same('{ version products { id price } }', {
        version: 'v',
        products: [
          { id: 'a', price: 1 },
          { id: 'b', price: null },
        ],
      });
      expect(data).toBeNull();
      same('{ version products { id } }', { version: 'v', products: [{ id: 'a' }, null, { id: null }] });
      same('{ product { related { id owner { id } } } }', {
        product: {
          related: [
            { id: 'a', owner: null },
            { id: 'b', owner: { id: 'u' } },
          ],
        },
      });
    });

    test('null for non-null fields at depth', () => {
      same('{ me { id friends { id manager { id name } } } }', { me: { id: 'u1', friends: [{ id: 'u2', manager: { id: null } }] } });
      same('{ me { id friends { id manager { id name } } } }', { me: { id: 'u1', friends: [{ id: 'u2', manager: { name: 'x' } }, { id: null }] } });
      const { data } = same('{ version me { id friends { id } } }', { version: 'v', me: { id: null } });
      expect(data).toBeNull();
      same('{ me { id } }', { me: null });
    });
  });

  describe('leaf values', () => {
    const query = '{ product { id name price weight color colors meta flag } }';
    test.each([
      ['a string for an Int', { price: '12' }],
      ['a float for an Int', { price: 1.5 }],
      ['a huge integer for an Int', { price: 1e21 }],
      ['a big safe integer for an Int', { price: 2 ** 53 }],
      ['NaN and Infinity', { price: Number.NaN, weight: Number.POSITIVE_INFINITY }],
      ['negative zero for an Int', { price: -0 }],
      ['a number for a String', { name: 42 }],
      ['a boolean for a String', { name: false }],
      ['an object and a list for a String', { name: { a: 1 }, id: ['x'] }],
      ['a wrong enum value', { color: 'PURPLE', colors: ['RED', 'red'] }],
      ['a number for an enum', { color: 1 }],
      ['a boolean for an ID', { id: true }],
      ['an integer for an ID', { id: 12 }],
      ['a float for an ID', { id: 1.5 }],
      ['a string and an integer for a Float', { weight: '1.5' }],
      ['an integer for a Float', { weight: 3 }],
      ['a string for a Boolean', { flag: 'true' }],
      ['a number for a Boolean', { flag: 0 }],
      ['objects, lists and anything for a custom scalar', { meta: [1, 'x', { y: null }] }],
      ['a string for a custom scalar', { meta: 'plain' }],
      ['a boolean for a custom scalar', { meta: false }],
    ])('%s', (_, overrides) => {
      same(query, { product: product(overrides) });
    });
  });

  describe('abstract types and fragments', () => {
    const query = `{
      node {
        __typename
        id
        ... on Product { name price }
        ... on User { name friends { id } }
        ...ReviewBits
        ... on Node { nodeId: id }
      }
    }
    fragment ReviewBits on Review { body rating }`;

    test.each(['Product', 'User', 'Review'])('an interface field holding a %s', (typename) => {
      same(query, { node: { __typename: typename, id: 'n', nodeId: 'n', name: 'N', price: 5, friends: [], body: 'b', rating: 3 } });
    });

    test('without __typename in the input only the fragments on the declared type apply', () => {
      const { data } = same(query.replace('__typename', ''), { node: { id: 'n', nodeId: 'n', name: 'N', price: 5, body: 'b' } });
      expect(data).toEqual({ node: { id: 'n', nodeId: 'n' } });
      // __typename then falls back to the interface, which cannot answer it: null, bubbling, without an error.
      expect(same(query, { node: { id: 'n', nodeId: 'n' } })).toEqual({ data: { node: null }, errors: [] });
      same('{ product { __typename id ... on Node { id } ... on Named { name } } }', { product: { id: 'p', name: 'x' } });
    });

    test('unions, fragments on the interface inside them, nested and named fragments', () => {
      const union = `{
        search {
          t: __typename
          ... on Node { id }
          ... on Named { ... on Product { name color } ... on User { name favorite { __typename ...Fav } } }
          ...ProductFields
        }
      }
      fragment Fav on SearchResult { ... on Review { body author { name } } ... on Product { id } }
      fragment ProductFields on Product { price ...More }
      fragment More on Priced { id price }`;
      same(union, {
        search: [
          product(),
          { __typename: 'User', id: 'u', name: 'U', favorite: { __typename: 'Review', id: 'r', body: 'ok', author: { name: 'A' } } },
          { __typename: 'Review', id: 'r', body: 'b' },
          null,
          { __typename: 'User', id: 'u2', name: 'V', favorite: { __typename: 'Product', id: 'p', price: 3 } },
        ],
      });
      same(union, { search: [{ id: 'x' }, { __typename: 'User', id: 'u', favorite: { id: 'p' } }] });
      same('{ named { name ... on Named { name } ... on Product { price } } }', { named: { __typename: 'Product', name: 'n', price: 4 } });
    });

    test('__typename: from the input, from the parent type, aliased, and at the root', () => {
      same('{ __typename q: __typename product { __typename t: __typename id } }', { product: { id: 'p' } });
      same('{ __typename product { __typename t: __typename id } }', { __typename: 'Query', product: { __typename: 'Product', t: 'User', id: 'p' } });
      same('{ product { t: __typename } }', { product: { __typename: 'Product', t: 42 } });
      same('{ product { t: __typename } }', { product: { t: 'Review' } });
      same('{ product { t: __typename } }', { product: { t: 'NoSuchType' } });
      // An interface named by the input: shaped as that interface, whose __typename cannot be answered (null, no error).
      const { data, errors } = same('{ version node { __typename id } }', { version: 'v', node: { __typename: 'Node', id: 'n' } });
      expect(data).toEqual({ version: 'v', node: null });
      expect(errors).toEqual([]);
      same('{ version node { id } }', { version: 'v', node: { __typename: 'Node', id: 'n' } });
    });

    test('an invalid __typename in the input', () => {
      same('{ version node { id } }', { version: 'v', node: { __typename: 'Nope', id: 'n' } });
      same('{ version node { id } }', { version: 'v', node: { __typename: 'Float', id: 'n' } });
      same('{ version node { id } }', { version: 'v', node: { __typename: 'Color', id: 'n' } });
      same('{ version node { id } }', { version: 'v', node: { __typename: '', id: 'n' } });
      same('{ version node { id } }', { version: 'v', node: { __typename: 'constructor', id: 'n' } });
      same('{ nodes { id } }', {
        nodes: [
          { __typename: 'Product', id: 'a' },
          { __typename: 'Nope', id: 'b' },
        ],
      });
      same('{ product { owner { id } } }', { product: { owner: { __typename: 'Review', id: 'r' } } });
      expect(sameThrow('{ node { id } }', { node: { __typename: 7, id: 'n' } })).toMatch(/__typename/);
      expect(sameThrow('{ node { id } }', { node: { __typename: null, id: 'n' } })).toMatch(/__typename/);
      expect(sameThrow('{ ... on Query { version } }', { __typename: 7, version: 'v' })).toMatch(/__typename/);
      same('{ version ... on Query { count } }', { __typename: 'Nope', version: 'v', count: 1 });
      same('{ version ... on Query { count } }', { __typename: false, version: 'v', count: 1 });
    });
  });

  describe('@skip and @include', () => {
    const query = `query Q($skip: Boolean!, $include: Boolean = true, $other: Boolean = false) {
      version @skip(if: $skip)
      count @include(if: $include)
      a: version @include(if: false)
      b: version @skip(if: false)
      product {
        id @skip(if: true)
        name @include(if: $include) @skip(if: $other)
        ... on Product @include(if: $other) { price }
        ...F @skip(if: $skip)
        owner @include(if: $include) { id }
        owner { name }
      }
    }
    fragment F on Product { tags weight }`;
    const input = { version: 'v', count: 2, a: 'a', b: 'b', product: product() };

    test.each([
      [{ skip: true }],
      [{ skip: false }],
      [{ skip: false, include: false }],
      [{ skip: false, include: true, other: true }],
      [{ skip: true, include: false, other: true }],
    ])('with variables %j', (variables) => {
      same(query, input, variables);
    });

    test('a variable that is not a boolean throws where Apollo reaches the selection, and only then', () => {
      expect(sameThrow(query, input, { skip: null })).toMatch(/Unexpected value null for variable \$skip of @skip\(if: \$skip\)/);
      sameThrow(query, input, { skip: false, include: undefined });
      sameThrow(query, input, { skip: false, other: 'yes' });
      same('query Q($s: Boolean!) { version product { id @skip(if: $s) } }', { version: 'v', product: null });
      sameThrow('query Q($s: Boolean!) { version product { id @skip(if: $s) } }', { version: 'v', product: { id: 'p' } });
    });

    test('variants computed for one request are reused by the next without leaking', () => {
      const compiled = compile(shop, query);
      for (const variables of [{ skip: true }, { skip: false }, { skip: true }, { skip: false, include: false }, { skip: false }]) {
        compare(compiled, input, variables);
      }
    });
  });

  test('an operation needing Apollo compiles to null', () => {
    const shaperOf = (query: string) => {
      const [operation, ...fragments] = parse(query).definitions as [OperationDefinitionNode, ...FragmentDefinitionNode[]];
      return compileResultShaper(shop.graphql, operation, Object.fromEntries(fragments.map((fragment) => [fragment.name.value, fragment])));
    };
    expect(shaperOf('{ version }')).not.toBeNull();
    expect(shaperOf('{ __schema { queryType { name } } }')).toBeNull();
    expect(shaperOf('{ version ...F } fragment F on Query { t: __type(name: "Product") { name } }')).toBeNull();
    expect(shaperOf('{ __proto__: version }')).toBeNull();
    expect(shaperOf('{ product { ... on Product { __proto__: name } } }')).toBeNull();
    expect(shaperOf('{ nope }')).toBeNull();
    expect(shaperOf('{ ...Missing }')).toBeNull();
    expect(shaperOf('{ version @unknown }')).toBeNull();
  });

  test('response names that objects inherit are read as own properties only', () => {
    const schema = targetOf(
      composed(`
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
      type Thing { constructor: String toString: String map: Int length: Int values: [Int] }
      type Query { thing: Thing things: [Thing] }
    `),
    );
    const query = '{ thing { constructor toString map length values } valueOf: thing { map } things { length } }';
    same(query, { thing: { map: 1 } }, undefined, schema);
    same(query, { thing: Object.assign(Object.create(null) as object, { toString: 'x', length: 2 }) }, undefined, schema);
    same(query, { thing: [1, 2], things: [[], [1]] }, undefined, schema);
  });

  test('null-prototype inputs, as Apollo executor merges them, shape the same', () => {
    const input = JSON.parse(JSON.stringify({ product: product() }), (_, value: unknown) =>
      value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.assign(Object.create(null) as object, value) : value,
    ) as Record<string, unknown>;
    same('{ product { id name owner { __typename id } tags } }', input);
  });

  test('inputs the executor would not produce throw Apollo assertions, the same ones', () => {
    sameThrow('{ product { tags } }', { product: { tags: 'a' } });
    sameThrow('{ product { owner { id } } }', { product: { owner: 'u1' } });
    sameThrow('{ product { tags } }', { product: { tags: ['a', undefined] } });
  });

  test('random inputs for a fixed operation', () => {
    const query = `query Random($withOwner: Boolean!, $skipTags: Boolean = false) {
      products { id name price ...ProductBits owner @include(if: $withOwner) { id name ... on Named { name } } }
      node { __typename id ... on Product { ...ProductBits weight } ... on User { name friends { id name } } ... on Review { body rating } }
      search { ... on Node { id } ... on Product { color colors } ... on User { favorite { __typename ... on Review { body } } } t: __typename }
      me { id name manager { id name } nodes { id ... on Priced { price } } }
      version
      product { ... on Product { owner { id } } owner { name friends { id } } }
    }
    fragment ProductBits on Product { tags @skip(if: $skipTags) matrix strictMatrix meta related { id name } color }`;
    const compiled = compile(shop, query);
    const random = mulberry32(20_240_611);
    const generator = new InputGenerator(shop.graphql, random);
    let answered = 0;
    let nulled = 0;
    let withErrors = 0;
    for (let i = 0; i < 400; i++) {
      const input = generator.object(shop.graphql.getQueryType()!, 0, false) as Record<string, unknown>;
      const variables: Record<string, unknown> = { withOwner: random() < 0.5 };
      const skipTags = random();
      if (skipTags < 0.4) variables.skipTags = skipTags < 0.2;
      else if (skipTags < 0.42) variables.skipTags = null;
      const { ours } = compare(compiled, input, variables);
      if (!('threw' in ours)) {
        answered++;
        if (ours.dataIsNull) nulled++;
        if (ours.errors.length > 0) withErrors++;
      }
    }
    // The loop means something only if it exercised answers, errors and bubbling to the root.
    expect(answered).toBeGreaterThan(300);
    expect(withErrors).toBeGreaterThan(100);
    expect(nulled).toBeGreaterThan(20);
    expect(answered - nulled).toBeGreaterThan(50);
  });

  test("the storefront page over the heavy supergraph, from Apollo executor's own unfiltered data", async () => {
    const schemas = heavySubgraphSchemas();
    const supergraphSdl = composeHeavySupergraph((name) => `http://${name}/graphql`);
    const gateway = new ApolloGateway({
      supergraphSdl,
      buildService: ({ name }) => new LocalGraphQLDataSource(schemas[name as HeavySubgraph]),
    });
    const server = new ApolloServer({ gateway });
    await server.start();
    const resultShaping = require('@apollo/gateway/dist/resultShaping') as { computeResponse: typeof computeResponse };
    const spy = jest.spyOn(resultShaping, 'computeResponse');
    try {
      const response = await server.executeOperation({ query: HEAVY_QUERY });
      expect(spy).toHaveBeenCalledTimes(1);
      const input = spy.mock.calls[0]![0].input!;
      // Entities carry their __typename and keys, @requires fields are there: the unfiltered shape.
      expect(JSON.stringify(input)).toContain('"__typename":"Product"');
      spy.mockRestore();
      const heavy = targetOf(supergraphSdl);
      const compiled = compile(heavy, HEAVY_QUERY);
      const { data } = compare(compiled, input);
      // As subgraph answers parsed from JSON arrive: plain objects.
      compare(compiled, JSON.parse(JSON.stringify(input)) as Record<string, unknown>);
      expect(response.body.kind).toBe('single');
      if (response.body.kind === 'single') expect(JSON.stringify(data)).toBe(JSON.stringify(response.body.singleResult.data));
      expect(JSON.stringify(data).length).toBeGreaterThan(80_000);
    } finally {
      spy.mockRestore();
      await server.stop();
    }
  });
});

function mulberry32(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Random inputs for a schema's types: mostly right, with nulls, missing fields, wrong values and wrong __typenames. */
class InputGenerator {
  private static readonly WRONG: readonly unknown[] = ['text', 1.5, 7, -3, true, false, {}, [], 'RED', 'PURPLE', { x: 1 }, 2 ** 60];

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly random: () => number,
  ) {}

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  object(type: GraphQLOutputType, depth: number, withTypename: boolean): unknown {
    const named = getNamedType(type);
    let concrete = named;
    if (isAbstractType(named)) concrete = this.pick(this.schema.getPossibleTypes(named));
    if (!isObjectType(concrete)) throw new Error(`not an object type: ${String(concrete)}`);
    const result: Record<string, unknown> = {};
    const roll = this.random();
    if (withTypename || isAbstractType(named) || roll < 0.5) {
      result.__typename = roll < 0.02 ? 'NoSuchType' : roll < 0.03 ? this.pick(['Node', 'Color', 'User', 'Review']) : concrete.name;
    }
    for (const field of Object.values(concrete.getFields())) {
      if (this.random() < 0.04) continue;
      result[field.name] = this.value(field.type, depth + 1);
    }
    return result;
  }

  private value(type: GraphQLOutputType, depth: number): unknown {
    const roll = this.random();
    if (roll < 0.06) return null;
    const inner = isNonNullType(type) ? type.ofType : type;
    if (isListType(inner)) {
      if (depth > 4) return [];
      if (roll < 0.065) return 'not a list';
      return Array.from({ length: Math.floor(this.random() * 4) }, () => this.value(inner.ofType, depth + 1));
    }
    if (isCompositeType(inner)) {
      if (depth > 4) return null;
      if (roll < 0.065) return 'not an object';
      return this.object(inner, depth, false);
    }
    if (roll < 0.14) return this.pick(InputGenerator.WRONG);
    if (isEnumType(inner)) return this.pick(inner.getValues()).name;
    switch (inner.name) {
      case 'Int':
        return Math.floor(this.random() * 100);
      case 'Float':
        return this.random() * 10;
      case 'Boolean':
        return this.random() < 0.5;
      case 'ID':
      case 'String':
        return `s${Math.floor(this.random() * 100)}`;
      default:
        return { custom: [1, 'two'] };
    }
  }
}
