import { GraphQLError } from 'graphql';
import { createHash, createSecretKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { LRUCache } from 'lru-cache';
import type { EnvReader } from '@reservations/platform/config';
import { ErrorCode } from '@reservations/platform/errors';
import { TENANT_HEADER, tenantFromHeader } from '@reservations/platform/tenancy';
import { systemClock, type GatewayClock } from '../clock';

/** How callers prove who they are. */
export interface CallerAuthConfig {
  /** Without a valid bearer token nothing executes (production default). */
  required: boolean;
  /** HS256 shared secret, or null. */
  jwtSecret: string | null;
  /** RS256/ES256 keys published at a JWKS URL, or null. */
  jwksUrl: string | null;
  issuer: string | null;
  audience: string | null;
  /** The claim that names the caller's tenant. */
  tenantClaim: string;
  /**
   * The longest a token may be valid, in seconds (`exp - iat`, and `exp - now`); null when the
   * operator opted out of requiring `exp` at all (JWT_REQUIRE_EXP=false).
   */
  maxLifetimeSeconds: number | null;
}

export function readCallerAuthConfig(reader: EnvReader): CallerAuthConfig {
  const requireExp = reader.bool('JWT_REQUIRE_EXP', true);
  const maxLifetimeSeconds = reader.int('JWT_MAX_LIFETIME_SECONDS', 86_400, { min: 60, max: 31_536_000 });
  const config: CallerAuthConfig = {
    required: reader.bool('AUTH_REQUIRED', reader.mode() === 'production'),
    jwtSecret: reader.secret('JWT_SECRET', { minLength: 32, requiredIn: null }),
    jwksUrl: reader.optionalUrl('JWT_JWKS_URL', ['https', 'http']),
    issuer: reader.optionalString('JWT_ISSUER'),
    audience: reader.optionalString('JWT_AUDIENCE'),
    tenantClaim: reader.string('JWT_TENANT_CLAIM', 'tenant'),
    maxLifetimeSeconds: requireExp ? maxLifetimeSeconds : null,
  };
  if (config.required && !config.jwtSecret && !config.jwksUrl) {
    reader.report('AUTH_REQUIRED: needs JWT_SECRET (HS256) or JWT_JWKS_URL (RS256/ES256) to verify tokens');
  }
  return config;
}

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.Unauthenticated, http: { status: 401 } } });
}

function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.Forbidden, http: { status: 403 } } });
}

/** How long a verified token is trusted without checking its signature again. */
const VERIFIED_TOKEN_TTL_MS = 60_000;
const VERIFIED_TOKENS_MAX = 10_000;

/**
 * Tokens that passed verification, with their claims, so a client sending the same token with
 * every request is verified once a minute rather than every time (verification was an eighth of
 * a trivial request's CPU). An entry ends at the token's own expiry or after a minute, whichever
 * is first, so a rotated-out key stops working within a minute. The key is the whole token: only
 * the exact bytes that were verified hit.
 */
class VerifiedTokens {
  // lru-cache bounds the entries; expiry is checked against the gateway's clock, which tests move.
  private readonly entries = new LRUCache<string, { claims: Record<string, unknown>; until: number }>({ max: VERIFIED_TOKENS_MAX });

  get(token: string, now: number): Record<string, unknown> | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    if (entry.until > now) return entry.claims;
    this.entries.delete(token);
    return undefined;
  }

  remember(token: string, claims: Record<string, unknown>, now: number): void {
    const expiresAt = typeof claims.exp === 'number' ? claims.exp * 1000 : Number.POSITIVE_INFINITY;
    this.entries.set(token, { claims, until: Math.min(expiresAt, now + VERIFIED_TOKEN_TTL_MS) });
  }
}

/**
 * A token that never expires (no `exp`) or lives longer than allowed would stay usable forever
 * once leaked; jose checks `exp` against the clock, this checks that it exists and is near.
 */
function withinLifetime(claims: Record<string, unknown>, maxLifetimeSeconds: number | null, nowSeconds: number): boolean {
  if (maxLifetimeSeconds === null) return true;
  const { exp, iat } = claims;
  if (typeof exp !== 'number') return false;
  if (exp - nowSeconds > maxLifetimeSeconds) return false;
  return typeof iat !== 'number' || exp - iat <= maxLifetimeSeconds;
}

/**
 * Who sent a request, as far as the gateway can tell. `identity` is the same for two requests
 * only when they come from the same caller with the same rights; `scope` when they have the
 * same rights (the same tenant and claims, whoever the subject). Both are opaque strings.
 */
export interface Caller {
  tenant: string | null;
  /** The verified token's claims bar its times (subject included); else the raw token's hash, or '' without one. */
  identity: string;
  /** The verified token's claims bar its times and subject; else as `identity`. */
  scope: string;
}

export type CallerResolver = (headers: { authorization?: string; tenant?: string | string[] }) => Promise<Caller>;

/** Claims that describe the token rather than the caller: two tokens differing only in these are one caller. */
const TOKEN_TIME_CLAIMS = new Set(['exp', 'iat', 'nbf', 'jti']);

function canonicalClaims(claims: Record<string, unknown>, without: Set<string>): string {
  return JSON.stringify(
    Object.keys(claims)
      .filter((name) => !without.has(name))
      .sort()
      .map((name) => [name, claims[name]]),
  );
}

const SCOPE_EXCLUDED = new Set([...TOKEN_TIME_CLAIMS, 'sub']);

/** `identity` and `scope` of a verified token's claims, computed once per token (they are cached with it). */
function describe(claims: Record<string, unknown>): { identity: string; scope: string } {
  return { identity: `claims:${canonicalClaims(claims, TOKEN_TIME_CLAIMS)}`, scope: `claims:${canonicalClaims(claims, SCOPE_EXCLUDED)}` };
}

/**
 * Decides a request's tenant. A valid bearer token decides it through its tenant claim (a
 * different x-tenant-id is refused as FORBIDDEN); a bad or expired token is UNAUTHENTICATED.
 * Without a token the bare x-tenant-id header is accepted only when authentication is not
 * required (development), where a token is verified only if JWT settings exist.
 */
/** `clock` decides whether a token has expired (default: the system's). */
export function createCallerResolver(config: CallerAuthConfig, clock: GatewayClock = systemClock): CallerResolver {
  // The HS256 secret as a key object once: jose would otherwise build one per verification.
  const keys: JWTVerifyGetKey | KeyObject | null = config.jwksUrl
    ? createRemoteJWKSet(new URL(config.jwksUrl))
    : config.jwtSecret
      ? createSecretKey(Buffer.from(config.jwtSecret, 'utf8'))
      : null;
  const algorithms = config.jwksUrl ? ['RS256', 'ES256'] : ['HS256'];
  const verified = new VerifiedTokens();
  const described = new WeakMap<Record<string, unknown>, { identity: string; scope: string }>();

  return async ({ authorization, tenant }) => {
    const headerTenant = tenantFromHeader(tenant);
    const token = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (!token) {
      if (authorization) throw unauthenticated('Authorization must be "Bearer <token>"');
      if (config.required) throw unauthenticated('A bearer token is required');
      return { tenant: headerTenant, identity: '', scope: '' };
    }
    // Nothing to verify with (development without JWT settings): the token is only forwarded,
    // so it is all that tells two callers apart.
    if (keys === null) {
      const hash = `token:${createHash('sha256').update(token).digest('base64url')}`;
      return { tenant: headerTenant, identity: hash, scope: hash };
    }
    const now = clock.now();
    let claims = verified.get(token, now);
    if (claims === undefined) {
      try {
        const result = await jwtVerify(token, keys as KeyObject, {
          algorithms,
          currentDate: new Date(now),
          ...(config.issuer ? { issuer: config.issuer } : {}),
          ...(config.audience ? { audience: config.audience } : {}),
        });
        claims = result.payload;
        if (!withinLifetime(claims, config.maxLifetimeSeconds, Math.floor(now / 1000))) throw new Error('lifetime');
        verified.remember(token, claims, now);
      } catch {
        // Why (expired, no or too distant `exp`, bad signature, wrong audience) is not the caller's to learn.
        throw unauthenticated('The bearer token is invalid or expired');
      }
    }
    const claimed = tenantFromHeader(typeof claims[config.tenantClaim] === 'string' ? (claims[config.tenantClaim] as string) : undefined);
    if (claimed === null) throw forbidden(`The token has no "${config.tenantClaim}" claim naming a tenant`);
    if (headerTenant !== null && headerTenant !== claimed) throw forbidden(`${TENANT_HEADER} does not match the token's tenant`);
    let description = described.get(claims);
    if (description === undefined) described.set(claims, (description = describe(claims)));
    return { tenant: claimed, ...description };
  };
}
