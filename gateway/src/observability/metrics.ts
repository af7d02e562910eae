import type { KeyValueCache, KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import { Counter, Gauge, Histogram } from 'prom-client';
import { createServiceMetrics, type ServiceMetrics } from '@reservations/platform/observability/metrics';
import { reportProblem } from '@reservations/platform/observability/sentry';
import { GATEWAY_CONTEXT_REFUSALS, GATEWAY_EDGE_REFUSALS } from '../errors';
import type { BreakerState } from '../resilience/circuit-breaker';
import type { AttemptResult, FetchOutcome, SubgraphFetchObserver } from '../resilience/resilient-fetcher';
import type { SubgraphLink } from '../resilience/subgraph-link';
import type { TrustedDocumentsObserver } from '../security/trusted-documents';

const BREAKER_STATES: readonly BreakerState[] = ['closed', 'open', 'half-open'];
const FETCH_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15];
/** Operation costs span orders of magnitude (a lookup costs 1, a full page of joins thousands). */
const COST_BUCKETS = [0, 1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];

/** One Sentry event per subgraph per this interval: enough to know within a minute, not a flood. */
const UNAVAILABLE_REPORT_INTERVAL_MS = 60_000;

/**
 * The gateway's metrics: the GraphQL request metrics every service has, plus subgraph fetches
 * (latency, attempts, retries, failures, circuit breaker state) and cache lookups.
 */
export class GatewayMetrics {
  readonly service: ServiceMetrics = createServiceMetrics('gateway', GATEWAY_CONTEXT_REFUSALS, GATEWAY_EDGE_REFUSALS);
  private readonly fetchSeconds: Histogram<'subgraph' | 'outcome'>;
  private readonly attempts: Counter<'subgraph' | 'result'>;
  private readonly retries: Counter<'subgraph'>;
  private readonly failures: Counter<'subgraph' | 'reason'>;
  private readonly deduplicated: Counter<'subgraph'>;
  private readonly sharedAnswers: Counter;
  private readonly planExecutions: Counter<'executor'>;
  private readonly cacheLookups: Counter<'cache' | 'result'>;
  private readonly trustedDocuments: Counter<'result'>;
  private readonly estimatedCost: Histogram;
  private readonly actualCost: Histogram;
  private readonly links = new Map<string, SubgraphLink>();
  private readonly lastReported = new Map<string, number>();

  constructor() {
    const registers = [this.service.registry];
    this.fetchSeconds = new Histogram({
      name: 'gateway_subgraph_request_duration_seconds',
      help: 'Time of one subgraph request, retries included, by how it ended (answered, or why it failed)',
      labelNames: ['subgraph', 'outcome'],
      buckets: FETCH_BUCKETS,
      registers,
    });
    this.attempts = new Counter({
      name: 'gateway_subgraph_attempts_total',
      help: 'Attempts sent to a subgraph by result: answered, timeout, network, http_429, http_5xx',
      labelNames: ['subgraph', 'result'],
      registers,
    });
    this.retries = new Counter({
      name: 'gateway_subgraph_retries_total',
      help: 'Subgraph requests retried after a failed attempt',
      labelNames: ['subgraph'],
      registers,
    });
    this.failures = new Counter({
      name: 'gateway_subgraph_errors_total',
      help: 'Subgraph requests that ended in SERVICE_UNAVAILABLE, by reason',
      labelNames: ['subgraph', 'reason'],
      registers,
    });
    this.deduplicated = new Counter({
      name: 'gateway_subgraph_deduplicated_total',
      help: 'Subgraph queries answered by an identical query already in flight, without a request of their own',
      labelNames: ['subgraph'],
      registers,
    });
    this.sharedAnswers = new Counter({
      name: 'gateway_inbound_deduplicated_total',
      help: 'Client queries answered with the answer of an identical query (same tenant, caller, document and variables) already in flight',
      registers,
    });
    this.planExecutions = new Counter({
      name: 'gateway_plan_executions_total',
      help: "Query plans executed, by executor: native (the gateway's own) or apollo (Apollo Gateway's, for what the native one leaves to it or with QUERY_PLAN_EXECUTOR=apollo)",
      labelNames: ['executor'],
      registers,
    });
    this.cacheLookups = new Counter({
      name: 'gateway_cache_lookups_total',
      help: 'Cache lookups by cache (apq, response, ...) and result (hit, miss)',
      labelNames: ['cache', 'result'],
      registers,
    });
    this.trustedDocuments = new Counter({
      name: 'gateway_trusted_documents_total',
      help: 'Operations by trusted-documents verdict: listed, unlisted (ran in allow-and-log mode), refused (enforce)',
      labelNames: ['result'],
      registers,
    });
    this.estimatedCost = new Histogram({
      name: 'gateway_operation_cost_estimated',
      help: 'Estimated cost (@cost/@listSize rules plus entity fetches) of each admitted operation',
      buckets: COST_BUCKETS,
      registers,
    });
    this.actualCost = new Histogram({
      name: 'gateway_operation_cost_actual',
      help: 'Cost of each executed operation counted from its response data',
      buckets: COST_BUCKETS,
      registers,
    });
    const links = this.links;
    new Gauge({
      name: 'gateway_circuit_breaker_state',
      help: "1 for each subgraph circuit breaker's current state (closed, open, half-open), 0 for the others",
      labelNames: ['subgraph', 'state'],
      registers,
      collect() {
        this.reset();
        for (const link of links.values()) {
          const current = link.health.report().breaker;
          for (const state of BREAKER_STATES) this.set({ subgraph: link.name, state }, state === current ? 1 : 0);
        }
      },
    });
  }

  /** For caches in front of anything: the response cache calls this for every lookup. */
  recordCacheLookup(cache: string, hit: boolean): void {
    this.cacheLookups.inc({ cache, result: hit ? 'hit' : 'miss' });
  }

  recordSharedAnswer(): void {
    this.sharedAnswers.inc();
  }

  recordCost(estimated: number, actual: number): void {
    this.estimatedCost.observe(estimated);
    this.actualCost.observe(actual);
  }

  /** `cache` with every `get` counted as a hit or miss of `name`. */
  countLookups<V>(name: string, cache: KeyValueCache<V>): KeyValueCache<V> {
    return {
      get: async (key: string) => {
        const value = await cache.get(key);
        this.recordCacheLookup(name, value !== undefined);
        return value;
      },
      set: (key: string, value: V, options?: KeyValueCacheSetOptions) => cache.set(key, value, options),
      delete: (key: string) => cache.delete(key),
    };
  }

  readonly trustedDocumentsObserver: TrustedDocumentsObserver = {
    document: (result) => this.trustedDocuments.inc({ result }),
  };

  /** Exposes how many requests hold or wait for a tenant slot at the edge. */
  watchAdmission(admission: { load(): { inFlight: number; waiting: number } }): void {
    new Gauge({
      name: 'gateway_tenant_slot_requests',
      help: "Requests holding one of their tenant's in-flight slots (in_flight) or waiting for one, body unread (waiting), over all tenants",
      labelNames: ['state'],
      registers: [this.service.registry],
      collect() {
        const { inFlight, waiting } = admission.load();
        this.set({ state: 'in_flight' }, inFlight);
        this.set({ state: 'waiting' }, waiting);
      },
    });
  }

  readonly recordPlanExecution = (executor: 'native' | 'apollo'): void => {
    this.planExecutions.inc({ executor });
  };

  /** Exposes a subgraph's breaker state (its fetches report to `fetchObserver`). */
  watchSubgraph(link: SubgraphLink): void {
    this.links.set(link.name, link);
  }

  /** Given to every subgraph link when it is built. */
  readonly fetchObserver: SubgraphFetchObserver = {
    deduplicated: (subgraph: string) => this.deduplicated.inc({ subgraph }),
    attempt: (subgraph: string, result: AttemptResult) => this.attempts.inc({ subgraph, result }),
    retry: (subgraph: string) => this.retries.inc({ subgraph }),
    finished: (subgraph: string, outcome: FetchOutcome, seconds: number, reason: string | null) => {
      this.fetchSeconds.observe({ subgraph, outcome }, seconds);
      if (outcome === 'answered') return;
      this.failures.inc({ subgraph, reason: outcome });
      this.reportUnavailable(subgraph, outcome, reason);
    },
  };

  /**
   * A subgraph that stopped answering cannot report itself: the gateway does, once a minute per
   * subgraph at most. Fast failures of an open circuit are not reported again; subgraphs do not
   * report the SERVICE_UNAVAILABLE they answer either (see platform errors.ts).
   */
  private reportUnavailable(subgraph: string, outcome: FetchOutcome, reason: string | null): void {
    if (outcome === 'circuit_open') return;
    const now = Date.now();
    if (now - (this.lastReported.get(subgraph) ?? 0) < UNAVAILABLE_REPORT_INTERVAL_MS) return;
    this.lastReported.set(subgraph, now);
    reportProblem(`Subgraph "${subgraph}" unavailable: ${reason ?? outcome} (${outcome.replace(/_/g, ' ')})`, {
      tags: { subgraph, failure: outcome },
      fingerprint: ['subgraph-unavailable', subgraph],
    });
  }
}
