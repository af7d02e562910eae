import type { EnvReader } from '@reservations/platform/config';

/** How the gateway treats one subgraph when it is slow or failing. */
export interface ResiliencePolicy {
  /** Retries after the first attempt (so at most maxRetries + 1 requests). */
  maxRetries: number;
  /** First retry delay; each further retry doubles it (with jitter). */
  retryDelayMs: number;
  /** Cap on a single retry delay, including a subgraph's Retry-After. */
  maxRetryDelayMs: number;
  /** Per-attempt timeout. */
  timeoutMs: number;
  /** Overall budget for one subgraph request, retries included. */
  deadlineMs: number;
  /** Consecutive failed attempts that open the circuit. */
  breakerThreshold: number;
  /** How long an open circuit fails fast before letting one probe through. */
  breakerResetMs: number;
  /** The largest response the gateway buffers from the subgraph; a larger one is RESPONSE_TOO_LARGE. */
  maxResponseBytes: number;
}

const SETTINGS = [
  ['maxRetries', 'SERVICE_MAX_RETRIES', 3, 0, 10],
  ['retryDelayMs', 'SERVICE_RETRY_DELAY_MS', 1_000, 0, 60_000],
  ['maxRetryDelayMs', 'SERVICE_MAX_RETRY_DELAY_MS', 8_000, 0, 300_000],
  ['timeoutMs', 'SERVICE_TIMEOUT', 5_000, 1, 300_000],
  ['deadlineMs', 'SERVICE_DEADLINE_MS', 15_000, 1, 600_000],
  ['breakerThreshold', 'SERVICE_BREAKER_THRESHOLD', 5, 1, 1_000],
  ['breakerResetMs', 'SERVICE_BREAKER_RESET_MS', 10_000, 1, 600_000],
  ['maxResponseBytes', 'SERVICE_MAX_RESPONSE_BYTES', 16_777_216, 1_024, 1_073_741_824],
] as const satisfies readonly (readonly [keyof ResiliencePolicy, string, number, number, number])[];

/**
 * Reads the shared SERVICE_* defaults (subgraph null), or for a subgraph those defaults
 * overridden by variables prefixed with its name: RESERVATION_SERVICE_TIMEOUT=2000 applies to
 * the reservation subgraph only.
 */
export function readResiliencePolicy(reader: EnvReader, subgraph: string | null): ResiliencePolicy {
  const prefix = subgraph?.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  const policy = {} as ResiliencePolicy;
  for (const [key, variable, fallback, min, max] of SETTINGS) {
    const shared = reader.int(variable, fallback, { min, max });
    policy[key] = prefix ? reader.int(`${prefix}_${variable}`, shared, { min, max }) : shared;
  }
  if (policy.timeoutMs > policy.deadlineMs) policy.timeoutMs = policy.deadlineMs;
  return policy;
}
