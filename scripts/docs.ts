/**
 * `npm run docs` writes the generated docs (docs/configuration.md, every .env.example);
 * `npm run docs:check` (CI) fails when they differ from what the config definitions say, when
 * a definition is incomplete, or when a relative link in README.md or docs/ does not resolve.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '@reservations/platform/config';
import { generatedFiles } from './lib/configuration-docs';
import { brokenLinks } from './lib/markdown-links';

const check = process.argv.includes('--check');

/** README.md and every Markdown file under docs/. */
function markdownFiles(): string[] {
  const docs = path.join(REPO_ROOT, 'docs');
  const files = [path.join(REPO_ROOT, 'README.md'), path.join(REPO_ROOT, 'CHANGELOG.md')];
  for (const entry of readdirSync(docs, { recursive: true, encoding: 'utf8' })) {
    if (entry.endsWith('.md')) files.push(path.join(docs, entry));
  }
  return files;
}

const { files, problems } = generatedFiles();
for (const [relative, content] of files) {
  const file = path.join(REPO_ROOT, relative);
  const current = existsSync(file) ? readFileSync(file, 'utf8') : null;
  if (current === content) continue;
  if (check) problems.push(`${relative}: out of date with the config definitions; run npm run docs`);
  else {
    writeFileSync(file, content);
    console.log(`wrote ${relative}`);
  }
}
for (const file of markdownFiles()) problems.push(...brokenLinks(file, REPO_ROOT));

if (problems.length > 0) {
  console.error(problems.map((problem) => `✗ ${problem}`).join('\n'));
  process.exit(1);
}
console.log(check ? 'docs are up to date and every relative link resolves' : 'docs generated');
