import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { DEADLINE_HEADER } from '../http/deadline';
import type { CallerCheck, CallerVerdict } from '../http/graphql-http-server';
import { isQueryBody } from '../graphql/request-body';
import { randomBase64url } from '../random';
import { TENANT_HEADER } from '../tenancy';

/**
 * Gateway -> subgraph request signing. The gateway signs every request it sends with a
 * secret it shares with the subgraphs; a subgraph executes nothing that is unsigned, signed
 * with another secret, signed for another subgraph, older than the replay window, or a replay
 * of a request any replica of it already saw. The signature covers the audience (the target
 * subgraph's name), method, path, tenant, deadline, timestamp, a nonce and the body's hash, so
 * none of them can be changed without the secret.
 */
export const SIGNATURE_HEADER = 'x-gateway-signature';

export interface SignedParts {
  /** The subgraph the request is meant for (its name in the supergraph): no other accepts it. */
  audience: string;
  method: string;
  path: string;
  tenant: string;
  body: string;
  /** The deadline header's value (see http/deadline), '' when the request has none. */
  deadline?: string;
}

function canonical(parts: SignedParts, timestamp: number, nonce: string): string {
  const bodyHash = createHash('sha256').update(parts.body).digest('hex');
  return ['v2', parts.audience, parts.method.toUpperCase(), parts.path, parts.tenant, parts.deadline ?? '', String(timestamp), nonce, bodyHash].join(
    '\n',
  );
}

function hmac(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}

/** The header value: `t=<unix ms>,n=<nonce>,v2=<hex HMAC-SHA256>`. */
export function signRequest(secret: string, parts: SignedParts, now = Date.now()): string {
  const nonce = randomBase64url(12);
  return `t=${now},n=${nonce},v2=${hmac(secret, canonical(parts, now, nonce))}`;
}

/**
 * How long a nonce must be remembered: its timestamp is accepted while within one window of
 * the verifier's clock, either side, so a nonce seen now may come back for up to two windows.
 */
export function nonceLifetimeMs(windowMs: number): number {
  return 2 * windowMs;
}

/** `unavailable`: the shared store could not be asked, so a replay elsewhere cannot be ruled out. */
export type NonceClaim = 'claimed' | 'replayed' | 'unavailable';

/** Where nonces are remembered: this process only, or every replica (see shared-nonce-store). */
export interface NonceStore {
  claim(nonce: string, now: number): Promise<NonceClaim>;
}

/**
 * Remembers nonces for one replay window so a captured request cannot be sent again.
 * Hand-written rather than an LRU cache: a nonce must never be evicted while it can still be
 * replayed, and since all live equally long, insertion order is expiry order (see evict).
 */
export class NonceRegistry implements NonceStore {
  private readonly seen = new Map<string, number>();

  constructor(private readonly windowMs: number) {}

  /** False when the nonce was already used inside the window. */
  claimLocally(nonce: string, now: number): boolean {
    this.evict(now);
    const expires = this.seen.get(nonce);
    if (expires !== undefined && expires > now) return false;
    // Re-inserted, so the map stays in expiry order.
    this.seen.delete(nonce);
    this.seen.set(nonce, now + nonceLifetimeMs(this.windowMs));
    return true;
  }

  async claim(nonce: string, now: number): Promise<NonceClaim> {
    return this.claimLocally(nonce, now) ? 'claimed' : 'replayed';
  }

  /**
   * Drops expired nonces from the front: entries are kept in insertion order and all live for
   * the same time, so the first one still alive ends the sweep. Each claim thus costs only the
   * nonces that expired since the last one, however many requests the window holds.
   */
  private evict(now: number): void {
    for (const [nonce, expires] of this.seen) {
      if (expires > now) break;
      this.seen.delete(nonce);
    }
  }
}

export type VerifyResult = { ok: true } | { ok: false; reason: string; unavailable?: true };

export interface VerifyOptions {
  windowMs: number;
  nonces: NonceStore;
  now?: number;
}

export async function verifyRequest(
  secret: string,
  header: string | undefined,
  parts: SignedParts,
  { windowMs, nonces, now = Date.now() }: VerifyOptions,
): Promise<VerifyResult> {
  if (!header) return { ok: false, reason: 'missing signature' };
  const fields = new Map(header.split(',').map((field) => field.split('=', 2) as [string, string]));
  const timestamp = Number(fields.get('t'));
  const nonce = fields.get('n');
  const signature = fields.get('v2');
  if (!Number.isInteger(timestamp) || !nonce || !signature || !/^[0-9a-f]{64}$/.test(signature)) {
    return { ok: false, reason: 'malformed signature' };
  }
  if (Math.abs(now - timestamp) > windowMs) return { ok: false, reason: 'stale signature' };
  const expected = Buffer.from(hmac(secret, canonical(parts, timestamp, nonce)), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return { ok: false, reason: 'bad signature' };
  // Only a valid signature may consume a nonce, so forgeries cannot block real requests.
  const claim = await nonces.claim(nonce, now);
  if (claim === 'replayed') return { ok: false, reason: 'replayed request' };
  // The shared store is down: this replica still refused any replay it saw itself. A query
  // replayed to another replica changes nothing, so it runs; anything else might write
  // twice, so it is refused as retryable (fail closed).
  if (claim === 'unavailable' && !isQueryBody(parts.body)) {
    return { ok: false, reason: 'replay guard unavailable', unavailable: true };
  }
  return { ok: true };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export interface SignatureCheckOptions {
  secret: string;
  /** This subgraph's name: requests signed for another subgraph are refused. */
  audience: string;
  windowMs: number;
  nonces: NonceStore;
  now?: () => number;
}

/** The check a subgraph's HTTP server runs before executing anything. */
export function gatewaySignatureCheck({ secret, audience, windowMs, nonces, now = Date.now }: SignatureCheckOptions): CallerCheck {
  return (request): Promise<CallerVerdict> =>
    verifyRequest(
      secret,
      single(request.headers[SIGNATURE_HEADER]),
      {
        audience,
        method: request.method,
        path: request.path,
        tenant: single(request.headers[TENANT_HEADER]) ?? '',
        deadline: single(request.headers[DEADLINE_HEADER]) ?? '',
        body: request.body,
      },
      { windowMs, nonces, now: now() },
    );
}

/**
 * Signs one outgoing request for the subgraph named `audience` (gateway side); each attempt
 * of a retried request gets its own signature.
 */
export function signatureFor(
  secret: string,
  audience: string,
  url: string,
  method: string,
  headers: Record<string, string> | undefined,
  body: string,
): string {
  const { pathname, search } = new URL(url);
  return signRequest(secret, {
    audience,
    method,
    path: `${pathname}${search}`,
    tenant: headers?.[TENANT_HEADER] ?? '',
    deadline: headers?.[DEADLINE_HEADER] ?? '',
    body,
  });
}
