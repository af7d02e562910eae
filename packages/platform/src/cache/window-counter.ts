/**
 * Counters per key and fixed time window, optionally capped. A key's window starts with its
 * first addition and lasts `windowSeconds` (so windows of different keys do not all end, and
 * refill, at the same instant): the gateway's persisted-query
 * quotas and its tenant cost budgets both count with this one mechanism.
 * Hand-written: a capped fixed window is one short Lua script in Redis and a Map in process;
 * rate-limiting libraries bring token buckets and their own Redis clients, which this does not
 * need, and none falls back to per-process counting while Redis is down.
 */

/** A key's totals in the current window after one `add`. */
export interface WindowCount {
  /** Totals after the addition, or without it when it was refused. */
  totals: number[];
  /** False when a total would have passed its limit: then nothing was added. */
  admitted: boolean;
  /** When the current window ends (milliseconds since the epoch). */
  endsAtMs: number;
  /** Whether every replica sharing the Redis saw this count (false: this process only). */
  shared: boolean;
}

export interface WindowCounter {
  /**
   * Adds `amounts` to the running totals of `key` in the current window, atomically and only
   * when no total would pass its entry in `limits` (no limits: always).
   */
  add(key: string, amounts: readonly number[], limits?: readonly number[]): Promise<WindowCount>;
}

function fits(totals: readonly number[], amounts: readonly number[], limits: readonly number[] | undefined): boolean {
  return limits === undefined || amounts.every((amount, position) => (totals[position] ?? 0) + amount <= (limits[position] ?? Infinity));
}

/** Counts in this process; past windows are dropped as soon as a key moves on. Bounded by `maxKeys`. */
export class InProcessWindowCounter implements WindowCounter {
  private readonly totals = new Map<string, { endsAtMs: number; values: number[] }>();

  constructor(
    private readonly windowSeconds: number,
    private readonly clock: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {}

  async add(key: string, amounts: readonly number[], limits?: readonly number[]): Promise<WindowCount> {
    const now = this.clock();
    let entry = this.totals.get(key);
    if (entry === undefined || entry.endsAtMs <= now) {
      this.totals.delete(key);
      // The oldest key (first in insertion order) makes room.
      if (this.totals.size >= this.maxKeys) this.totals.delete(this.totals.keys().next().value!);
      entry = { endsAtMs: now + this.windowSeconds * 1_000, values: amounts.map(() => 0) };
      this.totals.set(key, entry);
    }
    const admitted = fits(entry.values, amounts, limits);
    if (admitted) entry.values = entry.values.map((value, position) => value + (amounts[position] ?? 0));
    return { totals: [...entry.values], admitted, endsAtMs: entry.endsAtMs, shared: false };
  }

  clear(): void {
    this.totals.clear();
  }
}

/**
 * KEYS: one per amount. ARGV: the window in ms, then per key its amount and its limit (-1:
 * none). Returns {1 admitted / 0 refused, ms left in the window, total 1, total 2, ...}. A
 * refusal adds nothing; the window ends when the keys, created by its first addition, expire.
 */
const ADD_SCRIPT = `
local totals = {}
for i = 1, #KEYS do totals[i] = tonumber(redis.call('GET', KEYS[i]) or '0') end
local admitted = 1
for i = 1, #KEYS do
  local limit = tonumber(ARGV[2 * i + 1])
  if limit >= 0 and totals[i] + tonumber(ARGV[2 * i]) > limit then admitted = 0 end
end
if admitted == 1 then
  for i = 1, #KEYS do
    totals[i] = redis.call('INCRBY', KEYS[i], ARGV[2 * i])
    redis.call('PEXPIRE', KEYS[i], ARGV[1], 'NX')
  end
end
local left = redis.call('PTTL', KEYS[1])
if left < 0 then left = tonumber(ARGV[1]) end
table.insert(totals, 1, left)
table.insert(totals, 1, admitted)
return totals
`;

/** What a Redis-backed counter needs of the connection: a script run atomically on its keys. */
export type WindowScript = (script: string, keys: string[], args: string[]) => Promise<unknown>;

/**
 * Shared by every process on one Redis: key `<key>:<n>` per amount, expiring one window after
 * its first addition. While Redis cannot answer, counts fall back to this process
 * alone (a quota then holds per replica rather than not at all); `onFallback` is told each
 * time, and the process's own counts are dropped once Redis counts again.
 */
export class SharedWindowCounter implements WindowCounter {
  private readonly local: InProcessWindowCounter;
  private countingLocally = false;

  constructor(
    private readonly run: WindowScript,
    private readonly isReady: () => boolean,
    private readonly windowSeconds: number,
    private readonly onFallback: (error: unknown) => void,
    private readonly clock: () => number = Date.now,
  ) {
    this.local = new InProcessWindowCounter(windowSeconds, clock);
  }

  async add(key: string, amounts: readonly number[], limits?: readonly number[]): Promise<WindowCount> {
    if (this.isReady()) {
      const keys = amounts.map((_, position) => `${key}:${position}`);
      const args = [String(this.windowSeconds * 1_000), ...amounts.flatMap((amount, position) => [String(amount), String(limits?.[position] ?? -1)])];
      try {
        const reply = await this.run(ADD_SCRIPT, keys, args);
        if (!Array.isArray(reply) || reply.length !== amounts.length + 2) throw new Error(`unexpected window counter reply: ${String(reply)}`);
        if (this.countingLocally) {
          this.countingLocally = false;
          this.local.clear();
        }
        const [admitted, leftMs, ...totals] = reply.map(Number) as [number, number, ...number[]];
        return { totals, admitted: admitted === 1, endsAtMs: this.clock() + leftMs, shared: true };
      } catch (error) {
        this.onFallback(error);
      }
    }
    this.countingLocally = true;
    return this.local.add(key, amounts, limits);
  }
}
