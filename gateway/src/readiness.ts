import type { ReadinessState } from '@reservations/platform/http/lifecycle';
import type { Logger } from '@reservations/platform/logger';
import type { RedisConnection } from '@reservations/platform/cache/redis-connection';
import type { SubgraphHealthReport } from './resilience/subgraph-health';
import type { SubgraphLink } from './resilience/subgraph-link';
import type { SubgraphProbe } from './resilience/subgraph-probe';

/** What GET /ready on the subgraph answered at the last round of probes, beside what traffic taught the gateway. */
type SubgraphState = SubgraphHealthReport & SubgraphProbe;

export interface ReadinessReport {
  /** ready: supergraph loaded and every subgraph ready (its database included); degraded: some subgraph is not
   * (the gateway still serves partial answers); unavailable: no supergraph loaded. The
   * gateway's lifecycle (see gatewayReadiness) may say `not ready` or `draining` instead. */
  status: 'ready' | 'degraded' | 'unavailable' | ReadinessState['status'];
  supergraphLoaded: boolean;
  subgraphs: Record<string, SubgraphState>;
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
 * The subgraphs' side of the gateway's readiness (its own lifecycle is the platform's
 * `Readiness`). The gateway can serve as soon as the supergraph is loaded (the data sources
 * exist), so a down subgraph degrades rather than fails readiness. Taking every
 * gateway out of rotation because one subgraph is down would turn partial answers into none.
 *
 * Probing is rate-bounded, since anyone who reaches the port may call /ready: one round of
 * probes (GET /ready on every subgraph) answers all calls for `probeIntervalMs`, and calls
 * arriving while a round is under way wait for that round instead of starting another. What the
 * gateway learnt from its own traffic (breakers, last errors) is read fresh on every call.
 */
export class SubgraphReadiness {
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

/**
 * The answer of the gateway's GET /ready: its lifecycle first (starting, draining), then what
 * it knows of its subgraphs and Redis. 503 while starting, draining or without a supergraph.
 */
export async function gatewayReadiness(
  lifecycle: ReadinessState,
  subgraphs: SubgraphReadiness,
): Promise<{ httpStatus: number; body: Partial<ReadinessReport> & { status: ReadinessReport['status']; unmet: string[] } }> {
  // Draining is final: answer at once, so a balancer polling under load notices promptly.
  if (lifecycle.status === 'draining') return { httpStatus: 503, body: { status: 'draining', unmet: lifecycle.unmet } };
  const report = await subgraphs.report();
  const status = lifecycle.status === 'ready' ? report.status : lifecycle.status;
  return { httpStatus: status === 'ready' || status === 'degraded' ? 200 : 503, body: { ...report, status, unmet: lifecycle.unmet } };
}

const answers = async (link: SubgraphLink): Promise<boolean> => (await link.health.probe()).reachable;

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface FirstContactOptions {
  logger: Logger;
  /** Pause between rounds of probes; `sleep` is the timer (tests pass their own). */
  retryMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Whether the subgraph answers at all (default: its GET /ready, whatever it says). */
  probe?: (link: SubgraphLink) => Promise<boolean>;
}

/**
 * Whether the gateway has reached every subgraph at least once since it started. Until then
 * it is not ready: processes started together (npm start, a deployment) would otherwise send
 * the first requests to subgraphs that are not listening yet. A subgraph counts as reached
 * when its /ready answered (whatever it said) or a request to it was answered. Afterwards a subgraph going
 * down only degrades the gateway (partial answers still flow).
 */
export class FirstContact {
  private readonly reached = new Set<string>();
  private stopped = false;

  constructor(
    private readonly links: Map<string, SubgraphLink>,
    private readonly options: FirstContactOptions,
  ) {}

  get complete(): boolean {
    return this.reached.size === this.links.size;
  }

  /** Probes the subgraphs not reached yet, round after round, until all were (or stop()). */
  async run(): Promise<void> {
    const { logger, retryMs = 250, sleep = delay, probe = answers } = this.options;
    for (let round = 0; !this.stopped; round++) {
      const pending = [...this.links.values()].filter((link) => !this.reached.has(link.name));
      await Promise.all(
        pending.map(async (link) => {
          if (link.health.report().lastKnownState === 'up' || (await probe(link))) this.reached.add(link.name);
        }),
      );
      if (this.complete) return;
      if (round === 0) {
        const waitingFor = [...this.links.keys()].filter((name) => !this.reached.has(name));
        logger.info({ waitingFor }, 'not ready until every subgraph has answered once');
      }
      await sleep(retryMs);
    }
  }

  stop(): void {
    this.stopped = true;
  }
}
