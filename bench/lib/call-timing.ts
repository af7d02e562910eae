import { performance } from 'node:perf_hooks';
import { percentile } from './load';

/** Calls made one at a time in the bench process (no HTTP), summarised. */
export interface ClientTiming {
  operations: number;
  seconds: number;
  opsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  meanMs: number;
  /** CPU seconds of this (the client's) process per 1,000 operations. */
  cpuPer1k: number;
}

/** What blocks of calls accumulate for one variant. */
export interface CallSample {
  latencies: number[];
  seconds: number;
  cpuMicros: number;
}

export const emptySample = (): CallSample => ({ latencies: [], seconds: 0, cpuMicros: 0 });

/** Runs `call` `count` times, one after another, adding each latency, the wall time and this process's CPU to `into`. */
export async function timeBlock(into: CallSample, call: () => Promise<void>, count: number): Promise<void> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await call();
    into.latencies.push(performance.now() - t0);
  }
  into.seconds += (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  into.cpuMicros += used.user + used.system;
}

export function timing({ latencies, seconds, cpuMicros }: CallSample): ClientTiming {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    operations: sorted.length,
    seconds,
    opsPerSecond: sorted.length / seconds,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    meanMs: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
    cpuPer1k: cpuMicros / 1e6 / (sorted.length / 1000),
  };
}
