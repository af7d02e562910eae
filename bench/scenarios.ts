import { encodeCursor } from '@reservations/platform/graphql/pagination';
import { SIGNATURE_HEADER, signatureFor } from '@reservations/platform/security/request-signing';
import { TENANT_HEADER } from '@reservations/platform/tenancy';
import type { LoadTarget } from './lib/load';
import { readFileSync } from 'node:fs';
import { parseManifest } from '@reservations/gateway/security/trusted-documents';
import { WEB_MANIFEST, type BenchStack, type Served } from './lib/stack';
import type { HeavyStack } from './lib/heavy-stack';
import { HEAVY_QUERY } from './heavy/subgraphs';

export interface Variant {
  name: string;
  target: LoadTarget;
}

/** Variants measured against each other under the same load, interleaved run by run. */
export interface Group {
  scenario: string;
  /** What is fixed for the group (connections, page size, ...). */
  setting: string;
  connections: number;
  /** The variant every ratio in the group is relative to. */
  reference: string;
  variants: Variant[];
  /** Also count SQL statements per request in each subgraph (federation fan-out). */
  countStatements?: boolean;
  /** Every variant gets the same request, so all must give the same answer before timing. */
  sameAnswers?: boolean;
  /** Seconds of load per variant before timing, where the default is too short for the servers' JIT to settle (not in --quick). */
  warmupSeconds?: number;
  /** At least this many interleaved rounds (not in --quick): a target read from this group needs the precision. */
  minRounds?: number;
}

export const CUSTOMER_QUERY = 'query Customer($id: ID!) { customer(id: $id) { id name email phone } }';
export const fanOutQuery = (first: number) => `query FanOut { customers(first: ${first}) { nodes { name reservations { id } } } }`;
export const PRODUCTS_QUERY = `query Products($after: String) { products(first: 20, after: $after, search: "roasted") {
  totalCount nodes { id name priceCents currency } pageInfo { hasNextPage endCursor } } }`;
export const TRIVIAL_QUERY = '{ __typename }';

/**
 * A cursor before every real row: ids are UUIDv7, which start with their creation time, so
 * one with timestamp 0 sorts first. Any such cursor returns the first page, which lets the
 * cache-busting variant send a new variable every request and still get the same answer.
 */
export function cursorBeforeEverything(n: number): string {
  return encodeCursor(`00000000-0000-7000-8000-${n.toString(16).padStart(12, '0')}`);
}

const body = (query: string, variables?: Record<string, unknown>) => JSON.stringify(variables ? { query, variables } : { query });
const fixed = (text: string) => () => text;

/** Builds every group from the running stack. */
export function scenarios(stack: BenchStack): Group[] {
  const { tenant, customerIds } = stack.data;
  const { cacheOff, cacheOn, hive } = stack.gateway;
  const subgraphPids = [stack.customer.pid, stack.reservation.pid];

  // Callers authenticate as in production: a bearer token whose tenant claim matches the header.
  const viaGateway = (gateway: Served, makeBody: () => string): LoadTarget => ({
    url: gateway.url,
    headers: { authorization: `Bearer ${stack.token}`, [TENANT_HEADER]: tenant },
    body: makeBody,
    pids: [gateway.pid, ...subgraphPids],
  });
  // A subgraph refuses unsigned requests in production, so the direct caller signs like a gateway.
  const direct = (subgraph: Served, audience: string, makeBody: () => string): LoadTarget => ({
    url: subgraph.url,
    headers: { [TENANT_HEADER]: tenant },
    body: makeBody,
    sign: (text) => ({ [SIGNATURE_HEADER]: signatureFor(stack.signingSecret, audience, subgraph.url, 'POST', { [TENANT_HEADER]: tenant }, text) }),
    pids: [subgraph.pid],
  });

  let customer = 0;
  const customerBody = () => body(CUSTOMER_QUERY, { id: customerIds[customer++ % customerIds.length] });
  const gatewayCost = (connections: number): Group => ({
    scenario: '1 gateway cost',
    setting: `customer(id:), ${connections} conn`,
    connections,
    reference: 'customer subgraph direct',
    variants: [
      { name: 'customer subgraph direct', target: direct(stack.customer, 'customer', customerBody) },
      { name: 'ours, cache off', target: viaGateway(cacheOff, customerBody) },
      { name: 'ours, cache on', target: viaGateway(cacheOn, customerBody) },
      { name: 'Hive Gateway', target: viaGateway(hive, customerBody) },
    ],
  });

  const fanOut = (first: number): Group => ({
    scenario: '2 fan-out',
    setting: `customers(first: ${first}), 32 conn`,
    connections: 32,
    reference: 'Hive Gateway',
    countStatements: true,
    sameAnswers: true,
    variants: [
      { name: 'ours, cache off', target: viaGateway(cacheOff, fixed(body(fanOutQuery(first)))) },
      { name: 'ours, cache on', target: viaGateway(cacheOn, fixed(body(fanOutQuery(first)))) },
      { name: 'Hive Gateway', target: viaGateway(hive, fixed(body(fanOutQuery(first)))) },
    ],
  });

  // Hit and miss send the same query shape and get the same answer; only the cursor differs.
  const sameCursor = fixed(body(PRODUCTS_QUERY, { after: cursorBeforeEverything(0) }));
  let miss = 1;
  const newCursor = () => body(PRODUCTS_QUERY, { after: cursorBeforeEverything(miss++) });
  const responseCache: Group = {
    scenario: '3 response cache',
    setting: 'products(first: 20), 32 conn',
    connections: 32,
    reference: 'customer subgraph direct',
    sameAnswers: true,
    variants: [
      { name: 'customer subgraph direct', target: direct(stack.customer, 'customer', sameCursor) },
      { name: 'ours, cache hit', target: viaGateway(cacheOn, sameCursor) },
      { name: 'ours, cache miss', target: viaGateway(cacheOn, newCursor) },
      { name: 'ours, cache off', target: viaGateway(cacheOff, sameCursor) },
      { name: 'Hive Gateway', target: viaGateway(hive, sameCursor) },
    ],
  };

  const trivial = fixed(body(TRIVIAL_QUERY));
  const ceiling: Group = {
    scenario: '4 ceilings',
    setting: '{ __typename }, 32 conn',
    connections: 32,
    reference: 'bare node:http',
    variants: [
      { name: 'bare node:http', target: { url: stack.ceiling.bareHttp.url, headers: {}, body: trivial, pids: [stack.ceiling.bareHttp.pid] } },
      {
        name: 'Apollo Server alone',
        target: { url: stack.ceiling.apolloServer.url, headers: {}, body: trivial, pids: [stack.ceiling.apolloServer.pid] },
      },
      { name: 'ours, cache off', target: { ...viaGateway(cacheOff, trivial), pids: [cacheOff.pid] } },
    ],
  };

  // The web app's customer profile as it ships: its full text, or only its hash (trusted documents).
  const [profileHash, profileDocument] = [...parseManifest(readFileSync(WEB_MANIFEST, 'utf8'), WEB_MANIFEST)].find(([, document]) =>
    document.startsWith('query CustomerProfilePage'),
  )!;
  let profile = 0;
  const profileVariables = () => ({ id: customerIds[profile++ % customerIds.length] });
  const trustedDocuments: Group = {
    scenario: '8 trusted documents',
    setting: 'customer profile (web app), 32 conn',
    connections: 32,
    reference: 'full document',
    variants: [
      { name: 'full document', target: viaGateway(cacheOff, () => body(profileDocument, profileVariables())) },
      {
        name: 'hash only',
        target: viaGateway(cacheOff, () =>
          JSON.stringify({ variables: profileVariables(), extensions: { persistedQuery: { version: 1, sha256Hash: profileHash } } }),
        ),
      },
    ],
  };

  return [gatewayCost(1), gatewayCost(32), fanOut(5), fanOut(20), fanOut(100), responseCache, ceiling, trustedDocuments];
}

/**
 * Scenario 6: the load tenant's `customer(id:)` through the gateway (cache off), and another
 * tenant's costly fan-out, which its small cost budget soon refuses, on the same gateway.
 */
export function tenantFloodTargets(stack: BenchStack): { quiet: LoadTarget; flooding: LoadTarget } {
  const { tenant, customerIds } = stack.data;
  const { cacheOff } = stack.gateway;
  const pids = [cacheOff.pid, stack.customer.pid, stack.reservation.pid];
  let customer = 0;
  return {
    quiet: {
      url: cacheOff.url,
      headers: { authorization: `Bearer ${stack.token}`, [TENANT_HEADER]: tenant },
      body: () => body(CUSTOMER_QUERY, { id: customerIds[customer++ % customerIds.length] }),
      pids,
    },
    flooding: {
      url: cacheOff.url,
      headers: { authorization: `Bearer ${stack.flooding.token}`, [TENANT_HEADER]: stack.flooding.tenant },
      body: fixed(body(fanOutQuery(100))),
      pids,
    },
  };
}

/** Scenario 9's connection counts: one caller at a time, and a popular page opened by many at once. */
export const HEAVY_CONNECTIONS = [1, 50] as const;

/** How scenario 9's one-connection group is timed (see heavyScenarios): after the JIT settles, in rounds enough for its CPU target. */
export const HEAVY_SETTLED = { warmupSeconds: 30, minRounds: 4 } as const;

/**
 * Scenario 9: the storefront page (~90 KB, entity hops through all four subgraphs), the same
 * request on every connection, through each gateway. The CPU column is the gateway's process
 * alone: the subgraphs are one shared process, the same for every variant.
 */
export function heavyScenarios(heavy: HeavyStack): Group[] {
  const request = fixed(body(HEAVY_QUERY));
  const through = (gateway: Served): LoadTarget => ({
    url: gateway.url,
    headers: { authorization: `Bearer ${heavy.token}`, [TENANT_HEADER]: heavy.tenant },
    body: request,
    pids: [gateway.pid],
  });
  const { ours, apollo, hiveDefault, hivePublished } = heavy.gateways;
  return HEAVY_CONNECTIONS.map((connections) => ({
    scenario: '9 heavy query',
    setting: `storefront page (~90 KB), ${connections} conn`,
    connections,
    reference: 'Apollo Gateway',
    sameAnswers: true,
    // The CPU target compares steady states, as a gateway serving for hours runs: at one
    // connection that takes some hundreds of pages per gateway (over its first 4 s of load ours
    // used twice the CPU per page it used once settled, Apollo Gateway 1.7 ×). The 50
    // connection group runs after it, on the same, warm processes.
    ...(connections === 1 ? HEAVY_SETTLED : {}),
    variants: [
      { name: 'ours', target: through(ours) },
      { name: 'Apollo Gateway', target: through(apollo) },
      { name: 'Hive Gateway', target: through(hiveDefault) },
      { name: 'Hive Gateway, published setup', target: through(hivePublished) },
    ],
  }));
}
