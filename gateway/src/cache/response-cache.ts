// Hand-written rather than @apollo/server-plugin-response-cache: a hit must be answered before
// Apollo parses, validates and runs its plugins, which a plugin cannot do.
import { createHash } from 'node:crypto';
import { HeaderMap, type ApolloServerPlugin, type HTTPGraphQLResponse } from '@apollo/server';
import { LRUCache } from 'lru-cache';
import type { KeyValueCache, KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import type { CatalogueVersions } from '@reservations/customer-subgraph/catalogue-versions';
import type { GatewayContext } from '../context';
import type { EdgeOperation, KnownOperations } from '../edge/graphql-request';
import { singleResultMediaType } from '../edge/media-type';
import type { EdgeRequest } from '../edge/request-state';
import type { Caller } from '../security/caller-auth';
import { rateLimitHeaders, type TenantBudgets } from '../security/tenant-budget';

export const CACHE_STATUS_HEADER = 'x-cache';

/** What this process keeps of shared entries (UTF-16 length of their bodies, roughly bytes). */
const LOCAL_COPIES_MAX_BYTES = 32 * 1024 * 1024;

/** Where entries are kept in the shared store. */
export const RESPONSES_NAMESPACE = 'responses';

/** Where hits and misses are counted (the gateway's /metrics). */
export type CacheLookupRecorder = (cache: string, hit: boolean) => void;

/** Never keeps an entry longer than `maxTtlSeconds`, whatever max-age a response allows. */
export function cappedTtl(cache: KeyValueCache<string>, maxTtlSeconds: number): KeyValueCache<string> {
  return {
    get: (key) => cache.get(key),
    set: (key, value, options?: KeyValueCacheSetOptions) =>
      cache.set(key, value, { ...options, ttl: Math.min(options?.ttl ?? maxTtlSeconds, maxTtlSeconds) }),
    delete: (key) => cache.delete(key),
  };
}

/** A stored answer: the exact body the pipeline sent, and what a hit needs to answer like it. */
interface Entry {
  /** The tenant's catalogue version the answer was read at: any other version makes it stale. */
  version: string;
  body: string;
  cacheControl: string;
  maxAge: number;
  storedAt: number;
  /** The operation's estimated cost, charged to the tenant's budget on every hit as on a miss. */
  cost: number;
  operationName: string | null;
}

/** What a hit was, for the request's metrics and log line. */
export interface CacheHit {
  operationName: string | null;
  document: string;
}

/**
 * Whole-response caching of queries whose subgraph cache hints allow it (the gateway's
 * overall policy is the most restrictive of its subgraphs' Cache-Control headers, so a query
 * touching customers or reservations is never stored; mutations never are).
 *
 * Lookups happen at the HTTP edge, before Apollo parses anything: the key is a hash of how the
 * document was sent (its sha256, or the APQ or trusted-document hash), the operation name,
 * the variables, the tenant and the caller's scope (its verified claims other than subject and
 * token times). The entry holds the catalogue version it was read at; it is a hit only while
 * the tenant's current version is the same, so a catalogue write (which bumps the version, on
 * any gateway) makes every older entry of that tenant a miss at once. Stores happen after the
 * pipeline answered, only for requests that looked the cache up first (with the version read
 * before execution). Responses say HIT, MISS (stored now) or BYPASS in `x-cache`.
 */
export class ResponseCache {
  /**
   * Entries this process stored or read from the shared store, so a hit needs only the
   * version read (batched, see CatalogueVersions) from Redis. A copy is used only under the
   * version it was stored at, exactly as the shared entry would be.
   */
  private readonly copies: LRUCache<string, Entry> | null;

  constructor(
    private readonly entries: KeyValueCache<string>,
    /** True when `entries` is shared (Redis): this process then keeps a copy of what it stored or read. */
    shared: boolean,
    private readonly versions: CatalogueVersions,
    private readonly budgets: TenantBudgets,
    private readonly known: KnownOperations,
    private readonly recordLookup: CacheLookupRecorder,
    /** Differs between supergraphs, so replicas of two versions never read each other's answers. */
    private readonly schemaId: string,
    private readonly now: () => number = Date.now,
  ) {
    this.copies = shared
      ? new LRUCache<string, Entry>({ maxSize: LOCAL_COPIES_MAX_BYTES, sizeCalculation: (entry) => entry.body.length + 256 })
      : null;
  }

  /** The stored answer to this request, or null (then `state.cacheLookup` says what the pipeline may store under). */
  async lookup(
    operation: EdgeOperation,
    caller: Caller & { tenant: string },
    state: EdgeRequest,
    accept: string | undefined,
  ): Promise<{ response: HTTPGraphQLResponse; hit: CacheHit } | null> {
    // Operations whose last answer could not be cached skip both lookups and are never stored.
    if (!this.known.cacheable(operation)) return null;
    const key = createHash('sha256')
      .update(JSON.stringify([this.schemaId, caller.tenant, caller.scope, operation.document, operation.operationName, operation.variables]))
      .digest('base64url');
    const version = await this.versions.current(caller.tenant);
    state.cacheLookup = { key, version };
    if (version === null) return null;
    const entry = await this.entry(key, version);
    if (entry === undefined) return null;
    const ageMs = this.now() - entry.storedAt;
    if (ageMs >= entry.maxAge * 1000) return null;
    const mediaType = singleResultMediaType(accept);
    if (mediaType === null) return null;
    const budget = await this.budgets.charge(caller.tenant, entry.cost);
    // Over budget: the pipeline refuses it, exactly as it refuses any other request.
    if (budget && !budget.admitted) return null;
    this.recordLookup('response', true);
    const headers = new HeaderMap([
      ['content-type', mediaType],
      ['cache-control', entry.cacheControl],
      ['age', String(Math.max(0, Math.round(ageMs / 1000)))],
      [CACHE_STATUS_HEADER, 'HIT'],
      ...(budget ? Object.entries(rateLimitHeaders(budget)) : []),
    ]);
    return {
      response: { status: 200, headers, body: { kind: 'complete', string: entry.body } },
      hit: { operationName: entry.operationName, document: operation.document },
    };
  }

  /** The entry stored under `key` at `version`: this process's copy when it has one, else the store's. */
  private async entry(key: string, version: string): Promise<Entry | undefined> {
    const copy = this.copies?.get(key);
    if (copy?.version === version) return copy;
    const raw = await this.entries.get(key).catch(() => undefined);
    if (raw === undefined) return undefined;
    const entry = JSON.parse(raw) as Entry;
    if (entry.version !== version) return undefined;
    this.copies?.set(key, entry, { ttl: entry.maxAge * 1000 });
    return entry;
  }

  /** Stores the pipeline's answer when the plugin found it storable. Never waits, never fails the request. */
  store(state: EdgeRequest, response: HTTPGraphQLResponse): void {
    const { cacheLookup, storable } = state;
    if (!cacheLookup?.version || !storable || response.body.kind !== 'complete' || (response.status ?? 200) !== 200) return;
    const entry: Entry = {
      version: cacheLookup.version,
      body: response.body.string,
      cacheControl: `max-age=${storable.maxAge}, ${storable.scope.toLowerCase()}`,
      maxAge: storable.maxAge,
      storedAt: this.now(),
      cost: storable.cost,
      operationName: state.operation?.name ?? null,
    };
    this.copies?.set(cacheLookup.key, entry, { ttl: storable.maxAge * 1000 });
    this.entries.set(cacheLookup.key, JSON.stringify(entry), { ttl: storable.maxAge }).catch(() => undefined);
  }

  /** Marks answers the cache may store and labels every query's answer HIT, MISS or BYPASS. */
  plugin(): ApolloServerPlugin<GatewayContext> {
    const recordLookup = this.recordLookup;
    return {
      async requestDidStart() {
        return {
          async willSendResponse({ response, operation, overallCachePolicy, contextValue }) {
            if (operation?.operation !== 'query' || !response.http) return;
            const { edge } = contextValue;
            const policy = overallCachePolicy.policyIfCacheable();
            edge.cacheable = policy !== null;
            const result = response.body.kind === 'single' ? response.body.singleResult : null;
            // Answers that depend on the caller (PRIVATE) are not stored: nothing keys them by caller.
            const storable = policy !== null && policy.scope !== 'PRIVATE' && result !== null && !result.errors && result.data;
            if (storable && edge.cacheLookup?.version) {
              const cost = (result.extensions?.cost as { estimated?: unknown } | undefined)?.estimated;
              edge.storable = { maxAge: policy.maxAge, scope: policy.scope ?? 'PUBLIC', cost: typeof cost === 'number' ? cost : 0 };
              recordLookup('response', false);
              response.http.headers.set(CACHE_STATUS_HEADER, 'MISS');
              return;
            }
            response.http.headers.set(CACHE_STATUS_HEADER, 'BYPASS');
          },
        };
      },
    };
  }
}
