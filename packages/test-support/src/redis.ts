import { createClient } from '@redis/client';

/** The machine's Redis; tests and the bench keep their keys under prefixes of their own. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Deletes every key under `prefix` (a prefix only this test or run used); resolves to how many there were. */
export async function deleteKeysWithPrefix(prefix: string, url = TEST_REDIS_URL): Promise<number> {
  const client = createClient({ url });
  await client.connect();
  try {
    const keys = await client.keys(`${prefix}*`);
    if (keys.length > 0) await client.del(keys);
    return keys.length;
  } finally {
    await client.close();
  }
}
