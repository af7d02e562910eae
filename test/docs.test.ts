import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { EnvReader, type EnvReaderOptions } from '@reservations/platform/config';
import { collectSettings, generatedFiles, SERVICE_DEFINITIONS } from '../scripts/lib/configuration-docs';
import { brokenLinks } from '../scripts/lib/markdown-links';

const ROOT = path.resolve(__dirname, '..');

test('docs/configuration.md and every .env.example are what the config definitions generate', () => {
  const { files, problems } = generatedFiles();
  expect(problems).toEqual([]);
  for (const [relative, content] of files) expect(readFileSync(path.join(ROOT, relative), 'utf8')).toBe(content);
});

test.each(SERVICE_DEFINITIONS.map((service) => [service.name, service] as const))(
  "the %s's .env.example, copied to .env unchanged, configures exactly its defaults",
  (_name, service) => {
    const example = parseEnv(readFileSync(path.join(ROOT, service.dir, '.env.example'), 'utf8'));
    expect(Object.keys(example).length).toBeGreaterThan(10);
    const options = { stdoutIsTTY: false };
    expect(service.read(example, options)).toEqual(service.read({}, options));
  },
);

describe('the generator refuses definitions that drift from the code', () => {
  const service = (read: (env: Record<string, string | undefined>, options: EnvReaderOptions) => unknown, settings: object) => [
    { name: 'gateway' as const, title: 'Test', dir: 'gateway', source: 'test/config.ts', read, settings: settings as never },
  ];
  const reading = (use: (reader: EnvReader) => void) => (env: Record<string, string | undefined>, options: EnvReaderOptions) => {
    const reader = new EnvReader(env, options);
    use(reader);
    reader.done();
  };

  test('a variable read but not described', () => {
    const { problems } = collectSettings(
      service(
        reading((r) => r.int('NEW_LIMIT', 5, { min: 1, max: 9 })),
        {},
      ),
    );
    expect(problems).toEqual([expect.stringMatching(/^NEW_LIMIT: read by the gateway configuration but not described/)]);
  });

  test('a variable described but no longer read', () => {
    const { problems } = collectSettings(
      service(
        reading(() => undefined),
        { OLD_LIMIT: { group: 'Security', meaning: 'Gone.' } },
      ),
    );
    expect(problems).toEqual([expect.stringMatching(/^OLD_LIMIT: described for the gateway but its configuration never reads it/)]);
  });

  test('a written default that is not what the code falls back to', () => {
    const read = reading((r) => r.int('KEY_TTL_HOURS', 48, { min: 1, max: 100 }));
    const { problems } = collectSettings(service(read, { KEY_TTL_HOURS: { group: 'Security', meaning: 'Kept.', default: '`24` hours' } }));
    expect(problems).toEqual([expect.stringMatching(/KEY_TTL_HOURS: the code falls back to "48"/)]);
  });

  test('a default that depends on the mode is written out as such, and the bounds come from the code', () => {
    const read = reading((r) => r.int('DRAIN_MS', r.mode() === 'production' ? 10_000 : 0, { min: 0, max: 600_000 }));
    const { settings, problems } = collectSettings(
      service(read, { NODE_ENV: { group: 'Security', meaning: 'Mode.' }, DRAIN_MS: { group: 'Security', meaning: 'Drain.' } }),
    );
    expect(problems).toEqual([]);
    const drain = settings.find((setting) => setting.name === 'DRAIN_MS');
    expect(drain).toMatchObject({ defaultText: '`10000` in production, else `0`', read: { min: 0, max: 600_000 } });
  });
});

describe('relative links', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'docs-links-'));
    writeFileSync(path.join(dir, 'target.md'), '# Target\n\n## Tenant isolation\n\n```\n## Not a heading\n```\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a missing file, a missing heading, and a heading inside a code block are broken; the rest resolves', () => {
    const file = path.join(dir, 'index.md');
    writeFileSync(
      file,
      [
        '[ok](target.md) [ok](target.md#tenant-isolation) [ok](#index) [web](https://example.com/missing)',
        '[gone](missing.md)',
        '[no heading](target.md#tenant-budgets)',
        '[in code](target.md#not-a-heading)',
        '`[not a link](nowhere.md)`',
        '# Index',
      ].join('\n'),
    );
    expect(brokenLinks(file, dir)).toEqual([
      'index.md:2: missing.md does not exist',
      'index.md:3: target.md#tenant-budgets: no heading "#tenant-budgets" in target.md',
      'index.md:4: target.md#not-a-heading: no heading "#not-a-heading" in target.md',
    ]);
  });

  test('every relative link in the README, the changelog and docs/ resolves', () => {
    const files = [
      'README.md',
      'CHANGELOG.md',
      'docs/api.md',
      'docs/configuration.md',
      'docs/operations.md',
      'docs/security.md',
      'docs/caching.md',
      'docs/architecture.md',
      'docs/benchmarks.md',
    ];
    expect(files.flatMap((file) => brokenLinks(path.join(ROOT, file), ROOT))).toEqual([]);
  });
});
