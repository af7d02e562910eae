/**
 * Scenario 9's supergraph: four small subgraphs in the shape federation gateways are usually
 * benchmarked on (accounts, products, inventory, reviews), with every entity hop a storefront
 * page makes. Their data is built here, deterministically, in memory: the scenario measures
 * the gateways, so the subgraphs must be cheap and answer the same thing every time.
 */
import { composeServices } from '@apollo/composition';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type DocumentNode, type GraphQLSchema } from 'graphql';

export const HEAVY_SUBGRAPHS = ['accounts', 'products', 'inventory', 'reviews'] as const;
export type HeavySubgraph = (typeof HEAVY_SUBGRAPHS)[number];

const FEDERATION =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@external", "@requires", "@provides", "@shareable"])';

const TYPE_DEFS: Record<HeavySubgraph, string> = {
  accounts: `${FEDERATION}
    type Query { users: [User!]! user(id: ID!): User }
    type User @key(fields: "id") { id: ID! name: String! username: String! @shareable memberSince: String! }`,
  products: `${FEDERATION}
    type Query { topProducts(first: Int = 5): [Product!]! }
    type Product @key(fields: "upc") { upc: String! name: String! price: Int! weight: Int! }`,
  inventory: `${FEDERATION}
    type Product @key(fields: "upc") {
      upc: String!
      price: Int! @external
      weight: Int! @external
      inStock: Boolean!
      shippingEstimate: Int! @requires(fields: "price weight")
    }`,
  reviews: `${FEDERATION}
    type Review @key(fields: "id") { id: ID! body: String! rating: Int! author: User! @provides(fields: "username") product: Product! }
    type User @key(fields: "id") { id: ID! username: String! @external reviews: [Review!]! }
    type Product @key(fields: "upc") { upc: String! reviews: [Review!]! }`,
};

interface UserRow {
  id: string;
  name: string;
  username: string;
  memberSince: string;
}
interface ProductRow {
  upc: string;
  name: string;
  price: number;
  weight: number;
}
interface ReviewRow {
  id: string;
  body: string;
  rating: number;
  authorId: string;
  upc: string;
}

const USERS = 14;
const PRODUCTS = 12;
const REVIEWS_PER_USER = 3;

const ADJECTIVES = ['Walnut', 'Copper', 'Linen', 'Granite', 'Maple', 'Cobalt'];
const THINGS = ['Desk Lamp', 'Kettle', 'Armchair', 'Bookshelf', 'Rug', 'Clock'];

/** The same rows on every start: ids, names and review placement follow from the index. */
function buildData(): { users: UserRow[]; products: ProductRow[]; reviews: ReviewRow[] } {
  const users = Array.from({ length: USERS }, (_, i) => ({
    id: String(i + 1),
    name: `Customer Number ${i + 1}`,
    username: `customer${i + 1}`,
    memberSince: `20${String(10 + (i % 15)).padStart(2, '0')}-0${1 + (i % 9)}-1${i % 10}`,
  }));
  const products = Array.from({ length: PRODUCTS }, (_, i) => ({
    upc: String(1000 + i),
    name: `${ADJECTIVES[i % ADJECTIVES.length]} ${THINGS[Math.floor(i / 2) % THINGS.length]}`,
    price: 899 + ((i * 1_237) % 2_400),
    weight: 100 + ((i * 311) % 900),
  }));
  const reviews = users.flatMap((user, u) =>
    Array.from({ length: REVIEWS_PER_USER }, (_, r) => {
      const n = u * REVIEWS_PER_USER + r;
      return {
        id: String(n + 1),
        body: `Review ${n + 1}: bought it for the living room, ${r % 2 === 0 ? 'would buy again' : 'works as described'}.`,
        rating: 1 + ((u + r) % 5),
        authorId: user.id,
        upc: products[(u * 5 + r * 7) % PRODUCTS]!.upc,
      };
    }),
  );
  return { users, products, reviews };
}

/** A resolver map as buildSubgraphSchema takes it, from its public signature. */
type Resolvers = NonNullable<Exclude<Parameters<typeof buildSubgraphSchema>[0], DocumentNode | unknown[]>['resolvers']>;

// Map.groupBy arrives with Node 21; the project supports Node 20.
function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

function resolversFor(): Record<HeavySubgraph, Resolvers> {
  const { users, products, reviews } = buildData();
  const userById = new Map(users.map((user) => [user.id, user]));
  const productByUpc = new Map(products.map((product) => [product.upc, product]));
  const reviewsByAuthor = groupBy(reviews, (review) => review.authorId);
  const reviewsByProduct = groupBy(reviews, (review) => review.upc);
  return {
    accounts: {
      Query: { users: () => users, user: (_: unknown, { id }: { id: string }) => userById.get(id) ?? null },
      User: { __resolveReference: ({ id }: { id: string }) => userById.get(id) ?? null },
    },
    products: {
      Query: { topProducts: (_: unknown, { first }: { first: number }) => products.slice(0, first) },
      Product: { __resolveReference: ({ upc }: { upc: string }) => productByUpc.get(upc) ?? null },
    },
    inventory: {
      Product: {
        __resolveReference: (reference: { upc: string; price?: number; weight?: number }) => reference,
        inStock: ({ upc }: { upc: string }) => Number(upc) % 4 !== 0,
        // Free above a price, else by weight: needs the price and weight the products subgraph owns.
        shippingEstimate: ({ price, weight }: { price: number; weight: number }) => (price > 2_000 ? 0 : Math.ceil(weight / 2)),
      },
    },
    reviews: {
      Review: {
        author: (review: ReviewRow) => ({ id: review.authorId, username: userById.get(review.authorId)!.username }),
        product: (review: ReviewRow) => ({ upc: review.upc }),
      },
      User: { reviews: ({ id }: { id: string }) => reviewsByAuthor.get(id) ?? [] },
      Product: { reviews: ({ upc }: { upc: string }) => reviewsByProduct.get(upc) ?? [] },
    },
  };
}

/** Each subgraph's executable schema, over the in-memory data. */
export function heavySubgraphSchemas(): Record<HeavySubgraph, GraphQLSchema> {
  const resolvers = resolversFor();
  return Object.fromEntries(
    HEAVY_SUBGRAPHS.map((name) => [name, buildSubgraphSchema({ typeDefs: parse(TYPE_DEFS[name]), resolvers: resolvers[name] })]),
  ) as Record<HeavySubgraph, GraphQLSchema>;
}

/** The supergraph over the four subgraphs, routed to `urlOf(name)`. */
export function composeHeavySupergraph(urlOf: (name: HeavySubgraph) => string): string {
  const result = composeServices(HEAVY_SUBGRAPHS.map((name) => ({ name, url: urlOf(name), typeDefs: parse(TYPE_DEFS[name]) })));
  if (result.errors) throw new Error(`heavy supergraph does not compose: ${result.errors.map((error) => error.message).join('; ')}`);
  return result.supergraphSdl;
}

/**
 * A storefront page: every customer with their reviews, each reviewed product with its stock,
 * shipping and other reviews, those reviews' authors with their own reviews; then the top
 * products. Accounts -> reviews -> products -> inventory -> reviews -> accounts -> reviews ->
 * products -> inventory: about 90 KB of JSON.
 */
export const HEAVY_QUERY = `query StorefrontPage {
  users {
    id name username memberSince
    reviews {
      id body rating
      product {
        upc name price weight inStock shippingEstimate
        reviews {
          id body rating
          author { id name username reviews { id rating product { upc name price inStock shippingEstimate } } }
        }
      }
    }
  }
  topProducts(first: 5) { upc name price inStock shippingEstimate reviews { id body author { id name username } } }
}`;
