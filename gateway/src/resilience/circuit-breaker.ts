export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  threshold: number;
  resetMs: number;
  onTransition?: (from: BreakerState, to: BreakerState) => void;
  now?: () => number;
}

/**
 * A consecutive-failure circuit breaker. Closed: everything passes and failures are
 * counted. Open: everything fails fast until `resetMs` has passed. Half-open: exactly one
 * probe passes; its success closes the circuit, its failure opens it again.
 */
export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private probeInFlight = false;
  private readonly now: () => number;

  constructor(private readonly options: BreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  get state(): BreakerState {
    return this.current;
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

  recordSuccess(): void {
    this.failures = 0;
    this.probeInFlight = false;
    if (this.current !== 'closed') this.transition('closed');
  }

  recordFailure(): void {
    this.failures++;
    this.probeInFlight = false;
    if (this.current === 'half-open' || (this.current === 'closed' && this.failures >= this.options.threshold)) {
      this.openedAt = this.now();
      this.transition('open');
    }
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
