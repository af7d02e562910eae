import type { GatewayClock } from '@reservations/gateway/clock';

/**
 * A gateway clock that moves only when told (hand-written: the gateway needs three calls, and
 * fake timers for the whole process would stop the real I/O the tests run on). A sleep passes
 * at once and moves time ahead by its length; a timer fires when `advance` or `fireNext`
 * reaches it. `sleeps` and `timers` record every wait the gateway asked for.
 */
export class ManualClock implements GatewayClock {
  readonly sleeps: number[] = [];
  readonly timers: number[] = [];
  private current: number;
  private pending: { at: number; fire: () => void }[] = [];

  constructor(start = Date.now()) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.advance(ms);
  }

  setTimer(ms: number, fire: () => void): () => void {
    this.timers.push(ms);
    const timer = { at: this.current + ms, fire };
    this.pending.push(timer);
    return () => {
      this.pending = this.pending.filter((other) => other !== timer);
    };
  }

  /** Moves time ahead by `ms`, firing every timer due by then in order. */
  advance(ms: number): void {
    const until = this.current + ms;
    for (;;) {
      const next = this.earliest();
      if (next === undefined || next.at > until) break;
      this.current = Math.max(this.current, next.at);
      this.pending = this.pending.filter((timer) => timer !== next);
      next.fire();
    }
    this.current = until;
  }

  /** Moves time to the earliest pending timer and fires it; false when none is pending. */
  fireNext(): boolean {
    const next = this.earliest();
    if (next === undefined) return false;
    this.advance(next.at - this.current);
    return true;
  }

  private earliest(): { at: number; fire: () => void } | undefined {
    return this.pending.reduce<{ at: number; fire: () => void } | undefined>(
      (first, timer) => (first === undefined || timer.at < first.at ? timer : first),
      undefined,
    );
  }
}
