import type { RedisConnection } from '../cache/redis-connection';
import { NonceRegistry, nonceLifetimeMs, type NonceClaim, type NonceStore } from './request-signing';

/**
 * Nonces shared by every replica of every subgraph through Redis, so a signed request
 * refused as a replay by one replica is refused by all. Each nonce is one key, set only if
 * absent (SET NX) and expiring when its signature could no longer be accepted anyway.
 * This replica's own memory is asked first: a replay it saw itself is refused without a
 * round trip, and still refused while Redis is unreachable.
 */
export class SharedNonceStore implements NonceStore {
  private readonly local: NonceRegistry;

  constructor(
    private readonly redis: RedisConnection,
    private readonly windowMs: number,
  ) {
    this.local = new NonceRegistry(windowMs);
  }

  async claim(nonce: string, now: number): Promise<NonceClaim> {
    if (!this.local.claimLocally(nonce, now)) return 'replayed';
    if (!this.redis.isReady()) return 'unavailable';
    const key = this.redis.key('nonce', nonce);
    const ttlMs = nonceLifetimeMs(this.windowMs);
    try {
      // Rejects (RedisUnavailableError) when Redis is skipped, too slow or failing.
      const reply = await this.redis.run((client) => client.set(key, '1', { condition: 'NX', expiration: { type: 'PX', value: ttlMs } }));
      return reply === 'OK' ? 'claimed' : 'replayed';
    } catch {
      return 'unavailable';
    }
  }
}
