/**
 * npm run schema:check   compares every subgraph schema and the supergraph's API schema with
 *                        schema-baseline/ and fails on breaking changes (removed fields,
 *                        changed types, arguments or input fields made required, ...)
 * npm run schema:accept  acknowledges the current schemas: copies them into schema-baseline/
 *
 * Flags: --config PATH (supergraph.yaml), --supergraph PATH, --baseline DIR, so tests can
 * work on temporary copies.
 */
import path from 'node:path';
import { acceptSchemas, checkSchemas, formatReport, type SchemaCheckInputs } from './lib/schema-check';

const ROOT = path.resolve(__dirname, '..');

function option(args: string[], flag: string, fallback: string): string {
  const index = args.indexOf(flag);
  const value = index >= 0 ? args[index + 1] : undefined;
  return value ? path.resolve(value) : fallback;
}

function main(): number {
  const args = process.argv.slice(2);
  const inputs: SchemaCheckInputs = {
    configPath: option(args, '--config', path.join(ROOT, 'supergraph.yaml')),
    supergraphPath: option(args, '--supergraph', path.join(ROOT, 'supergraph.graphql')),
    baselineDir: option(args, '--baseline', path.join(ROOT, 'schema-baseline')),
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
