import type { Fetcher } from '@apollo/utils.fetcher';
import type { Logger } from '@reservations/platform/logger';
import { systemClock, type GatewayClock } from '../clock';
import { CircuitBreaker } from './circuit-breaker';
import type { ResiliencePolicy } from './policy';
import { createResilientFetcher, type SubgraphFetchObserver } from './resilient-fetcher';
import { SubgraphHealth } from './subgraph-health';
import { createSubgraphTransport } from './subgraph-transport';

/** Everything the gateway keeps per subgraph: where it is, how to call it, how it is doing. */
export interface SubgraphLink {
  name: string;
  url: string;
  fetcher: Fetcher;
  health: SubgraphHealth;
  /** Stops the health probes of an open circuit. */
  close(): void;
}

export interface SubgraphLinkOptions {
  policy: ResiliencePolicy;
  logger: Logger;
  signingSecret: string | null;
  deduplicateQueries: boolean;
  /** Learns of every fetch (metrics, error reporting). */
  observer?: SubgraphFetchObserver;
  /** Drives timeouts, backoff, the breaker's reset period and its probes (default: the system's). */
  clock?: GatewayClock;
}

/** How often an open circuit's subgraph is asked whether it is ready again. */
export function probeIntervalMs(breakerResetMs: number): number {
  return Math.max(100, Math.min(1_000, Math.floor(breakerResetMs / 4)));
}

export function createSubgraphLink(
  name: string,
  url: string,
  { policy, logger, signingSecret, deduplicateQueries, observer, clock = systemClock }: SubgraphLinkOptions,
): SubgraphLink {
  // While the circuit is open the subgraph's /ready is probed, so a subgraph back after a short
  // restart is used again as soon as it says it is ready, not only after the reset period.
  let probes: (() => void) | null = null;
  const stopProbing = (): void => {
    probes?.();
    probes = null;
  };
  const probeEvery = (ms: number): void => {
    probes = clock.setTimer(ms, () => {
      if (breaker.state === 'closed') return stopProbing();
      void health.probe();
      probeEvery(ms);
    });
  };
  const breaker = new CircuitBreaker({
    threshold: policy.breakerThreshold,
    resetMs: policy.breakerResetMs,
    now: () => clock.now(),
    onTransition: (_from, to) => {
      if (to !== 'open' || probes !== null) return;
      probeEvery(probeIntervalMs(policy.breakerResetMs));
    },
  });
  const health = new SubgraphHealth(url, breaker);
  const fetcher = createResilientFetcher({
    subgraph: name,
    policy,
    breaker,
    health,
    logger,
    transport: createSubgraphTransport(url, { maxResponseBytes: policy.maxResponseBytes, clock }),
    clock,
    signingSecret,
    deduplicateQueries,
    ...(observer ? { observer } : {}),
  });
  return { name, url, fetcher, health, close: stopProbing };
}
