/**
 * npm run documents:publish -- <manifest file or directory>
 *
 * Publishes a front-end build's trusted documents to the gateways' Redis (REDIS_URL,
 * REDIS_KEY_PREFIX), where gateways with TRUSTED_DOCUMENTS_FROM_REDIS=true find them without a
 * restart. Run it in the front-end's deploy, before the new build is served. Entries never
 * expire: a hash names one document forever, and old clients may still be running.
 */
import path from 'node:path';
import { connectRedis } from '@reservations/platform/cache/redis-connection';
import { readRedisSettings } from '@reservations/platform/cache/redis-config';
import { EnvReader } from '@reservations/platform/config';
import { createLogger } from '@reservations/platform/logger';
import { readManifests, TRUSTED_DOCUMENTS_NAMESPACE } from '@reservations/gateway/security/trusted-documents';

const CONNECT_TIMEOUT_MS = 10_000;

async function main(): Promise<number> {
  const target = process.argv[2];
  if (!target) {
    console.error('usage: npm run documents:publish -- <manifest file or directory>');
    return 2;
  }
  const reader = new EnvReader();
  const redis = readRedisSettings(reader);
  reader.done();
  if (!redis) {
    console.error('REDIS_URL is not set: nowhere to publish to');
    return 2;
  }
  const manifests = readManifests(path.resolve(target));
  const connection = connectRedis(redis.url, redis.keyPrefix, createLogger('documents:publish', 'warn'), redis);
  try {
    const started = Date.now();
    while (!connection.isReady()) {
      if (Date.now() - started > CONNECT_TIMEOUT_MS) throw new Error(`Redis did not answer within ${CONNECT_TIMEOUT_MS / 1000}s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const store = connection.keyValueCache(TRUSTED_DOCUMENTS_NAMESPACE);
    let published = 0;
    for (const [file, documents] of manifests) {
      for (const [hash, document] of documents) {
        await store.set(hash, document);
        // The store turns errors into misses: read each entry back to know it is there.
        if ((await store.get(hash)) !== document) throw new Error(`could not publish ${hash} from ${file}`);
        published += 1;
      }
    }
    console.log(`published ${published} trusted document(s) under ${redis.keyPrefix}${TRUSTED_DOCUMENTS_NAMESPACE}`);
    return 0;
  } finally {
    await connection.close();
  }
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
