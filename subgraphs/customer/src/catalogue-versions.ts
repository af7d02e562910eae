import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { RedisConnection } from '@reservations/platform/cache/redis-connection';

/**
 * Response header this subgraph sets when an operation changed data that cached responses may
 * hold (any product or category write). The gateway's response cache then starts a new
 * catalogue version for the request's tenant, so the next read is fresh.
 */
export const CATALOGUE_CHANGED_HEADER = 'x-catalogue-changed';

/** The shared store's namespace of the versions (what `keyValueCache` is given for them). */
export const CATALOGUE_VERSION_NAMESPACE = 'catalogue-version';

/** Key of the cache generation beside the tenants' versions; a colon is never in a tenant slug. */
const GENERATION_KEY = ':generation';
/**
 * The generation until a process first starts a new one. A fixed value rather than one created
 * on first use: two first requests racing to create it would each store under their own.
 */
const FIRST_GENERATION = '0';

/**
 * Per-tenant catalogue versions, part of every cached response's key in the gateway, which
 * imports this module (with the header above) as this subgraph's public catalogue contract. A catalogue write
 * replaces the tenant's version, so its next read misses and is fresh at once; other
 * tenants' entries are untouched and nothing is scanned or deleted (stale entries simply
 * expire). Versions are random tokens rather than counters, so concurrent bumps from several
 * gateways can only produce another new version, never an old one.
 *
 * A version is `<generation>.<tenant version>`. When a bump may have been lost (a version write
 * of this process failed or was skipped, or its connection to Redis was lost with whatever was
 * in flight), nobody knows which tenants changed meanwhile: when Redis is back, the process
 * starts a new generation, which retires every tenant's entries at once, before it reads a
 * version again. A Redis that was merely slow for this process retires nothing.
 */
export class CatalogueVersions {
  private generationOwed = false;
  private newGeneration: Promise<void> | null = null;
  /** Reads of one turn of the event loop, sent together (shared versions only). */
  private readonly batch: DataLoader<string, string | null> | null;

  constructor(
    /** Reads and writes that fail must reject (not answer "missing", not drop silently). */
    private readonly store: KeyValueCache<string>,
    /** The shared store's connection; null when versions live in this process (nothing is ever lost). */
    private readonly redis: Pick<RedisConnection, 'isReady' | 'onRecovered' | 'readMany'> | null,
    /** Told whether each tenant version lookup found one (generation lookups are not counted). */
    private readonly countLookup: (hit: boolean) => void = () => undefined,
  ) {
    this.batch = redis
      ? new DataLoader((tenants) => this.readBatch(redis, tenants), { cache: false, batchScheduleFn: (send) => setImmediate(send) })
      : null;
    redis?.onRecovered(({ connectionLost }) => {
      if (!connectionLost && !this.generationOwed) return;
      this.generationOwed = true;
      // Set synchronously, so no read of this process can start before it.
      this.newGeneration = this.write(GENERATION_KEY, randomUUID()).then(
        () => {
          this.generationOwed = false;
        },
        () => undefined,
      );
    });
  }

  /**
   * The tenant's current version, or null when it cannot be known (cache must be bypassed).
   * Shared versions are read in batches: every caller of one turn of the event loop waits for
   * one MGET sent after that turn, so each still sees every version replaced before it asked,
   * and a burst of requests costs one round trip instead of one each.
   */
  async current(tenant: string): Promise<string | null> {
    if (this.batch !== null) return this.batch.load(tenant);
    if (!(await this.readable())) return null;
    try {
      const [generation, version] = await Promise.all([this.store.get(GENERATION_KEY), this.read(tenant)]);
      return `${generation ?? FIRST_GENERATION}.${version}`;
    } catch {
      // A read that failed is not a missing key: guessing a version could revive old entries.
      return null;
    }
  }

  private async readBatch(redis: Pick<RedisConnection, 'readMany'>, tenants: readonly string[]): Promise<(string | null)[]> {
    if (!(await this.readable())) return tenants.map(() => null);
    const unique = [...new Set(tenants)];
    let read: (string | undefined)[];
    try {
      read = await redis.readMany([GENERATION_KEY, ...unique].map((key) => ({ namespace: CATALOGUE_VERSION_NAMESPACE, key })));
    } catch {
      return tenants.map(() => null);
    }
    const generation = read[0] ?? FIRST_GENERATION;
    const versions = new Map<string, Promise<string | null>>();
    unique.forEach((tenant, position) => {
      const found = read[position + 1];
      // A tenant's first read creates its version (nothing can be stored under it yet).
      const version = found !== undefined ? Promise.resolve(found) : this.create(tenant);
      versions.set(
        tenant,
        version.then(
          (value) => `${generation}.${value}`,
          () => null,
        ),
      );
    });
    // Counted per caller, as unbatched lookups are.
    for (const tenant of tenants) this.countLookup(read[unique.indexOf(tenant) + 1] !== undefined);
    return Promise.all(tenants.map((tenant) => versions.get(tenant)!));
  }

  /** Waits for a new generation this process owes; false while versions cannot be read. */
  private async readable(): Promise<boolean> {
    if (this.newGeneration !== null) {
      const pending = this.newGeneration;
      await pending;
      if (this.newGeneration === pending) this.newGeneration = null;
    }
    return !this.generationOwed && this.available();
  }

  /** Never rejects: a bump that cannot be made is made up for by a new generation. */
  async bump(tenant: string): Promise<void> {
    await this.write(tenant, randomUUID()).catch(() => undefined);
  }

  private available(): boolean {
    return this.redis?.isReady() ?? true;
  }

  private async write(key: string, value: string): Promise<void> {
    try {
      await this.store.set(key, value);
    } catch (error) {
      this.generationOwed = true;
      throw error;
    }
  }

  private async read(tenant: string): Promise<string> {
    const existing = await this.store.get(tenant);
    this.countLookup(existing !== undefined);
    return existing ?? this.create(tenant);
  }

  private async create(tenant: string): Promise<string> {
    await this.write(tenant, randomUUID());
    // Read back: of first requests racing to create it, each then uses the one stored last.
    return (await this.store.get(tenant)) ?? randomUUID();
  }
}
