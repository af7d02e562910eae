/**
 * Offline stand-in for `rover supergraph compose --config supergraph.yaml`.
 *
 * Rover's `supergraph` plugin is a thin wrapper over `composeServices()` from
 * `@apollo/composition`, which cannot be downloaded here; calling the library ourselves gives
 * the same supergraph SDL as long as the library version equals the yaml's `federation_version`.
 * That is why a version mismatch is an error rather than a warning: the committed file would
 * otherwise differ from what a teammate running rover gets.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { GraphQLError, Source, getLocation, parse, type DocumentNode } from 'graphql';
import { load as loadYaml } from 'js-yaml';

export interface SubgraphEntry {
  name: string;
  routingUrl: string;
  /** Absolute path; the yaml's relative paths are resolved against the yaml's folder, as rover does. */
  schemaPath: string;
}

export interface SupergraphConfig {
  configPath: string;
  federationVersion: string;
  subgraphs: SubgraphEntry[];
}

export type ConfigResult = { config: SupergraphConfig } | { errors: string[] };
export type ComposeResult = { supergraphSdl: string; hints: string[] } | { errors: string[] };
export type CheckResult =
  | { status: 'up-to-date' }
  /** `detail` reads as a predicate of the supergraph file: "<file> is out of date: ...". */
  | { status: 'stale'; detail: string }
  | { status: 'failed'; errors: string[] };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function installedCompositionVersion(): string {
  const manifestPath = require.resolve('@apollo/composition/package.json');
  const manifest: unknown = JSON.parse(readFileSync(manifestPath, 'utf8'));
  if (!isRecord(manifest) || typeof manifest.version !== 'string') {
    throw new Error(`${manifestPath} has no version field`);
  }
  return manifest.version;
}

/**
 * Rover accepts `=X.Y.Z` or `vX.Y.Z` as an exact pin; `2` / `latest-2` mean "newest 2.x", which
 * cannot be reproduced offline, so only exact pins are accepted here.
 */
function checkFederationVersion(raw: unknown, installed: string): string | undefined {
  const fix = `set \`federation_version: =${installed}\` (the installed @apollo/composition), or install the pinned version of @apollo/composition together with @apollo/gateway`;
  if (raw === undefined || raw === null) {
    return `FEDERATION_VERSION_MISSING: federation_version is not set; ${fix}`;
  }
  const text = String(raw).trim();
  const exact = /^[=v](\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)$/.exec(text);
  if (!exact) {
    return `FEDERATION_VERSION_NOT_PINNED: federation_version "${text}" is not an exact pin, so rover would pick whatever release is newest; ${fix}`;
  }
  if (exact[1] !== installed) {
    return `FEDERATION_VERSION_MISMATCH: federation_version "${text}" does not match the installed @apollo/composition ${installed}, so this script and rover would compose with different libraries; ${fix}`;
  }
  return undefined;
}

export function loadSupergraphConfig(configPath: string): ConfigResult {
  const absoluteConfig = path.resolve(configPath);
  if (!existsSync(absoluteConfig)) {
    return { errors: [`CONFIG_NOT_FOUND: ${absoluteConfig} does not exist`] };
  }
  let parsed: unknown;
  try {
    parsed = loadYaml(readFileSync(absoluteConfig, 'utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { errors: [`CONFIG_INVALID: ${absoluteConfig} is not valid YAML: ${reason}`] };
  }
  if (!isRecord(parsed)) {
    return { errors: [`CONFIG_INVALID: ${absoluteConfig} must be a mapping with federation_version and subgraphs`] };
  }

  // Collect every problem before returning so one run shows everything that needs fixing.
  const errors: string[] = [];
  const installed = installedCompositionVersion();
  const versionError = checkFederationVersion(parsed.federation_version, installed);
  if (versionError) errors.push(versionError);

  const baseDir = path.dirname(absoluteConfig);
  const subgraphs: SubgraphEntry[] = [];
  if (!isRecord(parsed.subgraphs) || Object.keys(parsed.subgraphs).length === 0) {
    errors.push('CONFIG_INVALID: `subgraphs` must map at least one subgraph name to its settings');
  } else {
    // Sorted like rover's BTreeMap so error order is stable regardless of yaml order.
    for (const name of Object.keys(parsed.subgraphs).sort()) {
      const entry = parsed.subgraphs[name];
      if (!isRecord(entry)) {
        errors.push(`CONFIG_INVALID: subgraph "${name}" must be a mapping with routing_url and schema`);
        continue;
      }
      const routingUrl = entry.routing_url;
      if (typeof routingUrl !== 'string' || routingUrl.trim() === '') {
        errors.push(`CONFIG_INVALID: subgraph "${name}" needs a routing_url (the URL the gateway sends operations to)`);
      }
      const schema = entry.schema;
      const file = isRecord(schema) ? schema.file : undefined;
      if (typeof file !== 'string' || file.trim() === '') {
        // subgraph_url and graphref need a network, which composition here never has.
        errors.push(`CONFIG_INVALID: subgraph "${name}" needs schema.file (subgraph_url and graphref sources are not supported offline)`);
        continue;
      }
      const schemaPath = path.resolve(baseDir, file);
      if (!existsSync(schemaPath)) {
        errors.push(`SCHEMA_FILE_NOT_FOUND: subgraph "${name}" schema.file ${file} does not exist (resolved to ${schemaPath})`);
        continue;
      }
      if (typeof routingUrl === 'string' && routingUrl.trim() !== '') {
        subgraphs.push({ name, routingUrl, schemaPath });
      }
    }
  }

  if (errors.length > 0) return { errors };
  return { config: { configPath: absoluteConfig, federationVersion: String(parsed.federation_version), subgraphs } };
}

function describeLocations(error: GraphQLError): string {
  const places = new Set<string>();
  for (const node of error.nodes ?? []) {
    if (!node.loc) continue;
    const { line, column } = getLocation(node.loc.source, node.loc.start);
    places.add(`${node.loc.source.name}:${line}:${column}`);
  }
  // Syntax errors carry a source and positions instead of nodes.
  if (places.size === 0 && error.source) {
    for (const { line, column } of error.locations ?? []) places.add(`${error.source.name}:${line}:${column}`);
  }
  return places.size > 0 ? ` (at ${[...places].join(', ')})` : '';
}

/** `CODE: message (at file:line:col)`, with continuation lines indented so each error starts its own line. */
export function formatCompositionError(error: GraphQLError): string {
  const rawCode = error.extensions.code;
  const code = typeof rawCode === 'string' ? rawCode : 'COMPOSITION_ERROR';
  const message = error.message.replace(/\n/g, '\n    ');
  return `${code}: ${message}${describeLocations(error)}`;
}

export function composeConfig(config: SupergraphConfig): ComposeResult {
  const baseDir = path.dirname(config.configPath);
  const services: { name: string; url: string; typeDefs: DocumentNode }[] = [];
  const errors: string[] = [];
  for (const subgraph of config.subgraphs) {
    // Naming the Source after the file makes composition errors point at file:line:col.
    const relative = path.relative(baseDir, subgraph.schemaPath).split(path.sep).join('/');
    const source = new Source(readFileSync(subgraph.schemaPath, 'utf8'), relative);
    try {
      services.push({ name: subgraph.name, url: subgraph.routingUrl, typeDefs: parse(source) });
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      // Same code rover's plugin reports for unparsable SDL.
      errors.push(`INVALID_GRAPHQL: [${subgraph.name}] ${error.message}${describeLocations(error)}`);
    }
  }
  if (errors.length > 0) return { errors };

  const result = composeServices(services);
  if (result.errors) {
    return { errors: result.errors.map(formatCompositionError) };
  }
  return { supergraphSdl: result.supergraphSdl, hints: result.hints.map((hint) => hint.toString()) };
}

export function composeFromConfig(configPath: string): ComposeResult {
  const loaded = loadSupergraphConfig(configPath);
  if ('errors' in loaded) return loaded;
  return composeConfig(loaded.config);
}

/**
 * Rover prints the SDL with `stdoutln!`, so `rover supergraph compose ... > supergraph.graphql`
 * leaves exactly one trailing newline. (`rover ... --output FILE` writes the SDL without it;
 * the redirect form is the one documented, so it is the one matched.)
 */
export function renderSupergraphFile(supergraphSdl: string): string {
  return `${supergraphSdl}\n`;
}

function describeDifference(expected: string, actual: string): string {
  if (expected.trimEnd() === actual.trimEnd()) {
    return 'only trailing whitespace differs (was it written with `rover --output`, which omits the final newline?)';
  }
  const expectedLines = expected.split('\n');
  const actualLines = actual.split('\n');
  const total = Math.max(expectedLines.length, actualLines.length);
  for (let index = 0; index < total; index += 1) {
    const want = expectedLines[index];
    const have = actualLines[index];
    if (want !== have) {
      const show = (line: string | undefined): string => (line === undefined ? '<end of file>' : JSON.stringify(line));
      return `first difference at line ${index + 1}: composition gives ${show(want)}, the file has ${show(have)}`;
    }
  }
  return 'contents differ';
}

export function checkSupergraph(configPath: string, supergraphPath: string): CheckResult {
  const composed = composeFromConfig(configPath);
  if ('errors' in composed) return { status: 'failed', errors: composed.errors };
  const absoluteSupergraph = path.resolve(supergraphPath);
  if (!existsSync(absoluteSupergraph)) {
    return { status: 'stale', detail: 'does not exist' };
  }
  const expected = renderSupergraphFile(composed.supergraphSdl);
  const actual = readFileSync(absoluteSupergraph, 'utf8');
  if (actual === expected) return { status: 'up-to-date' };
  return { status: 'stale', detail: `is out of date: ${describeDifference(expected, actual)}` };
}
