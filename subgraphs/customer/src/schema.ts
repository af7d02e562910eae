import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type GraphQLSchema } from 'graphql';
import { withCacheMaxAge } from '@reservations/platform/graphql/cache-control';
import { applyLengthDirective } from '@reservations/platform/graphql/length-directive';
import type { GraphQLResolverMap } from '@reservations/platform/subgraph/build-schema';
import { DEFAULT_CATALOGUE_CACHE_MAX_AGE } from './config';
import { resolvers } from './resolvers';

export const schemaPath = path.join(__dirname, '..', 'schema.graphql');

/**
 * The executable schema. The .graphql file's catalogue cache hints say the default max age
 * (300 s); every positive one becomes `catalogueCacheMaxAge` here, so CATALOGUE_CACHE_MAX_AGE
 * governs them all (0 turns catalogue caching off). The cache-control plugin Apollo Server
 * installs by default reads these hints and sets the Cache-Control header.
 */
export function buildCustomerSchema({ catalogueCacheMaxAge }: { catalogueCacheMaxAge: number }): GraphQLSchema {
  const typeDefs = withCacheMaxAge(parse(readFileSync(schemaPath, 'utf8')), catalogueCacheMaxAge);
  const schema = buildSubgraphSchema({ typeDefs, resolvers: resolvers as GraphQLResolverMap<unknown> });
  return applyLengthDirective(schema);
}

/** The schema with the default cache max age. */
export const customerSchema = buildCustomerSchema({ catalogueCacheMaxAge: DEFAULT_CATALOGUE_CACHE_MAX_AGE });
