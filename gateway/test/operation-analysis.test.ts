/**
 * The pre-execution analysis on its own, against the real supergraph: cost by the cost spec's
 * rules (@cost/@listSize), variables and their defaults, fragments at any fan-out.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { Kind, parse, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { REPO_ROOT } from '@reservations/platform/config';
import { CostDirectives } from '../src/security/cost-directives';
import { OperationAnalysis, effectiveVariables, type OperationMeasure } from '../src/security/operation-analysis';

const sdl = readFileSync(path.join(REPO_ROOT, 'supergraph.graphql'), 'utf8');
const schema: GraphQLSchema = Supergraph.build(sdl).apiSchema().toGraphQLJSSchema();
const directives = CostDirectives.fromSupergraph(sdl);

function analysisOf(query: string, variables: Record<string, unknown> = {}): OperationAnalysis {
  const document = parse(query);
  const operation = document.definitions.find((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION)!;
  return new OperationAnalysis(schema, directives, document, operation, effectiveVariables(operation, variables));
}

const measure = (query: string, variables?: Record<string, unknown>): OperationMeasure => analysisOf(query, variables).measure();
const cost = (query: string, variables?: Record<string, unknown>): number => measure(query, variables).cost;

/** `levels` fragments on Customer, each selecting `selection` and spreading the next one twice. */
function fanOut(levels: number, selection: string): string {
  let document = 'query FanOut { customer(id: "0193a5d2-0000-7000-8000-000000000001") { ...F0 } }\n';
  for (let i = 0; i < levels; i++) document += `fragment F${i} on Customer { ${selection} ${i + 1 < levels ? `...F${i + 1} ...F${i + 1}` : ''} }\n`;
  return document;
}

describe('estimated cost (objects 1, leaves 0, lists sized by @listSize)', () => {
  it.each([
    ['an object and its scalars', '{ customer(id: "a") { id name email } }', 1],
    ['a connection sized by first (nodes)', '{ customers(first: 5) { nodes { id } } }', 1 + 5],
    ['a connection sized by first (nodes and edges)', '{ customers(first: 5) { nodes { id } edges { node { id } } } }', 1 + 5 + 5 * 2],
    ['the schema default of first (20)', '{ customers { nodes { id } } }', 1 + 20],
    ['a list with an assumed size (20 reservations per customer)', '{ customer(id: "a") { reservations { id } } }', 1 + 20],
    ['nested connections multiply', '{ categories(first: 10) { nodes { products(first: 10) { nodes { id } } } } }', 1 + 10 * (1 + 1 + 10)],
    ['__typename costs nothing', '{ __typename }', 0],
    ['a skipped field costs nothing', '{ customer(id: "a") @skip(if: true) { id } }', 0],
    [
      'a mutation costs 10, its input object 1, its payload and the customer in it 1 each',
      'mutation { createCustomer(input: { name: "a", email: "a@b.example" }) { customer { id } } }',
      10 + 1 + 1 + 1,
    ],
  ])('%s', (_name, query, expected) => {
    expect(cost(query)).toBe(expected);
  });

  it('sizes a connection fragment by the first of the field it is spread in', () => {
    const query = `{ small: customers(first: 2) { ...Page } large: customers(first: 50) { ...Page } }
      fragment Page on CustomerConnection { nodes { id } }`;
    expect(cost(query)).toBe(1 + 2 + (1 + 50));
  });
});

describe('cost from the values execution uses', () => {
  const nested = 'query ($f: Int = 100) { categories(first: $f) { nodes { products(first: $f) { nodes { id } } } } }';
  const literal = '{ categories(first: 100) { nodes { products(first: 100) { nodes { id } } } } }';

  it('a variable default counts like the same value written out', () => {
    expect(cost(nested)).toBe(cost(literal));
    expect(cost(nested)).toBe(1 + 100 * (1 + 1 + 100));
  });

  it('a sent variable replaces the default', () => {
    expect(cost(nested, { f: 2 })).toBe(1 + 2 * (1 + 1 + 2));
  });

  it('a variable default in @skip is honoured', () => {
    expect(cost('query ($s: Boolean = true) { customers(first: 100) @skip(if: $s) { nodes { id } } }')).toBe(0);
    expect(cost('query ($s: Boolean = true) { customers(first: 100) @skip(if: $s) { nodes { id } } }', { s: false })).toBe(101);
  });
});

describe('linear in the document, fragments included', () => {
  it('measures 32 levels of fragments each spread twice, as if expanded, without expanding them', () => {
    const levels = 32;
    const measured = measure(fanOut(levels, 'reservations { id } a: name'));
    // Each fragment costs its 20 reservations plus twice the next one: 20 * (2^32 - 1) in all.
    expect(measured.cost).toBe(1 + 20 * (2 ** levels - 1));
    expect(measured.aliases).toBe(2 ** levels - 1);
    expect(measured.depth).toBe(3);
    expect(measured.rootFields).toBe(1);
  });

  it('measures 40 levels of scalar fan-out (cost 1, nothing to refuse on cost)', () => {
    expect(cost(fanOut(40, 'name'))).toBe(1);
  });

  it('stops at a fragment cycle (which validation refuses anyway)', () => {
    const query = '{ customer(id: "a") { ...A } } fragment A on Customer { id ...B } fragment B on Customer { name ...A }';
    expect(cost(query)).toBe(1);
  });

  it('saturates instead of overflowing to Infinity or NaN', () => {
    const measured = measure(fanOut(1200, 'reservations { id }'));
    expect(Number.isFinite(measured.cost)).toBe(true);
    expect(measured.cost).toBeGreaterThan(1e14);
  });
});

describe('entity fetch sizes', () => {
  it('counts the objects an _entities call resolves along its plan path', () => {
    const analysis = analysisOf('{ customers(first: 5) { nodes { reservations { customer { name } } } } }');
    expect(analysis.instancesAt(['customers', 'nodes', '@'])).toBe(5);
    expect(analysis.instancesAt(['customers', 'nodes', '@', 'reservations', '@', 'customer'])).toBe(5 * 20);
  });

  it('follows aliases and fragments', () => {
    const analysis = analysisOf('{ c: customers(first: 3) { ...Page } } fragment Page on CustomerConnection { nodes { reservations { id } } }');
    expect(analysis.instancesAt(['c', 'nodes', '@'])).toBe(3);
  });
});
