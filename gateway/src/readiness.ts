import type { RedisConnection } from '@reservations/platform/cache/redis-connection';
import type { SubgraphHealthReport } from './resilience/subgraph-health';
import type { SubgraphLink } from './resilience/subgraph-link';

const PROBE_TIMEOUT_MS = 1_000;

interface SubgraphReadiness extends SubgraphHealthReport {
  /** What GET /health on the subgraph answered just now. */
  reachable: boolean;
}

export interface ReadinessReport {
  /** ready: supergraph loaded and every subgraph reachable; degraded: some subgraph is not
   * (the gateway still serves partial answers); unavailable: no supergraph loaded. */
  status: 'ready' | 'degraded' | 'unavailable';
  supergraphLoaded: boolean;
  subgraphs: Record<string, SubgraphReadiness>;
  /**
   * The shared cache store: `unavailable` while its breaker skips it (down, hung or too slow).
   * Redis being down degrades caching only, never readiness.
   */
  redis: 'not configured' | 'connected' | 'unavailable';
}

async function probe(url: string): Promise<boolean> {
  try {
    const response = await fetch(new URL('/health', url), { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * Readiness of the gateway: it can serve as soon as the supergraph is loaded (the data
 * sources exist), so a down subgraph degrades rather than fails readiness. Taking every
 * gateway out of rotation because one subgraph is down would turn partial answers into none.
 */
export async function readinessReport(
  links: Map<string, SubgraphLink>,
  redis: Pick<RedisConnection, 'isReady'> | null,
): Promise<ReadinessReport> {
  const entries = await Promise.all(
    [...links.values()].map(async (link) => [link.name, { ...link.health.report(), reachable: await probe(link.url) }] as const),
  );
  const subgraphs = Object.fromEntries(entries);
  const supergraphLoaded = links.size > 0;
  const allReachable = entries.every(([, subgraph]) => subgraph.reachable && subgraph.breaker !== 'open');
  return {
    status: !supergraphLoaded ? 'unavailable' : allReachable ? 'ready' : 'degraded',
    supergraphLoaded,
    subgraphs,
    redis: redis === null ? 'not configured' : redis.isReady() ? 'connected' : 'unavailable',
  };
}
