/**
 * npm run schema:check   compares every subgraph schema and the supergraph's API schema with
 *                        schema-baseline/ and fails on breaking changes (removed fields,
 *                        changed types, arguments or input fields made required, ...)
 * npm run schema:accept  acknowledges the current schemas: copies them into schema-baseline/
 *
 *                        It also validates the operations in every trusted-document manifest a
 *                        client ships (examples/<app>/src/gql/persisted-documents.json) against the
 *                        new supergraph.
 *
 * Flags: --config PATH (supergraph.yaml), --supergraph PATH, --baseline DIR, --manifests PATH
 * (repeatable; replaces the default manifests), so tests can work on temporary copies.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { acceptSchemas, checkSchemas, formatReport, type SchemaCheckInputs } from './lib/schema-check';

const ROOT = path.resolve(__dirname, '..');

function option(args: string[], flag: string, fallback: string): string {
  const index = args.indexOf(flag);
  const value = index >= 0 ? args[index + 1] : undefined;
  return value ? path.resolve(value) : fallback;
}

/** The manifests the example clients' builds wrote (GraphQL Code Generator's client preset). */
function shippedManifests(): string[] {
  const examples = path.join(ROOT, 'examples');
  return readdirSync(examples)
    .map((name) => path.join(examples, name, 'src', 'gql', 'persisted-documents.json'))
    .filter((file) => existsSync(file));
}

function manifestOptions(args: string[]): string[] | null {
  const paths = args.flatMap((arg, index) => (arg === '--manifests' && args[index + 1] ? [path.resolve(args[index + 1]!)] : []));
  return paths.length > 0 ? paths : null;
}

function main(): number {
  const args = process.argv.slice(2);
  const inputs: SchemaCheckInputs = {
    configPath: option(args, '--config', path.join(ROOT, 'supergraph.yaml')),
    supergraphPath: option(args, '--supergraph', path.join(ROOT, 'supergraph.graphql')),
    baselineDir: option(args, '--baseline', path.join(ROOT, 'schema-baseline')),
    manifestPaths: manifestOptions(args) ?? shippedManifests(),
  };
  if (args.includes('--accept')) {
    for (const file of acceptSchemas(inputs)) console.log(`baseline updated: ${path.relative(process.cwd(), file)}`);
    return 0;
  }
  const comparisons = checkSchemas(inputs);
  console.log(formatReport(comparisons));
  const breaking = comparisons.reduce((sum, comparison) => sum + comparison.breaking.length, 0);
  if (breaking > 0) {
    console.error(
      `\nschema:check failed: ${breaking} breaking change(s). Clients may depend on what changed.\n` +
        'Make the change additive (deprecate first), or acknowledge it with `npm run schema:accept` and commit schema-baseline/.',
    );
    return 1;
  }
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
