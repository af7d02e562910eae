import { GraphQLError } from 'graphql';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { EnvReader } from '@reservations/platform/config';
import { ErrorCode } from '@reservations/platform/errors';
import { TENANT_HEADER, tenantFromHeader } from '@reservations/platform/tenancy';

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
}

export function readCallerAuthConfig(reader: EnvReader): CallerAuthConfig {
  const config: CallerAuthConfig = {
    required: reader.bool('AUTH_REQUIRED', reader.mode() === 'production'),
    jwtSecret: reader.secret('JWT_SECRET', { minLength: 32, requiredIn: null }),
    jwksUrl: reader.optionalUrl('JWT_JWKS_URL', ['https', 'http']),
    issuer: reader.optionalString('JWT_ISSUER'),
    audience: reader.optionalString('JWT_AUDIENCE'),
    tenantClaim: reader.string('JWT_TENANT_CLAIM', 'tenant'),
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

export type TenantResolver = (headers: { authorization?: string; tenant?: string | string[] }) => Promise<string | null>;

/**
 * Decides a request's tenant. A valid bearer token decides it through its tenant claim (a
 * different x-tenant-id is refused as FORBIDDEN); a bad or expired token is UNAUTHENTICATED.
 * Without a token the bare x-tenant-id header is accepted only when authentication is not
 * required (development), where a token is verified only if JWT settings exist.
 */
export function createTenantResolver(config: CallerAuthConfig): TenantResolver {
  const keys: JWTVerifyGetKey | Uint8Array | null = config.jwksUrl
    ? createRemoteJWKSet(new URL(config.jwksUrl))
    : config.jwtSecret
      ? new TextEncoder().encode(config.jwtSecret)
      : null;
  const algorithms = config.jwksUrl ? ['RS256', 'ES256'] : ['HS256'];

  return async ({ authorization, tenant }) => {
    const headerTenant = tenantFromHeader(tenant);
    const token = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (!token) {
      if (authorization) throw unauthenticated('Authorization must be "Bearer <token>"');
      if (config.required) throw unauthenticated('A bearer token is required');
      return headerTenant;
    }
    // Nothing to verify with (development without JWT settings): the token is only forwarded.
    if (keys === null) return headerTenant;
    let claims: Record<string, unknown>;
    try {
      const verified = await jwtVerify(token, keys as Uint8Array, {
        algorithms,
        ...(config.issuer ? { issuer: config.issuer } : {}),
        ...(config.audience ? { audience: config.audience } : {}),
      });
      claims = verified.payload;
    } catch {
      // The reason (expired, bad signature, wrong audience) stays in our logs, not the answer.
      throw unauthenticated('The bearer token is invalid or expired');
    }
    const claimed = tenantFromHeader(typeof claims[config.tenantClaim] === 'string' ? (claims[config.tenantClaim] as string) : undefined);
    if (claimed === null) throw forbidden(`The token has no "${config.tenantClaim}" claim naming a tenant`);
    if (headerTenant !== null && headerTenant !== claimed) throw forbidden(`${TENANT_HEADER} does not match the token's tenant`);
    return claimed;
  };
}
