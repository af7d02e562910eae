import type { Fetcher } from '@apollo/utils.fetcher';
import type { Logger } from '@reservations/platform/logger';
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
}

/** How often an open circuit's subgraph is asked whether it is ready again. */
export function probeIntervalMs(breakerResetMs: number): number {
  return Math.max(100, Math.min(1_000, Math.floor(breakerResetMs / 4)));
}

export function createSubgraphLink(name: string, url: string, { policy, logger, signingSecret, deduplicateQueries, observer }: SubgraphLinkOptions): SubgraphLink {
  // While the circuit is open the subgraph's /ready is probed, so a subgraph back after a short
  // restart is used again as soon as it says it is ready, not only after the reset period.
  let probes: NodeJS.Timeout | null = null;
  const stopProbing = (): void => {
    if (probes !== null) clearInterval(probes);
    probes = null;
  };
  const breaker = new CircuitBreaker({
    threshold: policy.breakerThreshold,
    resetMs: policy.breakerResetMs,
    onTransition: (_from, to) => {
      if (to !== 'open' || probes !== null) return;
      probes = setInterval(() => {
        if (breaker.state === 'closed') stopProbing();
        else void health.probe();
      }, probeIntervalMs(policy.breakerResetMs));
      probes.unref();
    },
  });
  const health = new SubgraphHealth(url, breaker);
  const fetcher = createResilientFetcher({
    subgraph: name,
    policy,
    breaker,
    health,
    logger,
    transport: createSubgraphTransport(url, { maxResponseBytes: policy.maxResponseBytes }),
    signingSecret,
    deduplicateQueries,
    ...(observer ? { observer } : {}),
  });
  return { name, url, fetcher, health, close: stopProbing };
}
