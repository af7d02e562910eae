/**
 * The workspace packages' public entry points are their package.json `exports`; tsconfig.json's
 * `paths` (which tsc, tsx and jest resolve sources through) must list exactly those, so that an
 * import of a module a package keeps to itself fails `npm run typecheck` and the tests alike.
 *
 *   tsx scripts/package-edges.ts           fail when tsconfig.json's paths differ from the exports
 *   tsx scripts/package-edges.ts --write   rewrite tsconfig.json's paths from the exports
 *
 * Hand-written: no tool derives TypeScript path aliases from npm export maps.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const TSCONFIG = path.join(ROOT, 'tsconfig.json');

interface PackageJson {
  name: string;
  workspaces?: string[];
  exports?: Record<string, string | { types?: string; default?: string }>;
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** `@scope/name/entry` -> `./<workspace>/src/entry.ts`, for every workspace that declares exports. */
export function pathsFromExports(root: string): { paths: Record<string, string[]>; problems: string[] } {
  const paths: Record<string, string[]> = {};
  const problems: string[] = [];
  for (const workspace of readJson<PackageJson>(path.join(root, 'package.json')).workspaces ?? []) {
    const manifest = readJson<PackageJson>(path.join(root, workspace, 'package.json'));
    if (!manifest.exports) continue;
    for (const [entry, target] of Object.entries(manifest.exports)) {
      if (entry.includes('*')) problems.push(`${manifest.name}: "${entry}" exports every file; list the public entry points one by one`);
      const source = typeof target === 'string' ? target : target.types;
      if (!source?.endsWith('.ts')) {
        problems.push(`${manifest.name}: "${entry}" has no TypeScript source (a "types" condition, or a .ts target)`);
        continue;
      }
      const sourcePath = path.posix.join('.', workspace, source);
      if (!existsSync(path.join(root, sourcePath))) problems.push(`${manifest.name}: "${entry}" points at ${sourcePath}, which does not exist`);
      if (typeof target !== 'string' && target.default) {
        const compiled = target.default.replace(/^\.\/dist\//, './src/').replace(/\.js$/, '.ts');
        if (compiled !== source) problems.push(`${manifest.name}: "${entry}" compiles from ${source} but its default is ${target.default}`);
      }
      paths[path.posix.join(manifest.name, entry)] = [`./${sourcePath}`];
    }
  }
  return { paths, problems };
}

/** tsconfig.json with its `paths` block replaced (the file keeps its comments and layout). */
function withPaths(tsconfig: string, paths: Record<string, string[]>): string {
  const block = /("paths": )\{[^}]*\}/;
  if (!block.test(tsconfig)) throw new Error('tsconfig.json has no "paths" block to rewrite');
  const lines = Object.entries(paths).map(([alias, targets]) => `      ${JSON.stringify(alias)}: ${JSON.stringify(targets)}`);
  return tsconfig.replace(block, `$1{\n${lines.join(',\n')}\n    }`);
}

function main(): void {
  const { paths, problems } = pathsFromExports(ROOT);
  const current = readFileSync(TSCONFIG, 'utf8');
  const expected = withPaths(current, paths);
  if (process.argv.includes('--write')) {
    writeFileSync(TSCONFIG, expected);
    console.log(`tsconfig.json: ${Object.keys(paths).length} public entry points`);
  } else if (expected !== current) {
    problems.push('tsconfig.json "paths" differ from the packages\' exports: run `tsx scripts/package-edges.ts --write`');
  }
  if (problems.length > 0) {
    for (const problem of problems) console.error(problem);
    process.exit(1);
  }
  if (!process.argv.includes('--write')) console.log(`package edges agree: ${Object.keys(paths).length} public entry points`);
}

if (require.main === module) main();
