/**
 * Counters per key and fixed time window (quotas such as "bytes a tenant registered today").
 * Hand-written: a fixed window is one Redis INCRBY plus an expiry, and the in-process twin a Map;
 * a rate-limiting library would add token buckets this does not need.
 */

/** Adds to the running totals of `key` in the current window and returns them after the addition. */
export interface WindowCounter {
  add(key: string, amounts: readonly number[]): Promise<number[]>;
}

/** The window `now` falls in, and when the next one starts. */
export function windowOf(nowMs: number, windowSeconds: number): { index: number; endsAtMs: number } {
  const windowMs = windowSeconds * 1_000;
  const index = Math.floor(nowMs / windowMs);
  return { index, endsAtMs: (index + 1) * windowMs };
}

/** Counts in this process; past windows are dropped as soon as a key moves on. Bounded by `maxKeys`. */
export class InProcessWindowCounter implements WindowCounter {
  private readonly totals = new Map<string, { index: number; values: number[] }>();

  constructor(
    private readonly windowSeconds: number,
    private readonly clock: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {}

  async add(key: string, amounts: readonly number[]): Promise<number[]> {
    const { index } = windowOf(this.clock(), this.windowSeconds);
    let entry = this.totals.get(key);
    if (entry === undefined || entry.index !== index) {
      this.totals.delete(key);
      // The oldest key (first in insertion order) makes room.
      if (this.totals.size >= this.maxKeys) this.totals.delete(this.totals.keys().next().value!);
      entry = { index, values: amounts.map(() => 0) };
      this.totals.set(key, entry);
    }
    entry.values = entry.values.map((value, position) => value + (amounts[position] ?? 0));
    return [...entry.values];
  }
}

/** What a Redis-backed counter needs of the connection: one atomic MULTI per addition. */
export type WindowIncrement = (keys: readonly string[], amounts: readonly number[], ttlSeconds: number) => Promise<number[]>;

/**
 * Shared by every process on one Redis: key `<key>:<window index>:<n>` per amount, created with
 * an expiry of one window. While Redis cannot answer, counts fall back to this process alone
 * (a quota then holds per replica rather than not at all); `onFallback` is told each time.
 */
export class SharedWindowCounter implements WindowCounter {
  private readonly local: InProcessWindowCounter;

  constructor(
    private readonly increment: WindowIncrement,
    private readonly isReady: () => boolean,
    private readonly windowSeconds: number,
    private readonly onFallback: (error: unknown) => void,
    private readonly clock: () => number = Date.now,
  ) {
    this.local = new InProcessWindowCounter(windowSeconds, clock);
  }

  async add(key: string, amounts: readonly number[]): Promise<number[]> {
    if (this.isReady()) {
      const { index } = windowOf(this.clock(), this.windowSeconds);
      try {
        return await this.increment(amounts.map((_, position) => `${key}:${index}:${position}`), amounts, this.windowSeconds);
      } catch (error) {
        this.onFallback(error);
      }
    }
    return this.local.add(key, amounts);
  }
}
