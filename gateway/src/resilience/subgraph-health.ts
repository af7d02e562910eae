import type { CircuitBreaker, BreakerState } from './circuit-breaker';
import { probeSubgraph, type SubgraphProbe } from './subgraph-probe';

export interface SubgraphHealthReport {
  url: string;
  /** From the last request the gateway sent: up, down, or unknown before any traffic. */
  lastKnownState: 'up' | 'down' | 'unknown';
  lastError: string | null;
  lastChangeAt: string | null;
  breaker: BreakerState;
}

/** What the gateway has learnt about one subgraph from its own traffic. */
export class SubgraphHealth {
  private state: 'up' | 'down' | 'unknown' = 'unknown';
  private lastError: string | null = null;
  private lastChangeAt: Date | null = null;

  constructor(
    readonly url: string,
    private readonly breaker: CircuitBreaker,
  ) {}

  succeeded(): void {
    if (this.state !== 'up') this.lastChangeAt = new Date();
    this.state = 'up';
    this.lastError = null;
  }

  failed(reason: string): void {
    if (this.state !== 'down') this.lastChangeAt = new Date();
    this.state = 'down';
    this.lastError = reason;
  }

  /**
   * Asks the subgraph's /ready; a ready answer closes an open circuit at once (a probe that
   * started before the circuit opened excepted, see CircuitBreaker).
   */
  async probe(probe: (url: string) => Promise<SubgraphProbe> = probeSubgraph): Promise<SubgraphProbe> {
    const ticket = this.breaker.ticket();
    const result = await probe(this.url);
    if (result.ready) this.breaker.recordHealthyProbe(ticket);
    return result;
  }

  report(): SubgraphHealthReport {
    return {
      url: this.url,
      lastKnownState: this.state,
      lastError: this.lastError,
      lastChangeAt: this.lastChangeAt?.toISOString() ?? null,
      breaker: this.breaker.state,
    };
  }
}
