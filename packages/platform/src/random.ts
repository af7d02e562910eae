import { randomBytes } from 'node:crypto';

/**
 * Random ids for every request (trace and span ids, signature nonces) are cut from a pool
 * refilled 4 KiB at a time: one call into the system's random source per hundreds of ids
 * instead of several per request, a measurable share of a request's CPU (see
 * docs/benchmarks.md). The bytes are the same cryptographically strong bytes; each is used once.
 */
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let taken = POOL_BYTES;

function take(bytes: number): [Buffer, number] {
  if (taken + bytes > pool.length) {
    pool = randomBytes(POOL_BYTES);
    taken = 0;
  }
  const start = taken;
  taken += bytes;
  return [pool, start];
}

export function randomHex(bytes: number): string {
  const [source, start] = take(bytes);
  return source.toString('hex', start, start + bytes);
}

export function randomBase64url(bytes: number): string {
  const [source, start] = take(bytes);
  return source.toString('base64url', start, start + bytes);
}
