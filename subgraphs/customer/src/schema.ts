import path from 'node:path';
import type { GraphQLSchema } from 'graphql';
import { withCacheMaxAge } from '@reservations/platform/graphql/cache-control';
import { buildSubgraphSchemaFromFile } from '@reservations/platform/subgraph/build-schema';
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
  return buildSubgraphSchemaFromFile(schemaPath, resolvers, (typeDefs) => withCacheMaxAge(typeDefs, catalogueCacheMaxAge));
}

/** The schema with the default cache max age. */
export const customerSchema = buildCustomerSchema({ catalogueCacheMaxAge: DEFAULT_CATALOGUE_CACHE_MAX_AGE });
