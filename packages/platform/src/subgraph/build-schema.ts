import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { applyLengthDirective } from '../graphql/length-directive';

export type { GraphQLResolverMap };

/**
 * Builds a subgraph's executable schema from its .graphql file (an absolute path).
 * `transform` rewrites the parsed document first, for settings the file can only show at
 * their default (e.g. cache max ages).
 */
export function buildSubgraphSchemaFromFile<TContext>(
  schemaPath: string,
  resolvers: GraphQLResolverMap<TContext>,
  transform: (document: DocumentNode) => DocumentNode = (document) => document,
): GraphQLSchema {
  const typeDefs = transform(parse(readFileSync(schemaPath, 'utf8')));
  const schema = buildSubgraphSchema({ typeDefs, resolvers: resolvers as GraphQLResolverMap<unknown> });
  return applyLengthDirective(schema);
}
