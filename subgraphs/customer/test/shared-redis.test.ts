/** The customer subgraph's replica keeps one connection to the shared Redis, whatever uses it. */
import { createClient } from '@redis/client';
import { createTestDatabase, type TestDatabase } from '@reservations/test-support/postgres';
import { PrivateRedis } from '@reservations/test-support/private-redis';
import { startTestCustomerSubgraph } from '@reservations/test-support/supergraph';

let database: TestDatabase;
let redis: PrivateRedis;

beforeAll(async () => {
  database = await createTestDatabase('customer_shared_redis');
  redis = await PrivateRedis.start();
});

afterAll(async () => {
  await redis.stop();
  await database.drop();
});

test('signed-request nonces and catalogue versions share one Redis connection', async () => {
  const subgraph = await startTestCustomerSubgraph(database, {
    REDIS_URL: redis.url,
    GATEWAY_SIGNING_SECRET: 'a-signing-secret-of-at-least-32-characters',
  });
  const observer = createClient({ url: redis.url });
  try {
    await subgraph.ready;
    await observer.connect();
    const clients = (await observer.sendCommand<string>(['CLIENT', 'LIST'])).trim().split('\n');
    // The observer's own connection, and the subgraph's one.
    expect(clients).toHaveLength(2);
  } finally {
    observer.destroy();
    await subgraph.stop();
  }
});
