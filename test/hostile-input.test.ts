/**
 * Hostile input, one row per kind: each request gets its documented, coded answer (a 4xx with
 * a stable `extensions.code`, never a 500), and the gateway answers promptly afterwards.
 */
import { startTestSupergraph, type TestSupergraph } from '@reservations/test-support/supergraph';

const TENANT = 'hostile';
/** A tenant whose cost budget (20 a minute) is below what one of its requests costs. */
const SMALL_BUDGET_TENANT = 'small-budget';

let supergraph: TestSupergraph;

beforeAll(async () => {
  supergraph = await startTestSupergraph('hostile', { env: { TENANT_COST_BUDGETS: JSON.stringify({ [SMALL_BUDGET_TENANT]: 20 }) } });
});

afterAll(async () => {
  await supergraph?.stop();
});

/** `levels` fragments, each selecting `selection` and spreading the next one twice: 2^levels copies. */
function fragmentFanOut(levels: number, selection: string): string {
  let document = 'query FanOut { customer(id: "0193a5d2-0000-7000-8000-000000000001") { ...F0 } }\n';
  for (let i = 0; i < levels; i++) document += `fragment F${i} on Customer { ${selection} ${i + 1 < levels ? `...F${i + 1} ...F${i + 1}` : ''} }\n`;
  return document;
}

/** `customer { reservations { customer { ... } } } }`, `levels` fields deep. */
function deepNesting(levels: number): string {
  const pairs = Math.floor(levels / 2);
  return `{ customer(id: "a") { ${'reservations { customer { '.repeat(pairs)}id ${'} } '.repeat(pairs)}} }`;
}

interface HostileRequest {
  query: string;
  variables?: Record<string, unknown>;
  tenant?: string;
}

interface Expected {
  status: number;
  /** The first error's `extensions.code`; undefined when the request must succeed. */
  code?: string;
}

const rows: [name: string, request: HostileRequest, expected: Expected][] = [
  ['fragment fan-out, 32 levels of lists (2^32 copies)', { query: fragmentFanOut(32, 'name reservations { id }') }, { status: 400, code: 'OPERATION_LIMIT_EXCEEDED' }],
  ['fragment fan-out, 40 levels of scalars (costs 1, answered)', { query: fragmentFanOut(40, 'name') }, { status: 200 }],
  ['fragment fan-out, 32 levels of aliases', { query: fragmentFanOut(32, 'alias: name') }, { status: 400, code: 'OPERATION_LIMIT_EXCEEDED' }],
  [
    'cost bypass through a variable default',
    { query: 'query ($f: Int = 100) { customers(first: $f) { nodes { reservations { customer { reservations { id } } } } } }' },
    { status: 400, code: 'OPERATION_LIMIT_EXCEEDED' },
  ],
  [
    'nested connections multiplied by large first values',
    { query: '{ categories(first: 100) { nodes { products(first: 100) { nodes { category { products(first: 100) { nodes { id } } } } } } } }' },
    { status: 400, code: 'OPERATION_LIMIT_EXCEEDED' },
  ],
  ['nesting 1000 levels deep', { query: deepNesting(1000) }, { status: 400, code: 'OPERATION_LIMIT_EXCEEDED' }],
  ['a tenant over its cost budget', { query: '{ customers(first: 50) { nodes { id } } }', tenant: SMALL_BUDGET_TENANT }, { status: 429, code: 'RATE_LIMITED' }],
];

it.each(rows)('%s', async (_name, request, expected) => {
  const response = await fetch(supergraph.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tenant-id': request.tenant ?? TENANT },
    body: JSON.stringify({ query: request.query, variables: request.variables }),
  });
  const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
  expect({ status: response.status, code: body.errors?.[0]?.extensions?.code }).toEqual({ status: expected.status, code: expected.code });
});
