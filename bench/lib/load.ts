import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { cpuSeconds } from './process-cpu';

/** One variant's endpoint and how each request to it is made. */
export interface LoadTarget {
  /** The GraphQL endpoint. */
  url: string;
  headers: Record<string, string>;
  /** A fresh body per request, so variants can rotate ids or bust caches. */
  body: () => string;
  /** Headers that depend on the body (a subgraph called directly needs the gateway's signature). */
  sign?: (body: string) => Record<string, string>;
  /** The processes that serve this variant: their CPU time is what a request costs. */
  pids: number[];
}

/** One timed run: every successful request's latency, the wall time, and the servers' CPU time. */
export interface LoadRun {
  latencies: number[];
  seconds: number;
  cpuSeconds: number;
}

export interface LoadResult {
  /** Successful responses (HTTP 200 with data and no errors). */
  requests: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Server CPU seconds per 1,000 requests; null where /proc is unavailable. */
  cpuPer1k: number | null;
}

export class LoadFailure extends Error {}

/** What a successful GraphQL response starts with; an `errors` key anywhere fails it. */
function succeeded(status: number, body: string): boolean {
  return status === 200 && body.startsWith('{"data":') && !body.includes('"errors":');
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const cpuOf = (pids: number[]) => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);

/**
 * Drives `target` with `connections` keep-alive connections for `seconds`, every connection
 * sending its next request as soon as the previous answer arrived (closed loop, as autocannon
 * does). Every response body is checked: a variant that answers errors fast must not win, so
 * any failure aborts the run with the first bad answer.
 */
export async function runLoad(target: LoadTarget, { connections, seconds }: { connections: number; seconds: number }): Promise<LoadRun> {
  const latencies: number[] = [];
  let failures = 0;
  let firstFailure = '';
  const cpuBefore = cpuOf(target.pids);
  const started = performance.now();
  const instance = autocannon({
    url: target.url,
    method: 'POST',
    connections,
    duration: seconds,
    headers: { 'content-type': 'application/json', ...target.headers },
    requests: [
      {
        setupRequest: (request) => {
          const body = target.body();
          return { ...request, body, headers: { ...request.headers, ...target.sign?.(body) } };
        },
        onResponse: (status, body) => {
          if (succeeded(status, body)) return;
          failures++;
          firstFailure ||= `${status} ${body.slice(0, 400)}`;
        },
      },
    ],
  });
  // autocannon's tracker passes the client first; its type declarations omit it.
  (instance as unknown as NodeJS.EventEmitter).on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => latencies.push(ms));
  const result = await instance;
  const elapsed = (performance.now() - started) / 1000;
  const cpu = cpuOf(target.pids) - cpuBefore;
  if (result.errors > 0 || result.timeouts > 0)
    throw new LoadFailure(`${target.url}: ${result.errors} connection errors, ${result.timeouts} timeouts`);
  if (failures > 0) throw new LoadFailure(`${target.url}: ${failures} failed responses; first: ${firstFailure}`);
  return { latencies, seconds: elapsed, cpuSeconds: cpu };
}

/** The runs of one variant (interleaved with the others') as one result. */
export function summarise(runs: LoadRun[]): LoadResult {
  const latencies = runs.flatMap((run) => run.latencies).sort((a, b) => a - b);
  const seconds = runs.reduce((sum, run) => sum + run.seconds, 0);
  const cpu = runs.reduce((sum, run) => sum + run.cpuSeconds, 0);
  const requests = latencies.length;
  return {
    requests,
    seconds,
    rps: requests / seconds,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    p99Ms: percentile(latencies, 99),
    cpuPer1k: Number.isNaN(cpu) || requests === 0 ? null : (cpu / requests) * 1000,
  };
}
