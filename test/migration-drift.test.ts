import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { migrationDiff } from '../scripts/lib/schema-engine';

const ROOT = path.resolve(__dirname, '..');
const subgraph = (name: string) => path.join(ROOT, 'subgraphs', name);

let tempDir: string;
let diffs: { customer: string | null; reservation: string | null; drifted: string | null };

beforeAll(async () => {
  tempDir = await mkdtemp(path.join(os.tmpdir(), 'platform-drift-'));
  const drifted = path.join(tempDir, 'customer');
  await cp(path.join(subgraph('customer'), 'prisma'), path.join(drifted, 'prisma'), { recursive: true });
  const schemaFile = path.join(drifted, 'prisma', 'schema.prisma');
  const schema = await readFile(schemaFile, 'utf8');
  const withPhone = schema.replace(/(\n\s*email\s+String[^\n]*\n)/, '$1  phone String? @db.VarChar(32)\n');
  expect(withPhone).not.toBe(schema);
  await writeFile(schemaFile, withPhone);

  // Issued together so they share one engine process and one PGlite (seconds each otherwise).
  const [customer, reservation, driftedSql] = await Promise.all([
    migrationDiff(subgraph('customer')),
    migrationDiff(subgraph('reservation')),
    migrationDiff(drifted),
  ]);
  diffs = { customer, reservation, drifted: driftedSql };
});

afterAll(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

describe('migrationDiff', () => {
  it('finds nothing missing in the committed subgraphs', () => {
    expect(diffs.customer).toBeNull();
    expect(diffs.reservation).toBeNull();
  });

  it('returns the SQL for a field added to schema.prisma but not to the migrations', () => {
    expect(diffs.drifted).toMatch(/ALTER TABLE "customers" ADD COLUMN\s+"phone" VARCHAR\(32\);/);
  });

  it('rejects with the reason when a subgraph cannot be read', async () => {
    await expect(migrationDiff(path.join(tempDir, 'nowhere'))).rejects.toThrow(/schema\.prisma/);
  });
});
