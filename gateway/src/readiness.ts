import type { ReadinessState } from '@reservations/platform/http/lifecycle';
import type { Logger } from '@reservations/platform/logger';
import type { SubgraphHealthReport } from './resilience/subgraph-health';
import type { SubgraphLink } from './resilience/subgraph-link';
import type { SubgraphProbe } from './resilience/subgraph-probe';

/** What GET /ready on the subgraph answered just now, beside what traffic taught the gateway. */
type SubgraphReadiness = SubgraphHealthReport & SubgraphProbe;

export interface ReadinessReport {
  /** ready: supergraph loaded and every subgraph ready (its database included); degraded: some subgraph is not
   * (the gateway still serves partial answers); unavailable: no supergraph loaded. The
   * gateway's lifecycle (see gatewayReadiness) may say `not ready` or `draining` instead. */
  status: 'ready' | 'degraded' | 'unavailable' | ReadinessState['status'];
  supergraphLoaded: boolean;
  subgraphs: Record<string, SubgraphReadiness>;
  /** The shared cache store; Redis being down degrades caching only, never readiness. */
  redis: 'not configured' | 'connected' | 'unavailable';
}

function redisState(redisReady: (() => boolean) | null): ReadinessReport['redis'] {
  return redisReady === null ? 'not configured' : redisReady() ? 'connected' : 'unavailable';
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
    redis: redisState(redisReady),
  };
}

/**
 * The answer of the gateway's GET /ready: its lifecycle first (starting, draining), then what
 * it knows of its subgraphs and Redis. 503 while starting, draining or without a supergraph.
 */
export async function gatewayReadiness(
  lifecycle: ReadinessState,
  links: Map<string, SubgraphLink>,
  redisReady: (() => boolean) | null,
): Promise<{ httpStatus: number; body: ReadinessReport & { unmet: string[] } }> {
  // Draining is final: answer at once, so a balancer polling under load notices promptly.
  if (lifecycle.status === 'draining') {
    const body = { status: lifecycle.status, supergraphLoaded: links.size > 0, subgraphs: {}, redis: redisState(redisReady), unmet: lifecycle.unmet };
    return { httpStatus: 503, body };
  }
  const report = await readinessReport(links, redisReady);
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
