import { parsePrometheusText } from '@reservations/test-support/prometheus';
import type { Served } from './stack';

/** SQL statements a subgraph has sent so far: the count of its statement-duration histogram. */
async function statementsSent(subgraph: Served, metricsToken: string): Promise<number> {
  const response = await fetch(new URL('/metrics', subgraph.url), { headers: { authorization: `Bearer ${metricsToken}` } });
  if (!response.ok) throw new Error(`${subgraph.url} /metrics answered ${response.status}`);
  const exposition = parsePrometheusText(await response.text());
  return exposition.samples.filter((sample) => sample.name === 'db_query_duration_seconds_count').reduce((sum, sample) => sum + sample.value, 0);
}

/**
 * Statements per request in each subgraph, from their /metrics: `requests` requests are sent
 * one after another while nothing else runs, so every statement counted is theirs.
 */
export async function statementsPerRequest(
  subgraphs: Record<string, Served>,
  metricsToken: string,
  send: () => Promise<void>,
  requests: number,
): Promise<Record<string, number>> {
  const names = Object.keys(subgraphs);
  const before = await Promise.all(names.map((name) => statementsSent(subgraphs[name]!, metricsToken)));
  for (let i = 0; i < requests; i++) await send();
  const after = await Promise.all(names.map((name) => statementsSent(subgraphs[name]!, metricsToken)));
  return Object.fromEntries(names.map((name, i) => [name, (after[i]! - before[i]!) / requests]));
}
