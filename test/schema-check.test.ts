import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { acceptSchemas, checkSchemas, type SchemaCheckInputs } from '../scripts/lib/schema-check';

const ROOT = path.resolve(__dirname, '..');
const dirs: string[] = [];

/** A temporary copy of the schemas with a baseline accepted from them. */
function workspace(): SchemaCheckInputs & { schema(name: 'customer' | 'reservation'): string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'schema-check-'));
  dirs.push(dir);
  cpSync(path.join(ROOT, 'supergraph.yaml'), path.join(dir, 'supergraph.yaml'));
  cpSync(path.join(ROOT, 'supergraph.graphql'), path.join(dir, 'supergraph.graphql'));
  for (const name of ['customer', 'reservation']) {
    mkdirSync(path.join(dir, 'subgraphs', name), { recursive: true });
    cpSync(path.join(ROOT, 'subgraphs', name, 'schema.graphql'), path.join(dir, 'subgraphs', name, 'schema.graphql'));
  }
  const inputs = {
    configPath: path.join(dir, 'supergraph.yaml'),
    supergraphPath: path.join(dir, 'supergraph.graphql'),
    baselineDir: path.join(dir, 'schema-baseline'),
    schema: (name: 'customer' | 'reservation') => path.join(dir, 'subgraphs', name, 'schema.graphql'),
  };
  acceptSchemas(inputs);
  return inputs;
}

function edit(file: string, from: RegExp, to: string): void {
  const before = readFileSync(file, 'utf8');
  const after = before.replace(from, to);
  expect(after).not.toBe(before);
  writeFileSync(file, after);
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

test('the committed schemas match the committed baseline: no breaking changes', () => {
  const comparisons = checkSchemas({
    configPath: path.join(ROOT, 'supergraph.yaml'),
    supergraphPath: path.join(ROOT, 'supergraph.graphql'),
    baselineDir: path.join(ROOT, 'schema-baseline'),
  });
  expect(comparisons.map((comparison) => comparison.name)).toEqual(['customer', 'reservation', 'supergraph']);
  for (const comparison of comparisons) {
    expect(comparison.newSchema).toBe(false);
    expect(comparison.breaking).toEqual([]);
  }
});

test('an additive change (a new optional field) passes', () => {
  const inputs = workspace();
  edit(inputs.schema('customer'), /type Customer @key\(fields: "id"\) \{/, 'type Customer @key(fields: "id") {\n  nickname: String');
  expect(checkSchemas(inputs).every((comparison) => comparison.breaking.length === 0)).toBe(true);
});

test('a removed field fails, through the CLI, with a readable report', () => {
  const inputs = workspace();
  edit(inputs.schema('customer'), /\n {2}email: String!\n/, '\n');
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(ROOT, 'scripts/schema-check.ts'),
      '--config',
      inputs.configPath,
      '--supergraph',
      inputs.supergraphPath,
      '--baseline',
      inputs.baselineDir,
    ],
    { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
  );
  expect(result.status).toBe(1);
  expect(result.stdout).toContain('customer: 1 breaking change(s)');
  expect(result.stdout).toContain('Customer.email was removed');
  expect(result.stderr).toContain('npm run schema:accept');
});

test('an input made stricter (a new required input field) fails until accepted', () => {
  const inputs = workspace();
  edit(inputs.schema('customer'), /input CreateCustomerInput \{/, 'input CreateCustomerInput {\n  loyaltyNumber: String!');
  const [customer] = checkSchemas(inputs);
  expect(customer?.breaking.join('\n')).toMatch(/REQUIRED_INPUT_FIELD_ADDED.*loyaltyNumber/);

  acceptSchemas(inputs);
  expect(checkSchemas(inputs).every((comparison) => comparison.breaking.length === 0)).toBe(true);
});

test('a breaking change in the composed supergraph is caught in the API schema', () => {
  const inputs = workspace();
  edit(inputs.supergraphPath, /(type CustomerConnection[^}]*?)\n {2}totalCount: Int!/, '$1');
  const supergraph = checkSchemas(inputs).find((comparison) => comparison.name === 'supergraph');
  expect(supergraph?.breaking.join('\n')).toMatch(/CustomerConnection\.totalCount was removed/);
});

describe("a shipped client's trusted-document manifest", () => {
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const USES_TOTAL = 'query CustomerCount { customers { totalCount } }';

  function withManifest(): SchemaCheckInputs {
    const inputs = workspace();
    const manifest = path.join(path.dirname(inputs.configPath), 'persisted-documents.json');
    writeFileSync(manifest, JSON.stringify({ [sha256(USES_TOTAL)]: USES_TOTAL }));
    return { ...inputs, manifestPaths: [manifest] };
  }

  test('passes while its operations stay valid', () => {
    const comparisons = checkSchemas(withManifest());
    expect(comparisons.find((comparison) => comparison.name.startsWith('operations in'))?.breaking).toEqual([]);
  });

  test('fails when the new supergraph breaks an operation it ships, even with the baseline accepted', () => {
    const inputs = withManifest();
    edit(inputs.supergraphPath, /(type CustomerConnection[^}]*?)\n {2}totalCount: Int!/, '$1');
    acceptSchemas(inputs);
    const manifest = checkSchemas(inputs).find((comparison) => comparison.name.startsWith('operations in'));
    expect(manifest?.breaking).toEqual([expect.stringMatching(/^OPERATION_BROKEN: CustomerCount: Cannot query field "totalCount"/)]);
  });

  test('the committed example app manifest is checked by the CLI', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/schema-check.ts')], { cwd: ROOT, encoding: 'utf8' });
    expect(run.stdout).toMatch(/operations in examples\/web\/src\/gql\/persisted-documents\.json: no breaking changes/);
    expect(run.status).toBe(0);
  });
});
