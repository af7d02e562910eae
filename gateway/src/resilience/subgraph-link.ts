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
}

export interface SubgraphLinkOptions {
  policy: ResiliencePolicy;
  logger: Logger;
  signingSecret: string | null;
  deduplicateQueries: boolean;
  /** Learns of every fetch (metrics, error reporting). */
  observer?: SubgraphFetchObserver;
}

export function createSubgraphLink(name: string, url: string, { policy, logger, signingSecret, deduplicateQueries, observer }: SubgraphLinkOptions): SubgraphLink {
  const breaker = new CircuitBreaker({ threshold: policy.breakerThreshold, resetMs: policy.breakerResetMs });
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
  return { name, url, fetcher, health };
}
