import { randomUUID } from 'node:crypto';
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';

/**
 * Per-tenant catalogue versions, part of every cached response's key. A catalogue write
 * replaces the tenant's version, so its next read misses and is fresh at once; other
 * tenants' entries are untouched and nothing is scanned or deleted (stale entries simply
 * expire). Versions are random tokens rather than counters, so concurrent bumps from several
 * gateways can only produce another new version, never an old one.
 */
export class CatalogueVersions {
  constructor(
    private readonly store: KeyValueCache<string>,
    /** False while the shared store is unreachable: then responses are neither read nor written. */
    private readonly available: () => boolean,
  ) {}

  /** The tenant's current version, or null when it cannot be known (cache must be bypassed). */
  async current(tenant: string): Promise<string | null> {
    if (!this.available()) return null;
    const existing = await this.store.get(tenant);
    if (existing !== undefined) return existing;
    const created = randomUUID();
    await this.store.set(tenant, created);
    return this.available() ? created : null;
  }

  async bump(tenant: string): Promise<void> {
    await this.store.set(tenant, randomUUID());
  }
}
