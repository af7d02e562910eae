import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { findBreakingChanges, findDangerousChanges, parse, validate, type GraphQLSchema } from 'graphql';
import { readManifests } from '@reservations/gateway/security/trusted-documents';
import { loadSupergraphConfig } from './supergraph';

/**
 * Schema checks in the spirit of `rover subgraph check`: each subgraph's schema and the
 * supergraph's API schema are compared with a committed baseline (the schemas clients were
 * last promised). Breaking changes fail the check until they are acknowledged by
 * accepting them into the baseline, a change reviewers see in the diff.
 */

export interface SchemaComparison {
  /** `customer`, `reservation`, or `supergraph` (the API schema clients query). */
  name: string;
  breaking: string[];
  dangerous: string[];
  /** True when there is no baseline yet for this schema (nothing to compare). */
  newSchema: boolean;
}

export interface SchemaCheckInputs {
  configPath: string;
  supergraphPath: string;
  baselineDir: string;
  /** Trusted-document manifests of shipped clients (files or directories); their operations must stay valid. */
  manifestPaths?: string[];
}

interface SchemaSource {
  name: string;
  currentSdl: string;
  baselineFile: string;
  build(sdl: string): GraphQLSchema;
}

function subgraphSchema(sdl: string): GraphQLSchema {
  return buildSubgraphSchema({ typeDefs: parse(sdl) });
}

function apiSchema(supergraphSdl: string): GraphQLSchema {
  return Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
}

function sources(inputs: SchemaCheckInputs): SchemaSource[] {
  const loaded = loadSupergraphConfig(inputs.configPath);
  if ('errors' in loaded) throw new Error(loaded.errors.join('\n'));
  return [
    ...loaded.config.subgraphs.map((subgraph) => ({
      name: subgraph.name,
      currentSdl: readFileSync(subgraph.schemaPath, 'utf8'),
      baselineFile: path.join(inputs.baselineDir, `${subgraph.name}.graphql`),
      build: subgraphSchema,
    })),
    {
      name: 'supergraph',
      currentSdl: readFileSync(inputs.supergraphPath, 'utf8'),
      baselineFile: path.join(inputs.baselineDir, 'supergraph.graphql'),
      build: apiSchema,
    },
  ];
}

/**
 * Each manifest's operations validated against the new API schema: a change that breaks an
 * operation a shipped client sends fails here even if the baseline was accepted.
 */
function checkManifests(inputs: SchemaCheckInputs): SchemaComparison[] {
  if (!inputs.manifestPaths?.length) return [];
  const schema = apiSchema(readFileSync(inputs.supergraphPath, 'utf8'));
  return inputs.manifestPaths.flatMap((manifestPath) =>
    [...readManifests(manifestPath)].map(([file, documents]) => ({
      name: `operations in ${path.relative(process.cwd(), file)}`,
      breaking: [...documents].flatMap(([hash, document]) => {
        const operation = /\b(?:query|mutation|subscription)\s+(\w+)/.exec(document)?.[1] ?? hash.slice(0, 12);
        return validate(schema, parse(document)).map((error) => `OPERATION_BROKEN: ${operation}: ${error.message}`);
      }),
      dangerous: [],
      newSchema: false,
    })),
  );
}

export function checkSchemas(inputs: SchemaCheckInputs): SchemaComparison[] {
  return [...compareWithBaseline(inputs), ...checkManifests(inputs)];
}

function compareWithBaseline(inputs: SchemaCheckInputs): SchemaComparison[] {
  return sources(inputs).map((source) => {
    if (!existsSync(source.baselineFile)) return { name: source.name, breaking: [], dangerous: [], newSchema: true };
    const before = source.build(readFileSync(source.baselineFile, 'utf8'));
    const after = source.build(source.currentSdl);
    return {
      name: source.name,
      breaking: findBreakingChanges(before, after).map((change) => `${change.type}: ${change.description}`),
      dangerous: findDangerousChanges(before, after).map((change) => `${change.type}: ${change.description}`),
      newSchema: false,
    };
  });
}

/** Makes the current schemas the new baseline: this is how a breaking change is acknowledged. */
export function acceptSchemas(inputs: SchemaCheckInputs): string[] {
  mkdirSync(inputs.baselineDir, { recursive: true });
  return sources(inputs).map((source) => {
    writeFileSync(source.baselineFile, source.currentSdl);
    return source.baselineFile;
  });
}

export function formatReport(comparisons: SchemaComparison[]): string {
  const lines: string[] = [];
  for (const comparison of comparisons) {
    if (comparison.newSchema) {
      lines.push(`${comparison.name}: no baseline yet (run npm run schema:accept)`);
      continue;
    }
    const verdict = comparison.breaking.length > 0 ? `${comparison.breaking.length} breaking change(s)` : 'no breaking changes';
    lines.push(`${comparison.name}: ${verdict}${comparison.dangerous.length ? `, ${comparison.dangerous.length} to review` : ''}`);
    for (const change of comparison.breaking) lines.push(`  ✗ ${change}`);
    for (const change of comparison.dangerous) lines.push(`  ! ${change}`);
  }
  return lines.join('\n');
}
