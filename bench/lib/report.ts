import type { LoadResult } from './load';

export interface Row extends LoadResult {
  scenario: string;
  setting: string;
  variant: string;
  /** RPS over the group's reference variant's RPS. */
  ratio: number;
  reference: string;
  /** SQL statements per request by subgraph, where counted. */
  statements: Record<string, number> | null;
}

export interface Target {
  name: string;
  /** The measured value, in the target's own terms (a ratio, or ms). */
  measured: number;
  /** e.g. ">= 1.0" */
  wanted: string;
  met: boolean;
}

const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : '-');

function statementsCell(statements: Record<string, number> | null): string {
  if (statements === null) return '';
  return Object.entries(statements)
    .map(([subgraph, count]) => `${subgraph} ${fixed(count, 1)}`)
    .join(', ');
}

/** A Markdown table, readable in a terminal too. */
export function renderTable(rows: Row[]): string {
  const header = ['Scenario', 'Setting', 'Variant', 'RPS', 'p50 ms', 'p95 ms', 'p99 ms', 'Ratio', 'CPU s/1k req', 'SQL/request'];
  const align = ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'l'];
  const cells = rows.map((row) => [
    row.scenario,
    row.setting,
    row.variant,
    fixed(row.rps, 0),
    fixed(row.p50Ms, 2),
    fixed(row.p95Ms, 2),
    fixed(row.p99Ms, 2),
    `${fixed(row.ratio, 2)}x`,
    row.cpuPer1k === null ? '-' : fixed(row.cpuPer1k, 2),
    statementsCell(row.statements),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((line) => line[i]!.length)));
  const line = (values: string[]) =>
    `| ${values.map((value, i) => (align[i] === 'r' ? value.padStart(widths[i]!) : value.padEnd(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((width, i) => (align[i] === 'r' ? `${'-'.repeat(width + 1)}:` : '-'.repeat(width + 2))).join('|')}|`;
  return [line(header), rule, ...cells.map(line)].join('\n');
}

export function renderTargets(targets: Target[]): string {
  const width = Math.max(...targets.map((target) => target.name.length));
  return targets
    .map((target) => `${target.met ? 'met    ' : 'MISSED '} ${target.name.padEnd(width)}  ${fixed(target.measured, 2)} (wanted ${target.wanted})`)
    .join('\n');
}
