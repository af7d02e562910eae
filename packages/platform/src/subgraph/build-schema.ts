import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { applyLengthDirective } from '../graphql/length-directive';

/** The resolver map `buildSubgraphSchema` takes, named from its public signature. */
type ApolloResolverMap = NonNullable<Extract<Parameters<typeof buildSubgraphSchema>[0], { typeDefs: DocumentNode }>['resolvers']>;

/**
 * Builds a subgraph's executable schema from its .graphql file (an absolute path).
 * `resolvers` is the subgraph's map typed by its generated `Resolvers` (GraphQL Code
 * Generator, checked against the same file). Apollo's own map type cannot describe
 * `__resolveReference(reference, context, info)`, so the two meet here, once.
 * `transform` rewrites the parsed document first, for settings the file can only show at
 * their default (e.g. cache max ages).
 */
export function buildSubgraphSchemaFromFile(
  schemaPath: string,
  resolvers: object,
  transform: (document: DocumentNode) => DocumentNode = (document) => document,
): GraphQLSchema {
  const typeDefs = transform(parse(readFileSync(schemaPath, 'utf8')));
  const schema = buildSubgraphSchema({ typeDefs, resolvers: resolvers as ApolloResolverMap });
  return applyLengthDirective(schema);
}
