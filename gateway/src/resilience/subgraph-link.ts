import type { Fetcher } from '@apollo/utils.fetcher';
import type { Logger } from '@reservations/platform/logger';
import { CircuitBreaker } from './circuit-breaker';
import type { ResiliencePolicy } from './policy';
import { createResilientFetcher } from './resilient-fetcher';
import { SubgraphHealth } from './subgraph-health';

/** Everything the gateway keeps per subgraph: where it is, how to call it, how it is doing. */
export interface SubgraphLink {
  name: string;
  url: string;
  fetcher: Fetcher;
  health: SubgraphHealth;
}

export function createSubgraphLink(
  name: string,
  url: string,
  policy: ResiliencePolicy,
  logger: Logger,
  signingSecret: string | null,
): SubgraphLink {
  const breaker = new CircuitBreaker({ threshold: policy.breakerThreshold, resetMs: policy.breakerResetMs });
  const health = new SubgraphHealth(url, breaker);
  const fetcher = createResilientFetcher({ subgraph: name, policy, breaker, health, logger, signingSecret });
  return { name, url, fetcher, health };
}
