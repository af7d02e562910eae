import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse, type GraphQLSchema } from 'graphql';
import { applyLengthDirective } from '../graphql/length-directive';

export type { GraphQLResolverMap };

/** Builds a subgraph's executable schema from its .graphql file (an absolute path). */
export function buildSubgraphSchemaFromFile<TContext>(schemaPath: string, resolvers: GraphQLResolverMap<TContext>): GraphQLSchema {
  const typeDefs = parse(readFileSync(schemaPath, 'utf8'));
  const schema = buildSubgraphSchema({ typeDefs, resolvers: resolvers as GraphQLResolverMap<unknown> });
  return applyLengthDirective(schema);
}
