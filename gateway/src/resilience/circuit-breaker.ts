// Hand-written: opossum and cockatiel breakers wrap a call, but this one is also closed by /ready probes and ignores results of attempts that started before it last opened (tickets).
export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  threshold: number;
  resetMs: number;
  onTransition?: (from: BreakerState, to: BreakerState) => void;
  now?: () => number;
}

/**
 * A consecutive-failure circuit breaker. Closed: everything passes and failures are
 * counted. Open: everything fails fast until `resetMs` has passed, or until a health probe
 * started after it opened finds the subgraph ready again (a restart shorter than `resetMs`
 * then costs no more than the restart). Half-open: exactly one probe passes; its success
 * closes the circuit, its failure opens it again.
 *
 * Results carry the ticket their attempt (or probe) took when it started: one that started
 * before the circuit last opened describes the subgraph as it was then, so it neither closes
 * nor reopens the circuit.
 */
export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  /** How often the circuit has opened: the ticket of an attempt started now. */
  private openings = 0;
  private probeInFlight = false;
  private readonly now: () => number;

  constructor(private readonly options: BreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  get state(): BreakerState {
    return this.current;
  }

  /** Taken when an attempt or probe starts, and handed back with its result. */
  ticket(): number {
    return this.openings;
  }

  /** Whether a request may go out now; in half-open state only the first caller gets true. */
  tryAcquire(): boolean {
    if (this.current === 'closed') return true;
    if (this.current === 'open') {
      if (this.now() - this.openedAt < this.options.resetMs) return false;
      this.transition('half-open');
    }
    if (this.probeInFlight) return false;
    this.probeInFlight = true;
    return true;
  }

  recordSuccess(ticket: number = this.ticket()): void {
    if (ticket < this.openings) return;
    this.failures = 0;
    this.probeInFlight = false;
    if (this.current !== 'closed') this.transition('closed');
  }

  recordFailure(ticket: number = this.ticket()): void {
    if (ticket < this.openings) return;
    this.failures++;
    this.probeInFlight = false;
    if (this.current === 'half-open' || (this.current === 'closed' && this.failures >= this.options.threshold)) {
      this.openedAt = this.now();
      this.openings++;
      this.transition('open');
    }
  }

  /**
   * A health probe of the subgraph (its /ready) succeeded: the circuit closes without waiting
   * out `resetMs`, unless the probe began before it opened.
   */
  recordHealthyProbe(ticket: number): void {
    if (this.current !== 'closed') this.recordSuccess(ticket);
  }

  /** For an attempt that ended without telling anything about health (e.g. a 429). */
  release(): void {
    this.probeInFlight = false;
  }

  private transition(to: BreakerState): void {
    const from = this.current;
    this.current = to;
    this.options.onTransition?.(from, to);
  }
}
