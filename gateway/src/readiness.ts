import type { SubgraphHealthReport } from './resilience/subgraph-health';
import type { SubgraphLink } from './resilience/subgraph-link';
import type { SubgraphProbe } from './resilience/subgraph-probe';

/** What GET /ready on the subgraph answered just now, beside what traffic taught the gateway. */
type SubgraphReadiness = SubgraphHealthReport & SubgraphProbe;

export interface ReadinessReport {
  /** ready: supergraph loaded and every subgraph ready (its database included); degraded: some subgraph is not
   * (the gateway still serves partial answers); unavailable: no supergraph loaded. */
  status: 'ready' | 'degraded' | 'unavailable';
  supergraphLoaded: boolean;
  subgraphs: Record<string, SubgraphReadiness>;
  /** The shared cache store; Redis being down degrades caching only, never readiness. */
  redis: 'not configured' | 'connected' | 'unavailable';
}

/**
 * Readiness of the gateway: it can serve as soon as the supergraph is loaded (the data
 * sources exist), so a down subgraph degrades rather than fails readiness. Taking every
 * gateway out of rotation because one subgraph is down would turn partial answers into none.
 */
export async function readinessReport(
  links: Map<string, SubgraphLink>,
  redisReady: (() => boolean) | null,
): Promise<ReadinessReport> {
  const entries = await Promise.all(
    [...links.values()].map(async (link) => {
      const probe = await link.health.probe();
      return [link.name, { ...link.health.report(), ...probe }] as const;
    }),
  );
  const subgraphs = Object.fromEntries(entries);
  const supergraphLoaded = links.size > 0;
  const allReachable = entries.every(([, subgraph]) => subgraph.ready && subgraph.breaker !== 'open');
  return {
    status: !supergraphLoaded ? 'unavailable' : allReachable ? 'ready' : 'degraded',
    supergraphLoaded,
    subgraphs,
    redis: redisReady === null ? 'not configured' : redisReady() ? 'connected' : 'unavailable',
  };
}
