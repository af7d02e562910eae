import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '@reservations/platform/logger';
import { connectRedis } from '@reservations/platform/cache/redis-connection';
import { parsePrometheusText } from '@reservations/test-support/prometheus';
import { deleteKeysWithPrefix, TEST_REDIS_URL as REDIS_URL } from '@reservations/test-support/redis';
import { redisConnected } from '@reservations/test-support/wait';
import { startTestGateway, startTestSupergraph, type TestSupergraph } from '@reservations/test-support/supergraph';
import type { StartedGateway } from '../src/server';
import { parseManifest, sha256Hex, TRUSTED_DOCUMENTS_NAMESPACE, trustedDocumentVerdict } from '../src/security/trusted-documents';

const LISTED = 'query CustomerCount { customers { totalCount } }';
const LISTED_HASH = sha256Hex(LISTED);
const UNLISTED = 'query Products { products(first: 1) { totalCount } }';
const UNLISTED_HASH = sha256Hex(UNLISTED);
const ROOT = path.resolve(__dirname, '../..');
const silent = createLogger('trusted-documents-test', process.env.TEST_LOG_LEVEL ?? 'silent');

interface Answer {
  status: number;
  data?: unknown;
  errors?: { message: string; extensions?: { code?: string } }[];
}

let supergraph: TestSupergraph;
let manifestDir: string;
const running: StartedGateway[] = [];

async function gateway(env: Record<string, string>): Promise<StartedGateway> {
  const started = await startTestGateway({ customer: supergraph.customer.url, reservation: supergraph.reservation.url }, env);
  running.push(started);
  return started;
}

async function post(url: string, body: Record<string, unknown>): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tenant-id': 'trusted' },
    body: JSON.stringify(body),
  });
  return { status: response.status, ...((await response.json()) as Omit<Answer, 'status'>) };
}

const byHash = (hash: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
const code = (answer: Answer) => answer.errors?.[0]?.extensions?.code;

async function trustedCount(url: string, result: string): Promise<number> {
  const metrics = parsePrometheusText(await (await fetch(new URL('/metrics', url))).text());
  return metrics.value('gateway_trusted_documents_total', { result }) ?? 0;
}

beforeAll(async () => {
  supergraph = await startTestSupergraph('trusted_docs');
  manifestDir = mkdtempSync(path.join(tmpdir(), 'trusted-documents-'));
  writeFileSync(path.join(manifestDir, 'web.json'), JSON.stringify({ [LISTED_HASH]: LISTED }));
});

afterAll(async () => {
  for (const started of running) await started.stop();
  await supergraph?.stop();
  rmSync(manifestDir, { recursive: true, force: true });
});

describe('manifests', () => {
  test("an entry whose key is not its document's sha256 is refused at load", () => {
    expect(() => parseManifest(JSON.stringify({ [UNLISTED_HASH]: LISTED }), 'web.json')).toThrow(/not the sha256/);
    expect(() => parseManifest('[]', 'web.json')).toThrow(/hash -> document/);
  });

  test('enforce without any manifest source is a configuration error', async () => {
    await expect(gateway({ TRUSTED_DOCUMENTS_MODE: 'enforce' })).rejects.toThrow(/TRUSTED_DOCUMENTS_PATH/);
  });
});

describe('off (the development default)', () => {
  test('anything runs, and a listed hash alone runs its document', async () => {
    const { url } = await gateway({ TRUSTED_DOCUMENTS_PATH: manifestDir });
    expect((await post(url, { query: UNLISTED })).data).toEqual({ products: { totalCount: 0 } });
    expect((await post(url, byHash(LISTED_HASH))).data).toEqual({ customers: { totalCount: 0 } });
    expect((await post(url, { documentId: LISTED_HASH })).data).toEqual({ customers: { totalCount: 0 } });
  });

  test('an unknown documentId is a coded 400, not an empty-query error', async () => {
    const { url } = await gateway({ TRUSTED_DOCUMENTS_PATH: manifestDir });
    const answer = await post(url, { documentId: UNLISTED_HASH });
    expect([answer.status, code(answer)]).toEqual([400, 'PERSISTED_QUERY_NOT_FOUND']);
  });
});

describe('allow-and-log', () => {
  test('unlisted documents run but are counted in /metrics; listed ones are counted as listed', async () => {
    const { url } = await gateway({ TRUSTED_DOCUMENTS_MODE: 'allow-and-log', TRUSTED_DOCUMENTS_PATH: path.join(manifestDir, 'web.json') });
    expect((await post(url, { query: UNLISTED })).data).toEqual({ products: { totalCount: 0 } });
    // Sent as text but identical to a listed document: that is still a listed document.
    expect((await post(url, { query: LISTED })).data).toEqual({ customers: { totalCount: 0 } });
    expect((await post(url, byHash(LISTED_HASH))).data).toEqual({ customers: { totalCount: 0 } });
    expect(await trustedCount(url, 'unlisted')).toBe(1);
    expect(await trustedCount(url, 'listed')).toBe(2);
  });

  test('APQ keeps working for unlisted documents, which are counted', async () => {
    const { url } = await gateway({ TRUSTED_DOCUMENTS_MODE: 'allow-and-log', TRUSTED_DOCUMENTS_PATH: manifestDir });
    expect(code(await post(url, byHash(UNLISTED_HASH)))).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await post(url, { query: UNLISTED, ...byHash(UNLISTED_HASH) })).data).toEqual({ products: { totalCount: 0 } });
    expect((await post(url, byHash(UNLISTED_HASH))).data).toEqual({ products: { totalCount: 0 } });
    expect(await trustedCount(url, 'unlisted')).toBe(2);
  });
});

describe('enforce', () => {
  test('a listed hash runs (APQ extension or documentId, POST or GET)', async () => {
    const { url } = await gateway({ TRUSTED_DOCUMENTS_MODE: 'enforce', TRUSTED_DOCUMENTS_PATH: manifestDir });
    expect((await post(url, byHash(LISTED_HASH))).data).toEqual({ customers: { totalCount: 0 } });
    expect((await post(url, { documentId: LISTED_HASH, operationName: 'CustomerCount' })).data).toEqual({ customers: { totalCount: 0 } });
    // The client preset's own sha256 option prefixes its hashes.
    expect((await post(url, { documentId: `sha256:${LISTED_HASH}` })).data).toEqual({ customers: { totalCount: 0 } });
    const get = await fetch(`${url}?documentId=${LISTED_HASH}`, { headers: { 'x-tenant-id': 'trusted', 'apollo-require-preflight': 'true' } });
    expect(((await get.json()) as { data?: unknown }).data).toEqual({ customers: { totalCount: 0 } });
  });

  test('a document sent as text is refused, even a listed one, and an unknown hash is not in the list', async () => {
    const { url } = await gateway({ TRUSTED_DOCUMENTS_MODE: 'enforce', TRUSTED_DOCUMENTS_PATH: manifestDir });
    for (const body of [{ query: UNLISTED }, { query: LISTED }]) {
      const answer = await post(url, body);
      expect([answer.status, code(answer), answer.data]).toEqual([400, 'PERSISTED_QUERY_ID_REQUIRED', undefined]);
    }
    const unknown = await post(url, byHash(UNLISTED_HASH));
    expect([unknown.status, code(unknown)]).toEqual([400, 'PERSISTED_QUERY_NOT_IN_LIST']);
    expect(await trustedCount(url, 'refused')).toBe(3);
  });

  test('APQ registration of an unlisted document does not get around the list', async () => {
    const prefix = `test-trusted-${randomBytes(4).toString('hex')}:`;
    try {
      // An earlier gateway without the list, sharing Redis, registered the document as APQ.
      const open = await gateway({ REDIS_URL, REDIS_KEY_PREFIX: prefix });
      await redisConnected(open.url);
      expect((await post(open.url, { query: UNLISTED, ...byHash(UNLISTED_HASH) })).data).toEqual({ products: { totalCount: 0 } });
      expect((await post(open.url, byHash(UNLISTED_HASH))).data).toEqual({ products: { totalCount: 0 } });

      const { url } = await gateway({ REDIS_URL, REDIS_KEY_PREFIX: prefix, TRUSTED_DOCUMENTS_MODE: 'enforce', TRUSTED_DOCUMENTS_PATH: manifestDir });
      await redisConnected(url);
      expect(code(await post(url, { query: UNLISTED, ...byHash(UNLISTED_HASH) }))).toBe('PERSISTED_QUERY_ID_REQUIRED');
      expect(code(await post(url, byHash(UNLISTED_HASH)))).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    } finally {
      await deleteKeysWithPrefix(prefix);
    }
  });

  test('documents a front-end deploy published to Redis (npm run documents:publish) run without a restart', async () => {
    const prefix = `test-trusted-${randomBytes(4).toString('hex')}:`;
    const publisher = connectRedis(REDIS_URL, prefix, silent);
    try {
      const { url } = await gateway({ REDIS_URL, REDIS_KEY_PREFIX: prefix, TRUSTED_DOCUMENTS_MODE: 'enforce', TRUSTED_DOCUMENTS_FROM_REDIS: 'true' });
      await redisConnected(url);
      expect(code(await post(url, byHash(UNLISTED_HASH)))).toBe('PERSISTED_QUERY_NOT_IN_LIST');
      const deploy = path.join(manifestDir, 'next-deploy');
      mkdirSync(deploy);
      writeFileSync(path.join(deploy, 'web.json'), JSON.stringify({ [UNLISTED_HASH]: UNLISTED }));
      const publish = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/publish-documents.ts'), deploy], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, REDIS_URL, REDIS_KEY_PREFIX: prefix },
      });
      expect([publish.status, publish.stderr]).toEqual([0, '']);
      expect(publish.stdout).toContain('published 1 trusted document(s)');
      expect((await post(url, byHash(UNLISTED_HASH))).data).toEqual({ products: { totalCount: 0 } });
      // An entry that is not the document its hash names is ignored.
      await publisher.keyValueCache(TRUSTED_DOCUMENTS_NAMESPACE).set(LISTED_HASH, UNLISTED);
      expect(code(await post(url, byHash(LISTED_HASH)))).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    } finally {
      await publisher.close();
      await deleteKeysWithPrefix(prefix);
    }
  });
});

describe('the one policy the plugin and the cache-hit path share', () => {
  test.each([
    // mode, how the document was named, listed?, verdict
    ['off', 'text', false, null],
    ['off', 'apq', true, null],
    ['off', 'id', true, null],
    ['off', 'id', false, 'refused'],
    ['allow-and-log', 'text', true, 'listed'],
    ['allow-and-log', 'text', false, 'unlisted'],
    ['allow-and-log', 'apq', false, 'unlisted'],
    ['allow-and-log', 'id', false, 'refused'],
    ['enforce', 'text', true, 'refused'],
    ['enforce', 'apq', true, 'listed'],
    ['enforce', 'apq', false, 'refused'],
    ['enforce', 'id', false, 'refused'],
  ] as const)('%s, %s, listed %s: %s', (mode, form, listed, verdict) => {
    expect(trustedDocumentVerdict(mode, form, listed)).toBe(verdict);
  });
});
