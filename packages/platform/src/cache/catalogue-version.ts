import { randomUUID } from 'node:crypto';
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { RedisConnection } from './redis-connection';

/** Key of the cache generation beside the tenants' versions; a colon is never in a tenant slug. */
const GENERATION_KEY = ':generation';

/**
 * Per-tenant catalogue versions, part of every cached response's key. A catalogue write
 * replaces the tenant's version, so its next read misses and is fresh at once; other
 * tenants' entries are untouched and nothing is scanned or deleted (stale entries simply
 * expire). Versions are random tokens rather than counters, so concurrent bumps from several
 * gateways can only produce another new version, never an old one.
 *
 * A version is `<generation>.<tenant version>`. When a bump may have been lost (this process
 * could not reach Redis for a while, or a write to it failed), nobody knows which tenants
 * changed meanwhile: the process starts a new generation, which retires every tenant's
 * entries at once, before it reads a version again.
 */
export class CatalogueVersions {
  private newGeneration: Promise<void> | null = null;

  constructor(
    private readonly store: KeyValueCache<string>,
    /** The shared store's connection; null when versions live in this process (nothing is ever missed). */
    private readonly redis: Pick<RedisConnection, 'isReady' | 'onRecovered'> | null,
    /** Told whether each tenant version lookup found one (the generation's are not counted). */
    private readonly countLookup: (hit: boolean) => void = () => undefined,
  ) {
    redis?.onRecovered(() => {
      this.newGeneration = this.store.set(GENERATION_KEY, randomUUID());
    });
  }

  /** The tenant's current version, or null when it cannot be known (cache must be bypassed). */
  async current(tenant: string): Promise<string | null> {
    if (this.newGeneration !== null) {
      const pending = this.newGeneration;
      await pending;
      if (this.newGeneration === pending) this.newGeneration = null;
    }
    if (!this.available()) return null;
    const [generation, version] = await Promise.all([this.read(GENERATION_KEY), this.read(tenant, this.countLookup)]);
    // A failed write (a created version) makes Redis unavailable: nothing read now may be trusted.
    return this.available() ? `${generation}.${version}` : null;
  }

  async bump(tenant: string): Promise<void> {
    await this.store.set(tenant, randomUUID());
  }

  private available(): boolean {
    return this.redis?.isReady() ?? true;
  }

  private async read(key: string, countLookup?: (hit: boolean) => void): Promise<string> {
    const existing = await this.store.get(key);
    countLookup?.(existing !== undefined);
    if (existing !== undefined) return existing;
    const created = randomUUID();
    await this.store.set(key, created);
    return created;
  }
}
