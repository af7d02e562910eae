/**
 * Time as the gateway's policies read it: token expiry, retry backoff, per-attempt timeouts,
 * the overall deadline and the circuit breaker. Tests pass their own clock and move time
 * instead of waiting for it.
 */
export interface GatewayClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves once `ms` have passed. */
  sleep(ms: number): Promise<void>;
  /** Calls `fire` once `ms` have passed; the returned function cancels it. Never keeps the process alive. */
  setTimer(ms: number, fire: () => void): () => void;
}

export const systemClock: GatewayClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  setTimer(ms, fire) {
    const timer = setTimeout(fire, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};
