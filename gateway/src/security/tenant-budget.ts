import { HeaderMap } from '@apollo/server';
import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import type { RedisConnection } from '@reservations/platform/cache/redis-connection';
import { InProcessWindowCounter, type WindowCounter } from '@reservations/platform/cache/window-counter';
import type { EnvReader } from '@reservations/platform/config';
import type { Logger } from '@reservations/platform/logger';
import { GatewayErrorCode } from '../errors';

export interface TenantBudgetConfig {
  /** Cost each tenant may spend per window; 0 turns budgets off. */
  defaultBudget: number;
  windowSeconds: number;
  /** Per-tenant budgets replacing the default (0: that tenant is not limited). */
  overrides: Record<string, number>;
}

const TENANT_SLUG = /^[a-z0-9-]{1,64}$/;

export function readTenantBudgetConfig(reader: EnvReader): TenantBudgetConfig {
  const config: TenantBudgetConfig = {
    defaultBudget: reader.int('TENANT_COST_BUDGET', 1_000_000, { min: 0, max: 1e12 }),
    windowSeconds: reader.int('TENANT_COST_WINDOW_SECONDS', 60, { min: 1, max: 86_400 }),
    overrides: {},
  };
  const raw = reader.optionalString('TENANT_COST_BUDGETS');
  if (raw === null) return config;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  const entries = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? Object.entries(parsed) : null;
  const valid = entries?.every(([tenant, budget]) => TENANT_SLUG.test(tenant) && Number.isSafeInteger(budget) && (budget as number) >= 0);
  if (!entries || !valid) {
    reader.report('TENANT_COST_BUDGETS must be a JSON object of tenant slug to whole budget >= 0, e.g. {"big-venue": 5000000}');
    return config;
  }
  config.overrides = Object.fromEntries(entries as [string, number][]);
  return config;
}

/** The state of a tenant's budget after a request was admitted or refused. */
export interface BudgetState {
  budget: number;
  windowSeconds: number;
  remaining: number;
  /** Seconds until the window ends and the budget is whole again. */
  resetSeconds: number;
  admitted: boolean;
}

const NAMESPACE = 'cost-budget';

interface Charge {
  tenant: string;
  cost: number;
  budget: number;
}
/** Tenants refused in their current window are pruned of ended windows beyond this many. */
const SPENT_TENANTS_BEFORE_PRUNING = 10_000;

/**
 * Per-tenant cost budgets per fixed window, counted in Redis so every gateway replica draws
 * on one budget (the platform's window counter, as the persisted-query quotas). While Redis is
 * unreachable each replica counts on its own (a warning says so, once per outage): a tenant
 * may then spend up to one budget per replica.
 */
export class TenantBudgets {
  private readonly counter: WindowCounter;
  private readonly charges = new DataLoader<Charge, BudgetState>((charges) => this.chargeTogether(charges), {
    cache: false,
    batchScheduleFn: (send) => setImmediate(send),
  });
  /** Tenants refused in their current window, until it ends: refused again without asking Redis. */
  private readonly spentTenants = new Map<string, { budget: number; endsAt: number }>();
  private usingLocal = false;

  constructor(
    private readonly config: TenantBudgetConfig,
    private readonly redis: RedisConnection | null,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.counter = redis
      ? redis.windowCounter(NAMESPACE, config.windowSeconds, now)
      : new InProcessWindowCounter(config.windowSeconds, now, SPENT_TENANTS_BEFORE_PRUNING * 10);
  }

  /**
   * Null when the tenant has no budget (budgets off, or an override of 0). Charges made in one
   * turn of the event loop go to the counter together: one addition of their total per tenant
   * when it fits, else one addition each, so exactly the requests that fit are admitted.
   */
  async charge(tenant: string, cost: number): Promise<BudgetState | null> {
    const budget = this.config.overrides[tenant] ?? this.config.defaultBudget;
    if (budget === 0) return null;
    return this.charges.load({ tenant, cost: Math.ceil(cost), budget });
  }

  private async chargeTogether(charges: readonly Charge[]): Promise<BudgetState[]> {
    const byTenant = new Map<string, Charge[]>();
    for (const charge of charges) {
      const same = byTenant.get(charge.tenant);
      if (same) same.push(charge);
      else byTenant.set(charge.tenant, [charge]);
    }
    const states = new Map<Charge, BudgetState>();
    await Promise.all(
      [...byTenant.values()].map(async (same) => {
        if (same.length > 1) {
          const together = await this.add(
            same[0]!.tenant,
            same.reduce((total, charge) => total + charge.cost, 0),
            same[0]!.budget,
          );
          if (together.admitted) {
            for (const charge of same) states.set(charge, together);
            return;
          }
        }
        for (const charge of same) states.set(charge, await this.add(charge.tenant, charge.cost, charge.budget));
      }),
    );
    return charges.map((charge) => states.get(charge)!);
  }

  private async add(tenant: string, cost: number, budget: number): Promise<BudgetState> {
    const count = await this.counter.add(tenant, [cost], [budget]);
    if (this.redis && count.shared === this.usingLocal) {
      this.usingLocal = !count.shared;
      if (this.usingLocal)
        this.logger.warn('tenant cost budgets counted per gateway process until Redis is back: each replica admits up to a whole budget');
      else this.logger.info('tenant cost budgets shared in Redis again');
    }
    const state = this.state(budget, count.totals[0] ?? 0, count.endsAtMs - this.now(), count.admitted);
    if (!state.admitted) this.noteSpent(tenant, state);
    return state;
  }

  /**
   * A tenant this replica refused earlier in the same window: its state (nothing left) until
   * the window ends, else null. Its Retry-After said to wait until then, so its requests are
   * refused again at once, before their bodies are read.
   */
  spent(tenant: string): BudgetState | null {
    const spent = this.spentTenants.get(tenant);
    if (!spent) return null;
    const leftMs = spent.endsAt - this.now();
    if (leftMs <= 0) {
      this.spentTenants.delete(tenant);
      return null;
    }
    return this.state(spent.budget, spent.budget, leftMs, false);
  }

  /** Throws the 429 for a tenant `spent` knows about. */
  refuseIfSpent(tenant: string): void {
    const state = this.spent(tenant);
    if (state) throw overBudget(state);
  }

  private noteSpent(tenant: string, state: BudgetState): void {
    if (this.spentTenants.size >= SPENT_TENANTS_BEFORE_PRUNING) {
      const now = this.now();
      for (const [name, entry] of this.spentTenants) if (entry.endsAt <= now) this.spentTenants.delete(name);
    }
    this.spentTenants.set(tenant, { budget: state.budget, endsAt: this.now() + state.resetSeconds * 1000 });
  }

  private state(budget: number, used: number, leftMs: number, admitted: boolean): BudgetState {
    return {
      budget,
      windowSeconds: this.config.windowSeconds,
      remaining: Math.max(0, budget - used),
      resetSeconds: Math.max(1, Math.ceil(leftMs / 1000)),
      admitted,
    };
  }
}

/**
 * The IETF draft's fields (draft-ietf-httpapi-ratelimit-headers-09): the policy ("cost": quota
 * `q` per window `w` seconds) and what is left of it (`r`) until the window ends (`t` seconds).
 */
export function rateLimitHeaders(state: BudgetState): Record<string, string> {
  return {
    'ratelimit-policy': `"cost";q=${state.budget};w=${state.windowSeconds}`,
    ratelimit: `"cost";r=${state.remaining};t=${state.resetSeconds}`,
  };
}

/** 429 RATE_LIMITED with Retry-After and the RateLimit fields, for a refused tenant. */
export function overBudget(state: BudgetState): GraphQLError {
  const headers = new HeaderMap([['retry-after', String(state.resetSeconds)], ...Object.entries(rateLimitHeaders(state))]);
  return new GraphQLError(`The tenant's cost budget for this window is spent; retry after ${state.resetSeconds} s`, {
    extensions: { code: GatewayErrorCode.RateLimited, retryAfterSeconds: state.resetSeconds, http: { status: 429, headers } },
  });
}
