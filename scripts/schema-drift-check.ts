/**
 * npm run typecheck:schema-drift   proves that the resolvers are bound to their schema: for
 *                                  each subgraph, a copy of its sources is type-checked against
 *                                  its schema.graphql with fields renamed (the resolvers left as
 *                                  they are), and tsc must fail in exactly the resolver files that
 *                                  implement those fields. Passes when it does.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generate } from '@graphql-codegen/cli';
import type { CodegenConfig } from '@graphql-codegen/cli';

const ROOT = path.resolve(__dirname, '..');

interface Rename {
  /** The definition that holds the field, as it starts in schema.graphql (e.g. `input CreateCustomerInput`). */
  definition: string;
  field: string;
  to: string;
  /** The resolver file (under src/) that must stop type-checking. */
  failsIn: string;
}

const CASES: { subgraph: string; renames: Rename[] }[] = [
  {
    subgraph: 'customer',
    renames: [
      { definition: 'input CreateCustomerInput', field: 'email', to: 'emailAddress', failsIn: 'resolvers/Mutation.ts' },
      { definition: 'type Customer', field: 'phone', to: 'phoneNumber', failsIn: 'resolvers/Customer.ts' },
      { definition: 'type Query', field: 'products', to: 'catalogue', failsIn: 'resolvers/Query.ts' },
    ],
  },
  {
    subgraph: 'reservation',
    renames: [
      { definition: 'input UpdateReservationInput', field: 'partySize', to: 'guests', failsIn: 'resolvers/Mutation.ts' },
      { definition: 'type ReservationSettings', field: 'opensAt', to: 'opensAtTime', failsIn: 'resolvers/ReservationSettings.ts' },
    ],
  },
];

/** Renames `field` inside the block that starts with `definition`; throws if either is missing. */
function renameField(schema: string, { definition, field, to }: Rename): string {
  const start = schema.search(new RegExp(`^${definition}\\b`, 'm'));
  if (start < 0) throw new Error(`${definition} not found`);
  const end = schema.indexOf('\n}', start);
  const block = schema.slice(start, end);
  const renamed = block.replace(new RegExp(`^(\\s+)${field}(?=[:(])`, 'm'), `$1${to}`);
  if (renamed === block) throw new Error(`${definition} has no field ${field}`);
  return schema.slice(0, start) + renamed + schema.slice(end);
}

/** tsc's error lines, as file paths relative to `dir`. */
function typecheckErrors(dir: string): { failed: boolean; files: Set<string>; output: string } {
  const tsc = require.resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json', '--noEmit', '--pretty', 'false'], { cwd: dir, encoding: 'utf8' });
  const output = `${result.stdout}${result.stderr}`;
  const files = new Set([...output.matchAll(/^src\/(.+?)\(\d+,\d+\): error TS/gm)].map((match) => match[1]!));
  return { failed: result.status !== 0, files, output };
}

async function checkSubgraph(subgraph: string, renames: Rename[]): Promise<string[]> {
  const subgraphDir = path.join(ROOT, 'subgraphs', subgraph);
  // Inside the subgraph so its node_modules and the root's resolve as they do for the real sources.
  const dir = mkdtempSync(path.join(subgraphDir, '.schema-drift-'));
  try {
    cpSync(path.join(subgraphDir, 'src'), path.join(dir, 'src'), {
      recursive: true,
      filter: (source) => !source.startsWith(path.join(subgraphDir, 'src', 'generated')),
    });
    mkdirSync(path.join(dir, 'src', 'generated'));
    symlinkSync(path.join(subgraphDir, 'src', 'generated', 'prisma'), path.join(dir, 'src', 'generated', 'prisma'), 'dir');
    const schema = renames.reduce(renameField, readFileSync(path.join(subgraphDir, 'schema.graphql'), 'utf8'));
    writeFileSync(path.join(dir, 'schema.graphql'), schema);

    // The subgraph's own codegen configuration, pointed at the copy.
    const { default: config } = (await import(path.join(subgraphDir, 'codegen.ts'))) as { default: CodegenConfig };
    const [[, output]] = Object.entries(config.generates) as [[string, unknown]];
    await generate({ ...config, cwd: dir, schema: 'schema.graphql', generates: { 'src/generated/graphql.ts': output } } as CodegenConfig, true);

    writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({ extends: path.join(ROOT, 'tsconfig.json'), include: ['src/**/*.ts'], compilerOptions: { noEmit: true } }),
    );
    const { failed, files, output: tscOutput } = typecheckErrors(dir);
    const expected = new Set(renames.map((rename) => rename.failsIn));
    const problems: string[] = [];
    if (!failed) problems.push(`${subgraph}: tsc passed although the schema renamed ${renames.map((r) => r.field).join(', ')}`);
    for (const file of expected) if (!files.has(file)) problems.push(`${subgraph}: no type error in src/${file}`);
    for (const file of files) if (!expected.has(file)) problems.push(`${subgraph}: unexpected type error in src/${file}`);
    if (problems.length > 0) problems.push(tscOutput);
    return problems;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const problems: string[] = [];
  for (const { subgraph, renames } of CASES) {
    problems.push(...(await checkSubgraph(subgraph, renames)));
    if (problems.length === 0)
      console.log(`${subgraph}: renaming ${renames.map((r) => `${r.definition}.${r.field}`).join(', ')} fails typecheck where expected`);
  }
  if (problems.length > 0) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
