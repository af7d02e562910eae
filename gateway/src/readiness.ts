import type { RedisConnection } from '@reservations/platform/cache/redis-connection';
import type { SubgraphHealthReport } from './resilience/subgraph-health';
import type { SubgraphLink } from './resilience/subgraph-link';
import type { SubgraphProbe } from './resilience/subgraph-probe';

/** What GET /ready on the subgraph answered at the last round of probes, beside what traffic taught the gateway. */
type SubgraphReadiness = SubgraphHealthReport & SubgraphProbe;

export interface ReadinessReport {
  /** ready: supergraph loaded and every subgraph ready (its database included); degraded: some subgraph is not
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

const UNREACHABLE: SubgraphProbe = { reachable: false, ready: false, database: null };

export interface ReadinessOptions {
  /** How long one round of probes answers every /ready call (0: each call probes). */
  probeIntervalMs: number;
  /** Milliseconds now; tests move it by hand. */
  clock?: () => number;
  /** Asks one subgraph whether it is ready (default: its link's GET /ready, which also closes an open circuit). */
  probe?: (link: SubgraphLink) => Promise<SubgraphProbe>;
}

/**
 * Readiness of the gateway: it can serve as soon as the supergraph is loaded (the data
 * sources exist), so a down subgraph degrades rather than fails readiness. Taking every
 * gateway out of rotation because one subgraph is down would turn partial answers into none.
 *
 * Probing is rate-bounded, since anyone who reaches the port may call /ready: one round of
 * probes (GET /ready on every subgraph) answers all calls for `probeIntervalMs`, and calls
 * arriving while a round is under way wait for that round instead of starting another. What the
 * gateway learnt from its own traffic (breakers, last errors) is read fresh on every call.
 */
export class Readiness {
  private readonly clock: () => number;
  private readonly probe: (link: SubgraphLink) => Promise<SubgraphProbe>;
  private last: { at: number; probes: Map<string, SubgraphProbe> } | null = null;
  private inFlight: Promise<Map<string, SubgraphProbe>> | null = null;

  constructor(
    private readonly links: Map<string, SubgraphLink>,
    private readonly redis: Pick<RedisConnection, 'isReady'> | null,
    private readonly options: ReadinessOptions,
  ) {
    this.clock = options.clock ?? Date.now;
    this.probe = options.probe ?? ((link) => link.health.probe());
  }

  private probes(): Promise<Map<string, SubgraphProbe>> {
    if (this.last !== null && this.clock() - this.last.at < this.options.probeIntervalMs) return Promise.resolve(this.last.probes);
    this.inFlight ??= (async () => {
      try {
        const results = await Promise.all([...this.links.values()].map(async (link) => [link.name, await this.probe(link)] as const));
        const probes = new Map(results);
        this.last = { at: this.clock(), probes };
        return probes;
      } finally {
        this.inFlight = null;
      }
    })();
    return this.inFlight;
  }

  async report(): Promise<ReadinessReport> {
    const probes = await this.probes();
    const entries = [...this.links.values()].map(
      (link) => [link.name, { ...link.health.report(), ...(probes.get(link.name) ?? UNREACHABLE) }] as const,
    );
    const supergraphLoaded = this.links.size > 0;
    const allReady = entries.every(([, subgraph]) => subgraph.ready && subgraph.breaker !== 'open');
    return {
      status: !supergraphLoaded ? 'unavailable' : allReady ? 'ready' : 'degraded',
      supergraphLoaded,
      subgraphs: Object.fromEntries(entries),
      redis: this.redis === null ? 'not configured' : this.redis.isReady() ? 'connected' : 'unavailable',
    };
  }
}
