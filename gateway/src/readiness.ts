import type { SubgraphHealthReport } from './resilience/subgraph-health';
import type { SubgraphLink } from './resilience/subgraph-link';

const PROBE_TIMEOUT_MS = 1_000;

interface SubgraphReadiness extends SubgraphHealthReport {
  /** What GET /health on the subgraph answered at the last round of probes. */
  reachable: boolean;
}

export interface ReadinessReport {
  /** ready: supergraph loaded and every subgraph reachable; degraded: some subgraph is not
   * (the gateway still serves partial answers); unavailable: no supergraph loaded. */
  status: 'ready' | 'degraded' | 'unavailable';
  supergraphLoaded: boolean;
  subgraphs: Record<string, SubgraphReadiness>;
  /** The shared cache store; Redis being down degrades caching only, never readiness. */
  redis: 'not configured' | 'connected' | 'unavailable';
}

async function probeHealth(url: string): Promise<boolean> {
  try {
    const response = await fetch(new URL('/health', url), { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

export interface ReadinessOptions {
  /** How long one round of probes answers every /ready call (0: each call probes). */
  probeIntervalMs: number;
  /** Milliseconds now; tests move it by hand. */
  clock?: () => number;
  /** Whether the subgraph at `url` answers its health check (default: GET /health within a second). */
  probe?: (url: string) => Promise<boolean>;
}

/**
 * Readiness of the gateway: it can serve as soon as the supergraph is loaded (the data
 * sources exist), so a down subgraph degrades rather than fails readiness. Taking every
 * gateway out of rotation because one subgraph is down would turn partial answers into none.
 *
 * Probing is rate-bounded, since anyone who reaches the port may call /ready: one round of
 * probes (GET /health on every subgraph) answers all calls for `probeIntervalMs`, and calls
 * arriving while a round is under way wait for that round instead of starting another. What the
 * gateway learnt from its own traffic (breakers, last errors) is read fresh on every call.
 */
export class Readiness {
  private readonly clock: () => number;
  private readonly probe: (url: string) => Promise<boolean>;
  private last: { at: number; reachable: Map<string, boolean> } | null = null;
  private inFlight: Promise<Map<string, boolean>> | null = null;

  constructor(
    private readonly links: Map<string, SubgraphLink>,
    private readonly redisReady: (() => boolean) | null,
    private readonly options: ReadinessOptions,
  ) {
    this.clock = options.clock ?? Date.now;
    this.probe = options.probe ?? probeHealth;
  }

  private reachability(): Promise<Map<string, boolean>> {
    if (this.last !== null && this.clock() - this.last.at < this.options.probeIntervalMs) return Promise.resolve(this.last.reachable);
    this.inFlight ??= (async () => {
      try {
        const results = await Promise.all([...this.links.values()].map(async (link) => [link.name, await this.probe(link.url)] as const));
        const reachable = new Map(results);
        this.last = { at: this.clock(), reachable };
        return reachable;
      } finally {
        this.inFlight = null;
      }
    })();
    return this.inFlight;
  }

  async report(): Promise<ReadinessReport> {
    const reachable = await this.reachability();
    const entries = [...this.links.values()].map((link) => [link.name, { ...link.health.report(), reachable: reachable.get(link.name) ?? false }] as const);
    const supergraphLoaded = this.links.size > 0;
    const allReachable = entries.every(([, subgraph]) => subgraph.reachable && subgraph.breaker !== 'open');
    return {
      status: !supergraphLoaded ? 'unavailable' : allReachable ? 'ready' : 'degraded',
      supergraphLoaded,
      subgraphs: Object.fromEntries(entries),
      redis: this.redisReady === null ? 'not configured' : this.redisReady() ? 'connected' : 'unavailable',
    };
  }
}
