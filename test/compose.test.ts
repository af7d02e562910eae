import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkSupergraph, composeFromConfig, installedCompositionVersion, renderSupergraphFile } from '../scripts/lib/supergraph';

const repoRoot = path.resolve(__dirname, '..');
const committedConfig = path.join(repoRoot, 'supergraph.yaml');
const committedSupergraph = path.join(repoRoot, 'supergraph.graphql');

interface Workspace {
  dir: string;
  config: string;
  supergraph: string;
  schema(subgraph: 'customer' | 'reservation'): string;
}

const workspaces: string[] = [];

/** A temporary copy of the composition inputs and output, so a test can break them freely. */
function copyWorkspace(): Workspace {
  const dir = mkdtempSync(path.join(tmpdir(), 'compose-test-'));
  workspaces.push(dir);
  cpSync(committedConfig, path.join(dir, 'supergraph.yaml'));
  cpSync(committedSupergraph, path.join(dir, 'supergraph.graphql'));
  for (const subgraph of ['customer', 'reservation']) {
    cpSync(path.join(repoRoot, 'subgraphs', subgraph, 'schema.graphql'), path.join(dir, 'subgraphs', subgraph, 'schema.graphql'));
  }
  return {
    dir,
    config: path.join(dir, 'supergraph.yaml'),
    supergraph: path.join(dir, 'supergraph.graphql'),
    schema: (subgraph) => path.join(dir, 'subgraphs', subgraph, 'schema.graphql'),
  };
}

function edit(file: string, change: (text: string) => string): void {
  const before = readFileSync(file, 'utf8');
  const after = change(before);
  if (after === before) throw new Error(`edit of ${file} changed nothing; the fixture no longer matches the schema`);
  writeFileSync(file, after);
}

// A type no real schema will have, so the edit never collides with what the subgraphs define.
const probeTypeName = 'ComposeCheckProbe';
const addProbeType = (text: string): string => `${text}\ntype ${probeTypeName} {\n  id: ID!\n}\n`;

/** The exact command CI runs, as a child process, so exit codes and stderr are the real ones. */
function runCheck(workspace?: Workspace): { status: number | null; output: string } {
  const paths = workspace ? ['--config', workspace.config, '--out', workspace.supergraph] : [];
  const result = spawnSync('npx', ['tsx', 'scripts/compose.ts', '--check', ...paths], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

afterAll(() => {
  for (const dir of workspaces) rmSync(dir, { recursive: true, force: true });
});

describe('committed supergraph', () => {
  it('passes compose:check', () => {
    const { status, output } = runCheck();
    expect(output).toContain('up to date');
    expect(status).toBe(0);
  });

  it('is the composed SDL followed by one newline, as rover prints it', () => {
    const composed = composeFromConfig(committedConfig);
    if ('errors' in composed) throw new Error(composed.errors.join('\n'));
    expect(readFileSync(committedSupergraph, 'utf8')).toBe(renderSupergraphFile(composed.supergraphSdl));
    expect(composed.supergraphSdl).toContain('@join__graph(name: "customer", url: "http://localhost:4004/graphql")');
    expect(composed.supergraphSdl).toContain('@join__graph(name: "reservation", url: "http://localhost:4003/graphql")');
  });

  it('pins federation_version exactly to the installed @apollo/composition', () => {
    expect(readFileSync(committedConfig, 'utf8')).toMatch(
      new RegExp(`^federation_version: =${installedCompositionVersion().replace(/\./g, '\\.')}$`, 'm'),
    );
  });
});

describe('compose:check on a temporary copy', () => {
  it('fails and says how to fix it when a subgraph schema changed after composing', () => {
    const workspace = copyWorkspace();
    edit(workspace.schema('customer'), addProbeType);

    const { status, output } = runCheck(workspace);

    expect(status).not.toBe(0);
    expect(output).toMatch(/supergraph\.graphql is out of date/);
    expect(output).toContain(probeTypeName);
    expect(output).toContain('npm run compose');
  });

  it('fails when the supergraph file is missing', () => {
    const workspace = copyWorkspace();
    rmSync(workspace.supergraph);
    const result = checkSupergraph(workspace.config, workspace.supergraph);
    expect(result).toEqual({ status: 'stale', detail: expect.stringContaining('does not exist') });
  });

  it('lists each composition error with its code when subgraphs conflict', () => {
    const workspace = copyWorkspace();
    // The same value type in both subgraphs, not @shareable, with different field types.
    edit(workspace.schema('customer'), (text) => `${text}\ntype Money {\n  amount: Int!\n}\n`);
    edit(workspace.schema('reservation'), (text) => `${text}\ntype Money {\n  amount: String!\n}\n`);

    const { status, output } = runCheck(workspace);

    expect(status).not.toBe(0);
    expect(output).toMatch(
      /^ {2}- FIELD_TYPE_MISMATCH: Type of field "Money\.amount" is incompatible across subgraphs.*\(at subgraphs\/customer\/schema\.graphql:\d+:\d+/m,
    );
    expect(output).toMatch(/^ {2}- INVALID_FIELD_SHARING: Non-shareable field "Money\.amount"/m);
    expect(output).not.toMatch(/out of date/);
  });

  it('fails when federation_version does not match the installed composition', () => {
    const workspace = copyWorkspace();
    edit(workspace.config, (text) => text.replace(/^federation_version: .*$/m, 'federation_version: =2.9.0'));

    const { status, output } = runCheck(workspace);

    expect(status).not.toBe(0);
    expect(output).toContain('FEDERATION_VERSION_MISMATCH');
    expect(output).toContain(`federation_version: =${installedCompositionVersion()}`);
  });

  it('rejects a federation_version that is not an exact pin', () => {
    const workspace = copyWorkspace();
    edit(workspace.config, (text) => text.replace(/^federation_version: .*$/m, 'federation_version: 2'));
    const result = composeFromConfig(workspace.config);
    expect(result).toEqual({ errors: [expect.stringMatching(/^FEDERATION_VERSION_NOT_PINNED: /)] });
  });

  it('names the missing schema file', () => {
    const workspace = copyWorkspace();
    rmSync(workspace.schema('reservation'));
    const result = checkSupergraph(workspace.config, workspace.supergraph);
    expect(result).toEqual({
      status: 'failed',
      errors: [expect.stringMatching(/^SCHEMA_FILE_NOT_FOUND: subgraph "reservation" schema\.file \.\/subgraphs\/reservation\/schema\.graphql/)],
    });
  });

  it('resolves schema files relative to the yaml, not the working directory', () => {
    const workspace = copyWorkspace();
    edit(workspace.schema('customer'), addProbeType);
    const composed = composeFromConfig(workspace.config);
    if ('errors' in composed) throw new Error(composed.errors.join('\n'));
    expect(composed.supergraphSdl).toContain(`type ${probeTypeName}`);
  });
});
