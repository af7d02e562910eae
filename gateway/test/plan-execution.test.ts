import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { TENANT_HEADER } from '@reservations/platform/tenancy';
import type { GraphQLResponseBody } from '@reservations/test-support/graphql';
import { freePort } from '@reservations/test-support/net';
import { parsePrometheusText } from '@reservations/test-support/prometheus';
import { startTestGateway } from '@reservations/test-support/supergraph';
import { HEAVY_QUERY } from '../../bench/heavy/subgraphs';
import type { StartedGateway } from '../src/server';
import { startPlanExecutionSubgraphs, type PlanExecutionSubgraphs } from './fixtures/plan-execution-subgraphs';

/**
 * The gateway's own query-plan executor (QUERY_PLAN_EXECUTOR=native) answers every operation
 * exactly as Apollo's executor (QUERY_PLAN_EXECUTOR=apollo) does: two gateways over the same
 * subgraphs (fixtures/plan-execution-subgraphs.ts) get each operation of the table below, and
 * their HTTP answers must be identical: status, content type, and the body as JSON text, so
 * the order of keys counts (data, errors with their messages, paths and extensions, and the
 * extensions, whose `cost.actual` is computed from the data). Each row also states what kind of
 * answer it gets, and some what exactly, so no row passes because both gateways failed alike,
 * and how many fewer subgraph requests the native executor sends, by coalescing identical
 * entity fetches (COALESCE_ENTITY_FETCHES), where the plan has any.
 */

const EXECUTORS = ['native', 'apollo'] as const;
type Executor = (typeof EXECUTORS)[number];
type Target = 'main' | 'heavy';

const TENANT = 'plan-execution';
// No subgraph of these supergraphs is named customer or reservation: their URL settings are unused.
const UNUSED_URLS = { customer: 'http://127.0.0.1:1/unused', reservation: 'http://127.0.0.1:1/unused' };
const SETTINGS = {
  // Every request reaches the subgraphs: no cached or shared answer.
  RESPONSE_CACHE_ENABLED: 'false',
  DEDUPLICATE_CLIENT_QUERIES: 'false',
  DEDUPLICATE_SUBGRAPH_QUERIES: 'false',
  // A failing subgraph fails at once and alike every time: no retry waits, no circuit opening.
  SERVICE_MAX_RETRIES: '0',
  SERVICE_BREAKER_THRESHOLD: '1000',
  // The storefront page is deeper and costlier than the defaults admit (see bench/lib/heavy-stack.ts).
  MAX_QUERY_DEPTH: '16',
  MAX_QUERY_COST: '10000000',
  TENANT_COST_BUDGET: '0',
};

let subgraphs: PlanExecutionSubgraphs | undefined;
let tmp: string | undefined;
const gateways = new Map<`${Target}:${Executor}`, StartedGateway>();

beforeAll(async () => {
  subgraphs = await startPlanExecutionSubgraphs(`http://127.0.0.1:${await freePort()}/graphql`);
  tmp = await mkdtemp(path.join(os.tmpdir(), 'plan-execution-'));
  const supergraphs: Record<Target, string> = { main: subgraphs.supergraphSdl, heavy: subgraphs.heavySupergraphSdl };
  for (const [target, sdl] of Object.entries(supergraphs) as [Target, string][]) {
    const supergraphPath = path.join(tmp, `${target}.graphql`);
    await writeFile(supergraphPath, sdl);
    for (const executor of EXECUTORS) {
      const env = { ...SETTINGS, SUPERGRAPH_PATH: supergraphPath, QUERY_PLAN_EXECUTOR: executor };
      gateways.set(`${target}:${executor}`, await startTestGateway(UNUSED_URLS, env));
    }
  }
});

afterAll(async () => {
  for (const gateway of gateways.values()) await gateway.stop();
  await subgraphs?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

interface Answer {
  status: number;
  contentType: string | null;
  body: GraphQLResponseBody & { extensions?: Record<string, unknown> };
}

/**
 * What the client gets: `data` without errors; `repaired` data without errors, but with the
 * values the executor had to null noted in `extensions.valueCompletion`; `partial` data with
 * errors; `nulled` data (null) with errors; `refused` (HTTP 4xx, no data).
 */
type Outcome = 'data' | 'repaired' | 'partial' | 'nulled' | 'refused';

interface Row {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  /** The storefront supergraph of bench/heavy instead of the fixture's own. */
  target?: Target;
  outcome: Outcome;
  /** Which executor the native gateway ran it on: its own unless the plan or operation needs Apollo's (none: refused first). */
  executor?: Executor | 'none';
  /** More about the answer (both gateways gave the same one). */
  check?: (answer: Answer) => void;
  /** How many of the plan's entity fetches went out with another of the same question (native executor only). */
  coalesced?: number;
}

async function ask(url: string, row: Row): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [TENANT_HEADER]: TENANT },
    body: JSON.stringify({ query: row.query, variables: row.variables, operationName: row.operationName }),
  });
  return { status: response.status, contentType: response.headers.get('content-type'), body: (await response.json()) as Answer['body'] };
}

/** The answer as text: key order counts, and a difference shows as a line diff. */
function rendered(answer: Answer): string {
  return JSON.stringify(answer, null, 2);
}

function expectOutcome(answer: Answer, outcome: Outcome): void {
  const { status, body } = answer;
  if (outcome === 'refused') {
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
    expect(body.errors?.length).toBeGreaterThan(0);
    expect(body.data).toBeUndefined();
    return;
  }
  expect(status).toBe(200);
  if (outcome === 'data' || outcome === 'repaired') expect(body.errors).toBeUndefined();
  else expect(body.errors?.length).toBeGreaterThan(0);
  if (outcome === 'repaired') expect(completionsOf(answer)).not.toHaveLength(0);
  else expect(body.extensions?.valueCompletion).toBeUndefined();
  if (outcome === 'nulled') expect(body.data).toBeNull();
  else expect(body.data).toEqual(expect.any(Object));
}

/** The paths of the values the executor nulled (`extensions.valueCompletion`), in order. */
function completionsOf(answer: Answer): unknown[] {
  const notes = (answer.body.extensions?.valueCompletion ?? []) as { path?: unknown }[];
  return notes.map((note) => note.path);
}

/** Each error's path and code, in order. */
function errorsOf(answer: Answer): { path: (string | number)[] | undefined; code: unknown }[] {
  return (answer.body.errors ?? []).map((error) => ({ path: error.path, code: error.extensions?.code }));
}

const FRAGMENTS = `
  query Fragments {
    __typename
    media { __typename ...MediaParts }
    search(text: "c") { __typename ...SearchParts }
    kind: __typename
  }
  fragment MediaParts on Media { id ... on Book { ...BookParts } ... on Film { minutes director { __typename ...AuthorParts } } }
  fragment BookParts on Book { title typename: __typename author { __typename ...AuthorParts } }
  fragment AuthorParts on Author { name }
  fragment SearchParts on SearchResult {
    ... on Media { __typename title }
    ... on Book { reviews { __typename stars reviewer { __typename name } } }
    ... on Author { name books { __typename id } }
  }`;

const CONDITIONAL = `
  query Conditional($withReviews: Boolean!, $skipAuthor: Boolean = false, $withShipping: Boolean = true) {
    book(id: "b3") {
      title
      author @skip(if: $skipAuthor) { name }
      reviews @include(if: $withReviews) { stars reviewer { name email } }
      shippingCost @include(if: $withShipping)
      ...Stock @include(if: $withReviews)
    }
    media @skip(if: $skipAuthor) { __typename id }
  }
  fragment Stock on Book { stock warehouse { city } }`;

const SEVERAL_OPERATIONS = `
  query Readers { readers { id name status } }
  query Books($first: Int = 2) { books(first: $first) { id title shippingCost } }
  mutation Rate { rateBook(bookId: "b2", readerId: "u4", stars: 0) { id } }`;

const DEFAULTS = `
  query Defaults($first: Int = 2, $filter: BookFilter = { genres: [SCIENCE, HISTORY] }, $min: Int = 4, $readers: [ID!] = ["u2"]) {
    books(filter: $filter, first: $first) { id title reviews(minStars: $min) { stars } }
    readers(ids: $readers) { name }
  }`;

const ROWS: Row[] = [
  {
    name: 'root fields',
    query: '{ book(id: "b1") { id title genre pages year } authors { id name born } }',
    outcome: 'data',
    check: ({ body }) =>
      expect(body.data).toEqual({
        book: { id: 'b1', title: 'The Dispossessed', genre: 'FICTION', pages: 387, year: 1974 },
        authors: [
          { id: 'a1', name: 'Ursula K. Le Guin', born: 1929 },
          { id: 'a2', name: 'Mary Beard', born: 1955 },
          { id: 'a3', name: 'Carl Sagan', born: null },
        ],
      }),
  },
  {
    name: 'a root field answering null',
    query: '{ book(id: "nope") { id title } }',
    outcome: 'data',
    check: ({ body }) => expect(body.data).toEqual({ book: null }),
  },
  {
    name: 'deep multi-hop entities across four subgraphs',
    query: `{
      readers(ids: ["u1", "u3"]) {
        name
        favoriteBook {
          title shippingCost
          author { name books { title shippingCost } }
          reviews(minStars: 4) { stars reviewer { name email favoriteBook { title shippingCost } } }
        }
      }
    }`,
    outcome: 'data',
    // Three inventory fetches ask for shippingCost; two of them start together.
    coalesced: 1,
    check: ({ body }) =>
      expect(body.data).toMatchObject({
        readers: [
          {
            name: 'Ada Lovelace',
            favoriteBook: {
              title: 'The Dispossessed',
              shippingCost: 600,
              reviews: [
                { stars: 5, reviewer: { name: 'Ada L.', email: 'ada@example.com', favoriteBook: { title: 'The Dispossessed', shippingCost: 600 } } },
              ],
            },
          },
          { name: 'Cyd Ortiz', favoriteBook: { title: 'Cosmos', shippingCost: 0 } },
        ],
      }),
  },
  {
    name: '@requires from a root field of the requiring subgraph',
    query: '{ lowStock(threshold: 3) { id title stock shippingCost author { name } } }',
    outcome: 'data',
    check: ({ body }) =>
      expect(body.data).toMatchObject({
        lowStock: [
          { id: 'b1', stock: 3 },
          { id: 'b2', stock: 0 },
          { id: 'b4', stock: 1 },
        ],
      }),
  },
  {
    name: '@provides, beside fields it does not provide',
    query: '{ topReviews(first: 4) { id stars reviewer { id name email status } } }',
    outcome: 'data',
    check: ({ body }) =>
      expect((body.data as { topReviews: { reviewer: { name: string } }[] }).topReviews.map((review) => review.reviewer.name)).toEqual([
        'Ada L.',
        'Brook N.',
        'Ada L.',
        'Cyd O.',
      ]),
  },
  {
    name: '@shareable value types',
    query: '{ readers { id location { city country } } books(first: 3) { id warehouse { city } } }',
    outcome: 'data',
  },
  {
    name: 'an interface entity with several implementations (@interfaceObject)',
    // Interface objects need Apollo's data rewrites.
    executor: 'apollo',
    query: '{ media { __typename id title year rating ... on Book { genre stock author { name } } ... on Film { minutes director { name } } } }',
    outcome: 'data',
  },
  {
    name: 'interface objects from a root field: their types come from the subgraph owning the interface',
    // Interface objects need Apollo's data rewrites.
    executor: 'apollo',
    query: '{ topRated { __typename id rating title ... on Book { genre } ... on Film { minutes } } }',
    outcome: 'data',
    check: ({ body }) =>
      expect(body.data).toEqual({
        topRated: [
          { __typename: 'Film', id: 'f1', rating: 4.5, title: 'Cosmos: A Personal Voyage', minutes: 780 },
          { __typename: 'Book', id: 'b4', rating: 4.5, title: 'Cosmos', genre: 'SCIENCE' },
          { __typename: 'Book', id: 'b1', rating: 4, title: 'The Dispossessed', genre: 'FICTION' },
          { __typename: 'Film', id: 'f2', rating: null, title: 'Contact', minutes: 150 },
        ],
      }),
  },
  {
    name: 'an interface object field on concrete types',
    // Interface objects need Apollo's data rewrites.
    executor: 'apollo',
    query: '{ book(id: "b4") { title rating } contact: search(text: "contact") { ... on Film { title rating } } }',
    outcome: 'data',
  },
  {
    name: 'a union, with entity fields on its members',
    query: `{
      cosmos: search(text: "cosmos") { __typename ... on Book { title reviews { stars } } ... on Film { title minutes } ... on Author { name } }
      ar: search(text: "ar") { __typename ... on Book { title stock } ... on Author { name born } }
    }`,
    outcome: 'data',
  },
  { name: 'lists of lists', query: '{ shelves { id title } books(filter: { ids: ["b1", "b3", "b5"] }) { id copies } }', outcome: 'data' },
  {
    name: 'a non-null field answering null inside a list of lists',
    query: '{ shelves { id isbn } }',
    outcome: 'partial',
    check: (answer) => expect(errorsOf(answer).map((error) => error.path)).toEqual([['shelves', 1, 1, 'isbn']]),
  },
  {
    name: 'a non-null field answering null, bubbling to the root',
    query: '{ books { id isbn } }',
    outcome: 'nulled',
    check: (answer) => expect(errorsOf(answer)).toEqual([{ path: ['books', 3, 'isbn'], code: 'DOWNSTREAM_SERVICE_ERROR' }]),
  },
  {
    name: 'a non-null entity field answering null, bubbling to its nullable parent',
    query: '{ readers { id favoriteBook { id stock } } }',
    outcome: 'partial',
    check: (answer) => {
      const readers = (answer.body.data as { readers: { favoriteBook: unknown }[] }).readers;
      expect(readers.map((reader) => reader.favoriteBook === null)).toEqual([false, true, false, true]);
      expect(errorsOf(answer).map((error) => error.path)).toEqual([
        ['readers', 1, 'favoriteBook', 'stock'],
        ['readers', 3, 'favoriteBook', 'stock'],
      ]);
    },
  },
  {
    name: '_entities answering null for some representations',
    query: '{ topReviews(first: 6) { id book { id title } } }',
    outcome: 'repaired',
    check: (answer) => {
      expect((answer.body.data as { topReviews: { book: unknown }[] }).topReviews[4]).toEqual({ id: 'r5', book: null });
      expect(completionsOf(answer)).toEqual([['topReviews', 4, 'book', 'title']]);
    },
  },
  {
    name: 'resolvers throwing at nested entity paths inside lists',
    query: '{ books(filter: { ids: ["b1", "b4", "b2"] }) { id reviews { id text } } }',
    outcome: 'partial',
    check: (answer) =>
      expect(errorsOf(answer)).toEqual([
        { path: ['books', 1, 'reviews', 0, 'text'], code: 'WITHHELD' },
        { path: ['books', 2, 'reviews', 0, 'text'], code: expect.anything() },
      ]),
  },
  {
    name: 'an invalid enum value and a string for an Int from a subgraph out of step',
    query: '{ books { id condition aisle } }',
    outcome: 'repaired',
    check: (answer) =>
      expect(completionsOf(answer)).toEqual([
        ['books', 2, 'aisle'],
        ['books', 5, 'condition'],
      ]),
  },
  {
    name: 'a custom scalar holding objects and lists',
    query: '{ books(filter: { ids: ["b3", "b1", "b6", "b2"] }) { id metadata } catalogInfo }',
    outcome: 'data',
    check: ({ body }) =>
      expect(body.data).toMatchObject({
        books: [
          { id: 'b3', metadata: { edition: 2, tags: ['rome'], size: { height: 24, width: 16.5 }, note: null } },
          { id: 'b1' },
          { id: 'b6' },
          { id: 'b2' },
        ],
      }),
  },
  {
    name: 'aliases: the same fields with different arguments',
    query: `{
      long: books(filter: { minPages: 400 }) { id }
      history: books(filter: { genres: [HISTORY] }, first: 1) { id name: title }
      b1: book(id: "b1") { good: reviews(minStars: 4) { stars } all: reviews { stars who: reviewer { name } } }
    }`,
    outcome: 'data',
    check: ({ body }) =>
      expect(body.data).toEqual({
        long: [{ id: 'b3' }, { id: 'b5' }],
        history: [{ id: 'b3', name: 'SPQR' }],
        b1: {
          good: [{ stars: 5 }],
          all: [
            { stars: 5, who: { name: 'Ada L.' } },
            { stars: 3, who: { name: 'Brook N.' } },
          ],
        },
      }),
  },
  { name: 'named, inline and nested fragments on interfaces and unions, __typename everywhere', query: FRAGMENTS, outcome: 'data' },
  {
    name: '@skip and @include with literals',
    query:
      '{ book(id: "b1") { title @skip(if: true) genre @include(if: true) pages @include(if: false) reviews @skip(if: false) { stars } stock @skip(if: true) } }',
    outcome: 'data',
    check: ({ body }) => expect(body.data).toEqual({ book: { genre: 'FICTION', reviews: [{ stars: 5 }, { stars: 3 }] } }),
  },
  {
    name: '@skip and @include with variables: included, author skipped',
    query: CONDITIONAL,
    variables: { withReviews: true, skipAuthor: true, withShipping: false },
    outcome: 'data',
  },
  { name: '@skip and @include with variables: excluded, defaults applied', query: CONDITIONAL, variables: { withReviews: false }, outcome: 'data' },
  {
    // The plan holds a condition on the variable; unset, its default decides.
    name: 'a plan condition on a defaulted variable',
    query: 'query ($withReviews: Boolean = true) { book(id: "b3") { title reviews @include(if: $withReviews) { stars reviewer { name } } } }',
    outcome: 'data',
    check: ({ body }) => expect((body.data as { book: { reviews: unknown[] } }).book.reviews.length).toBeGreaterThan(0),
  },
  {
    name: 'operationName picks one of several operations',
    query: SEVERAL_OPERATIONS,
    operationName: 'Books',
    outcome: 'data',
    check: ({ body }) => expect((body.data as { books: unknown[] }).books).toHaveLength(2),
  },
  { name: 'operationName picks another', query: SEVERAL_OPERATIONS, operationName: 'Readers', outcome: 'data' },
  { name: 'defaulted variables', query: DEFAULTS, outcome: 'data' },
  {
    name: 'list and input-object variables, passed on to root and entity fields',
    query: DEFAULTS,
    variables: { first: 5, filter: { ids: ['b5', 'b3', 'b1'], minPages: 300, genres: null }, min: 3, readers: ['u4', 'u1'] },
    outcome: 'data',
  },
  {
    name: 'a mutation touching two subgraphs in sequence',
    query: `mutation Shop($reader: ID!, $books: [ID!]!, $stars: Int!) {
      setWishlist(readerId: $reader, bookIds: $books) { id name wishlist { id title shippingCost } }
      rateBook(bookId: "b6", readerId: $reader, stars: $stars, text: "Sharp.") { id stars text book { title } reviewer { name email } }
    }`,
    variables: { reader: 'u3', books: ['b6', 'b2'], stars: 4 },
    outcome: 'data',
    check: ({ body }) =>
      expect(body.data).toEqual({
        setWishlist: {
          id: 'u3',
          name: 'Cyd Ortiz',
          wishlist: [
            { id: 'b6', title: 'Women & Power', shippingCost: 300 },
            { id: 'b2', title: 'A Wizard of Earthsea', shippingCost: 300 },
          ],
        },
        rateBook: {
          id: 'r-b6-u3',
          stars: 4,
          text: 'Sharp.',
          book: { title: 'Women & Power' },
          reviewer: { name: 'Cyd O.', email: 'cyd@example.com' },
        },
      }),
  },
  {
    name: 'a mutation whose first field fails',
    query: 'mutation { setWishlist(readerId: "nobody", bookIds: ["b1"]) { id } rateBook(bookId: "b1", readerId: "u2", stars: 2) { id stars } }',
    outcome: 'partial',
    check: (answer) => expect(errorsOf(answer)).toEqual([{ path: ['setWishlist'], code: 'NOT_FOUND' }]),
  },
  {
    name: 'introspection beside data',
    // Introspection is answered by Apollo's executor.
    executor: 'apollo',
    query: '{ __schema { queryType { name } mutationType { name } } book(id: "b2") { title } __typename }',
    outcome: 'data',
    check: ({ body }) =>
      expect(body.data).toEqual({
        __schema: { queryType: { name: 'Query' }, mutationType: { name: 'Mutation' } },
        book: { title: 'A Wizard of Earthsea' },
        __typename: 'Query',
      }),
  },
  {
    name: '__type(name:)',
    // Introspection is answered by Apollo's executor.
    executor: 'apollo',
    query: `{
      __type(name: "Media") { name kind possibleTypes { name } fields { name type { name kind ofType { name } } } }
      genre: __type(name: "Genre") { enumValues { name } }
      authors { name }
    }`,
    outcome: 'data',
  },
  {
    name: 'a subgraph answering HTTP 500',
    query: '{ books(first: 2) { id title bestsellerRank } }',
    outcome: 'partial',
    check: (answer) => {
      expect(answer.body.data).toMatchObject({ books: [{ id: 'b1', title: 'The Dispossessed', bestsellerRank: null }, { id: 'b2' }] });
      expect(errorsOf(answer)).toEqual([{ path: undefined, code: 'INTERNAL_SERVER_ERROR' }]);
    },
  },
  {
    name: 'an unreachable subgraph: partial data and errors',
    query: '{ books(first: 2) { id title loans } openingHours authors { name } }',
    outcome: 'partial',
    check: (answer) => {
      expect(answer.body.data).toMatchObject({ openingHours: null, authors: [{}, {}, {}] });
      expect(errorsOf(answer).map((error) => error.code)).toEqual(['SERVICE_UNAVAILABLE', 'SERVICE_UNAVAILABLE']);
    },
  },
  {
    name: 'an invalid variable value',
    query: 'query ($first: Int) { books(first: $first) { id } }',
    variables: { first: 'three' },
    outcome: 'refused',
  },
  {
    name: 'an invalid enum value inside an input-object variable',
    query: 'query ($filter: BookFilter) { books(filter: $filter) { id } }',
    variables: { filter: { genres: ['NOVEL'] } },
    outcome: 'refused',
  },
  {
    name: 'one entity fetch at two paths, coalesced: resolver errors at each path, an entity both reach',
    query: '{ books(first: 3) { id reviews { stars text } } shelves { id reviews { stars text } } }',
    outcome: 'partial',
    coalesced: 1,
    check: (answer) => {
      // b2's review fails alike wherever b2 is reached; b4 is reached on the shelves only.
      expect(errorsOf(answer)).toEqual([
        { path: ['books', 1, 'reviews', 0, 'text'], code: 'DOWNSTREAM_SERVICE_ERROR' },
        { path: ['shelves', 0, 1, 'reviews', 0, 'text'], code: 'DOWNSTREAM_SERVICE_ERROR' },
        { path: ['shelves', 1, 1, 'reviews', 0, 'text'], code: 'WITHHELD' },
      ]);
    },
  },
  {
    name: 'one entity fetch at two paths, coalesced: _entities answering null for some at each path',
    query: '{ topReviews(first: 5) { id book { title } reviewer { name reviews { book { title } } } } }',
    outcome: 'repaired',
    coalesced: 1,
    check: (answer) =>
      expect(completionsOf(answer)).toEqual([
        ['topReviews', 1, 'reviewer', 'reviews', 1, 'book', 'title'],
        ['topReviews', 4, 'book', 'title'],
        ['topReviews', 4, 'reviewer', 'reviews', 1, 'book', 'title'],
      ]),
  },
  {
    name: 'one entity fetch at two paths, coalesced, to a subgraph answering HTTP 500: an error for each',
    query: '{ books(first: 2) { id bestsellerRank } shelves { id bestsellerRank } }',
    outcome: 'partial',
    coalesced: 1,
    check: (answer) =>
      expect(errorsOf(answer)).toEqual([
        { path: undefined, code: 'INTERNAL_SERVER_ERROR' },
        { path: undefined, code: 'INTERNAL_SERVER_ERROR' },
      ]),
  },
  {
    name: 'one entity fetch at two paths, coalesced, to an unreachable subgraph: an error for each',
    query: '{ books(first: 2) { id loans } shelves { id loans } }',
    outcome: 'partial',
    coalesced: 1,
    check: (answer) => expect(errorsOf(answer).map((error) => error.code)).toEqual(['SERVICE_UNAVAILABLE', 'SERVICE_UNAVAILABLE']),
  },
  {
    name: 'the storefront page of bench/heavy',
    target: 'heavy',
    query: HEAVY_QUERY,
    // Five inventory and two products fetches at two paths each: 13 subgraph requests become 10.
    coalesced: 3,
    outcome: 'data',
    check: ({ body }) => {
      const data = body.data as { users: { reviews: unknown[] }[]; topProducts: unknown[] };
      expect(data.users).toHaveLength(14);
      expect(data.users.every((user) => user.reviews.length === 3)).toBe(true);
      expect(data.topProducts).toHaveLength(5);
    },
  },
];

/** How many plans each executor ran in this gateway so far, and how many subgraph requests it sent (`/metrics`). */
async function counted(gateway: StartedGateway): Promise<Record<Executor, number> & { subgraphRequests: number }> {
  const metrics = parsePrometheusText(await (await fetch(new URL('/metrics', gateway.url))).text());
  const count = (executor: Executor): number => metrics.value('gateway_plan_executions_total', { executor }) ?? 0;
  const subgraphRequests = metrics.samples
    .filter((sample) => sample.name === 'gateway_subgraph_attempts_total')
    .reduce((sum, sample) => sum + sample.value, 0);
  return { native: count('native'), apollo: count('apollo'), subgraphRequests };
}

test.each(ROWS.map((row) => [row.name, row] as const))('%s: both executors answer the same', async (_name, row) => {
  const target = row.target ?? 'main';
  const nativeGateway = gateways.get(`${target}:native`)!;
  const apolloGateway = gateways.get(`${target}:apollo`)!;
  const before = await counted(nativeGateway);
  const apolloBefore = await counted(apolloGateway);
  // One after the other: a mutation row must find the same data for each.
  const native = await ask(nativeGateway.url, row);
  const apollo = await ask(apolloGateway.url, row);
  expect(rendered(native)).toBe(rendered(apollo));
  const after = await counted(nativeGateway);
  const apolloAfter = await counted(apolloGateway);
  const expected = row.executor ?? 'native';
  expect({
    native: after.native - before.native,
    apollo: after.apollo - before.apollo,
    fewerSubgraphRequests: apolloAfter.subgraphRequests - apolloBefore.subgraphRequests - (after.subgraphRequests - before.subgraphRequests),
  }).toEqual({
    native: expected === 'native' ? 1 : 0,
    apollo: expected === 'apollo' ? 1 : 0,
    fewerSubgraphRequests: row.coalesced ?? 0,
  });
  expectOutcome(apollo, row.outcome);
  row.check?.(apollo);
});
