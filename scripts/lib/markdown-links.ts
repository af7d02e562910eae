/**
 * Relative links in Markdown must resolve: the file exists and, with a `#fragment`, the
 * target has a heading whose GitHub anchor is that fragment. External links are not fetched.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** Text outside fenced code blocks and inline code, where links and headings count. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function headingAnchor(heading: string): string {
  const text = heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`/g, '')
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const withoutFences = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const match of withoutFences.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = headingAnchor(match[1]!);
    const count = seen.get(base) ?? 0;
    anchors.add(count === 0 ? base : `${base}-${count}`);
    seen.set(base, count + 1);
  }
  for (const match of markdown.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(match[1]!);
  return anchors;
}

/** Problems with the relative links of `file` (absolute path), as "file:line: message". */
export function brokenLinks(file: string, root: string): string[] {
  const markdown = readFileSync(file, 'utf8');
  const problems: string[] = [];
  const text = prose(markdown);
  const lines = markdown.split('\n');
  const lineOf = (target: string) => lines.findIndex((line) => line.includes(`](${target})`)) + 1;
  for (const match of text.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const target = match[1]!;
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
    const [filePart, fragment] = target.split('#', 2) as [string, string | undefined];
    const resolved = filePart === '' ? file : path.resolve(path.dirname(file), decodeURIComponent(filePart));
    const where = `${path.relative(root, file)}:${lineOf(target)}`;
    if (!existsSync(resolved)) {
      problems.push(`${where}: ${target} does not exist`);
      continue;
    }
    if (fragment === undefined || fragment === '') continue;
    if (statSync(resolved).isDirectory() || !resolved.endsWith('.md')) {
      problems.push(`${where}: ${target} has a fragment but is not a Markdown file`);
      continue;
    }
    if (!anchorsOf(readFileSync(resolved, 'utf8')).has(fragment)) {
      problems.push(`${where}: ${target}: no heading "#${fragment}" in ${path.relative(root, resolved)}`);
    }
  }
  return problems;
}
