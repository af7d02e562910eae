// Hand-written: its probe is a PING followed by recovery listeners, not a client command let
// through, which neither the gateway's subgraph breaker nor a library breaker models.

/** `up`: commands go to Redis; `down` (also before the first connection) and `probing`: they are skipped. */
export type RedisBreakerState = 'up' | 'down' | 'probing';

/** What happened while Redis was not used, for those who must repair shared state. */
export interface RedisRecovery {
  /** The connection was lost (not merely slow): whatever was in flight on it may be lost too. */
  connectionLost: boolean;
}

export interface RedisBreakerOptions {
  /** Consecutive failed commands that open the breaker (a failed write or a lost connection opens it at once). */
  threshold: number;
  /** How long the breaker stays open before a probe. */
  probeIntervalMs: number;
  /** Answers true when Redis answered a PING in time. */
  probe: () => Promise<boolean>;
  now?: () => number;
}

/**
 * Whether Redis is used at all. Once it is seen unhealthy, every command is skipped until a
 * probe succeeds; then the recovery listeners run, synchronously, before any other command
 * can be sent.
 */
export class RedisBreaker {
  private current: RedisBreakerState = 'down';
  private failures = 0;
  private openedAt: number;
  private probeNow = false;
  private everUp = false;
  private connectionLost = false;
  private readonly now: () => number;
  private readonly listeners: ((recovery: RedisRecovery) => void)[] = [];

  constructor(private readonly options: RedisBreakerOptions) {
    this.now = options.now ?? Date.now;
    // The first probe waits for the client's first connection (or the interval).
    this.openedAt = this.now();
  }

  get state(): RedisBreakerState {
    return this.current;
  }

  /** True when commands may go to Redis; otherwise starts a probe when one is due. */
  allows(): boolean {
    if (this.current === 'up') return true;
    this.probeIfDue();
    return false;
  }

  succeeded(): void {
    this.failures = 0;
  }

  /** A command failed or timed out; a write that may not have landed opens the breaker at once. */
  failed(write: boolean): void {
    this.failures++;
    if (write || this.failures >= this.options.threshold) this.open();
  }

  connectionClosed(): void {
    if (this.everUp) this.connectionLost = true;
    this.open();
  }

  /** The client (re)connected: probe at once instead of waiting for the interval. */
  connectionReady(): void {
    this.probeNow = true;
    this.probeIfDue();
  }

  /** Called each time Redis is used again after it was skipped (the first connection included). */
  onRecovered(listener: (recovery: RedisRecovery) => void): void {
    this.listeners.push(listener);
  }

  probeIfDue(): void {
    if (this.current !== 'down') return;
    if (!this.probeNow && this.now() - this.openedAt < this.options.probeIntervalMs) return;
    this.current = 'probing';
    this.probeNow = false;
    void this.options.probe().then(
      (ok) => (ok ? this.close() : this.reopen()),
      () => this.reopen(),
    );
  }

  private reopen(): void {
    this.current = 'down';
    this.openedAt = this.now();
    // A reconnection announced while the failed probe was in flight deserves its own probe.
    if (this.probeNow) this.probeIfDue();
  }

  private open(): void {
    this.failures = 0;
    if (this.current === 'probing') return; // the probe in flight decides
    this.current = 'down';
    this.openedAt = this.now();
  }

  private close(): void {
    const recovery: RedisRecovery = { connectionLost: this.connectionLost };
    this.current = 'up';
    this.failures = 0;
    this.everUp = true;
    this.connectionLost = false;
    for (const listener of this.listeners) listener(recovery);
  }
}
