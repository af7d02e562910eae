import type { IncomingMessage } from 'node:http';
import type { EnvReader } from '@reservations/platform/config';
import { GatewayErrorCode } from '../errors';
import type { EdgeAdmission, EdgeAnswer } from '@reservations/platform/http/graphql-http-server';
import type { RequestObservation } from '@reservations/platform/observability/request-scope';
import { overBudget, type TenantBudgets } from '../security/tenant-budget';
import { singleResultMediaType } from './media-type';
import { verifiedCaller, type EdgeRequest } from './request-state';

export interface TenantAdmissionConfig {
  /** Requests of one tenant in the pipeline at once; more wait, their bodies unread. */
  maxInFlight: number;
  /** Requests of one tenant waiting for a slot; past this, 429 at once. */
  maxQueued: number;
  /** How long an answer to a tenant whose budget is spent is held before it is sent (0: at once). */
  refusalHoldMs: number;
}

export function readTenantAdmissionConfig(reader: EnvReader): TenantAdmissionConfig {
  return {
    maxInFlight: reader.int('TENANT_MAX_IN_FLIGHT', 64, { min: 1, max: 100_000 }),
    maxQueued: reader.int('TENANT_MAX_QUEUED', 256, { min: 0, max: 1_000_000 }),
    refusalHoldMs: reader.int('RATE_LIMITED_HOLD_MS', 1_000, { min: 0, max: 60_000 }),
  };
}

/** One tenant's slots: how many are taken and who waits for one, first come first served. */
interface TenantSlots {
  inFlight: number;
  waiting: (() => void)[];
}

/** Headers and body of a GraphQL error answer, as Apollo Server would write it. */
function errorAnswer(
  status: number,
  mediaType: string,
  error: { message: string; extensions: Record<string, unknown> },
  headers: Record<string, string>,
): EdgeAnswer {
  const { http: _http, ...extensions } = error.extensions;
  return {
    status,
    headers: { 'content-type': mediaType, ...headers },
    body: `${JSON.stringify({ errors: [{ message: error.message, extensions }] })}\n`,
  };
}

/**
 * Per-tenant admission at the HTTP edge, from the headers alone (hand-written: it needs the
 * gateway's own caller and budget state, which no HTTP limiter knows):
 * - a tenant this replica already refused for its spent budget is refused again before its
 *   body is read or parsed, with the same 429 as the pipeline's, held `refusalHoldMs` (or
 *   until its window ends, if sooner) so a client that ignores Retry-After is paced;
 * - every other tenant's requests take one of `maxInFlight` slots for their tenant, or wait
 *   (unread) in that tenant's line; a tenant whose line is full is refused with 429.
 * A request whose caller cannot be verified goes on: the pipeline answers its refusal.
 */
export class TenantAdmission {
  private readonly tenants = new Map<string, TenantSlots>();

  constructor(
    private readonly config: TenantAdmissionConfig,
    private readonly budgets: TenantBudgets,
  ) {}

  async admit(req: IncomingMessage, state: EdgeRequest, _observation?: RequestObservation): Promise<EdgeAdmission> {
    const caller = await verifiedCaller(state);
    const tenant = caller?.tenant ?? null;
    if (tenant === null) return { admitted: true };
    const spent = this.budgets.spent(tenant);
    if (spent) {
      const mediaType = singleResultMediaType(req.headers.accept);
      // Apollo would answer 406 before anything else; let it.
      if (mediaType === null) return { admitted: true };
      const error = overBudget(spent);
      const headers: Record<string, string> = {};
      for (const [name, value] of (error.extensions.http as { headers: Map<string, string> }).headers) headers[name] = value;
      return {
        admitted: false,
        reason: 'rate_limited',
        answer: errorAnswer(429, mediaType, error, headers),
        holdMs: Math.min(this.config.refusalHoldMs, spent.resetSeconds * 1000),
      };
    }
    return this.takeSlot(tenant, req);
  }

  private async takeSlot(tenant: string, req: IncomingMessage): Promise<EdgeAdmission> {
    let slots = this.tenants.get(tenant);
    if (slots === undefined) this.tenants.set(tenant, (slots = { inFlight: 0, waiting: [] }));
    if (slots.inFlight >= this.config.maxInFlight) {
      if (slots.waiting.length >= this.config.maxQueued) {
        const mediaType = singleResultMediaType(req.headers.accept) ?? 'application/json; charset=utf-8';
        return {
          admitted: false,
          reason: 'tenant_concurrency',
          answer: errorAnswer(
            429,
            mediaType,
            {
              message: `Too many requests of this tenant in progress (${this.config.maxInFlight}) and waiting (${this.config.maxQueued}); retry after 1 s`,
              extensions: { code: GatewayErrorCode.RateLimited, retryAfterSeconds: 1 },
            },
            { 'retry-after': '1' },
          ),
        };
      }
      // The slot is handed over by the request that frees it (inFlight stays counted).
      const waiting = slots.waiting;
      const socket = req.socket;
      const handed = await new Promise<boolean>((resolve) => {
        const left = () => {
          const index = waiting.indexOf(handOver);
          if (index >= 0) waiting.splice(index, 1);
          resolve(false);
        };
        const handOver = () => {
          socket.off('close', left);
          resolve(true);
        };
        waiting.push(handOver);
        socket.once('close', left);
      });
      // A client that left while waiting gave up its place (reading its body then fails quietly).
      if (!handed) return { admitted: true };
    } else {
      slots.inFlight++;
    }
    let released = false;
    return {
      admitted: true,
      release: () => {
        if (released) return;
        released = true;
        this.release(tenant);
      },
    };
  }

  private release(tenant: string): void {
    const slots = this.tenants.get(tenant);
    if (slots === undefined) return;
    const next = slots.waiting.shift();
    if (next) {
      next();
      return;
    }
    slots.inFlight--;
    if (slots.inFlight === 0) this.tenants.delete(tenant);
  }

  /** Requests holding a tenant slot, and waiting for one, over all tenants (for /metrics). */
  load(): { inFlight: number; waiting: number } {
    let inFlight = 0;
    let waiting = 0;
    for (const slots of this.tenants.values()) {
      inFlight += slots.inFlight;
      waiting += slots.waiting.length;
    }
    return { inFlight, waiting };
  }
}
