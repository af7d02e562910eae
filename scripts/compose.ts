/**
 * npm run compose        -> writes supergraph.graphql (what `rover supergraph compose --config supergraph.yaml > supergraph.graphql` writes)
 * npm run compose:check  -> exits 1 when the committed supergraph.graphql is stale or composition fails
 *
 * Flags: --config PATH (default: supergraph.yaml at the repo root), --out PATH (default:
 * supergraph.graphql next to the config), --check. The flags exist so tests can point at
 * temporary copies instead of the committed files.
 */
import { writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { checkSupergraph, composeFromConfig, renderSupergraphFile } from './lib/supergraph';

const repoRoot = path.resolve(__dirname, '..');
const defaultConfig = path.join(repoRoot, 'supergraph.yaml');

interface CliOptions {
  check: boolean;
  configPath: string;
  outPath: string;
  customPaths: boolean;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): CliOptions {
  let check = false;
  let config: string | undefined;
  let out: string | undefined;
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? '';
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[index + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${flag} needs a path`);
      index += 1;
      return next;
    };
    if (flag === '--check') check = true;
    else if (flag === '--config') config = value();
    else if (flag === '--out') out = value();
    else throw new UsageError(`unknown argument ${arg}`);
  }
  const configPath = config ? path.resolve(config) : defaultConfig;
  return {
    check,
    configPath,
    outPath: out ? path.resolve(out) : path.join(path.dirname(configPath), 'supergraph.graphql'),
    customPaths: config !== undefined || out !== undefined,
  };
}

/** Paths inside the working directory print relative; temp copies elsewhere print absolute. */
function display(target: string): string {
  const relative = path.relative(process.cwd(), target);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? target : relative;
}

function fixCommand(options: CliOptions): string {
  if (!options.customPaths) return 'npm run compose';
  return `npm run compose -- --config ${display(options.configPath)} --out ${display(options.outPath)}`;
}

function printErrors(heading: string, errors: string[]): void {
  console.error(heading);
  for (const error of errors) console.error(`  - ${error}`);
}

function printHints(hints: string[]): void {
  // Rover prints hints to stderr too, keeping stdout/the file pure SDL.
  for (const hint of hints) console.error(`HINT: ${hint}`);
}

function run(options: CliOptions): number {
  const shownConfig = display(options.configPath);
  if (options.check) {
    const result = checkSupergraph(options.configPath, options.outPath);
    if (result.status === 'failed') {
      printErrors(`compose:check failed: composing ${shownConfig} reported ${result.errors.length} error(s):`, result.errors);
      return 1;
    }
    if (result.status === 'stale') {
      console.error(`compose:check failed: ${display(options.outPath)} ${result.detail}`);
      console.error(`Regenerate it with \`${fixCommand(options)}\` and commit the result.`);
      return 1;
    }
    console.log(`${display(options.outPath)} is up to date with ${shownConfig}`);
    return 0;
  }

  const result = composeFromConfig(options.configPath);
  if ('errors' in result) {
    printErrors(`Composing ${shownConfig} failed with ${result.errors.length} error(s):`, result.errors);
    return 1;
  }
  printHints(result.hints);
  // Write then rename so a reader (the gateway in dev) never sees a half-written supergraph.
  const temporary = `${options.outPath}.${process.pid}.tmp`;
  writeFileSync(temporary, renderSupergraphFile(result.supergraphSdl));
  renameSync(temporary, options.outPath);
  console.log(`Wrote ${display(options.outPath)}`);
  return 0;
}

function main(): void {
  let options: CliOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`compose: ${error.message}`);
    console.error('usage: tsx scripts/compose.ts [--check] [--config supergraph.yaml] [--out supergraph.graphql]');
    process.exitCode = 2;
    return;
  }
  process.exitCode = run(options);
}

main();
