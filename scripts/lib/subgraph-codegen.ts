import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * A subgraph's resolver types from its schema.graphql (`npm run generate`, also on
 * `npm install`): the resolvers are checked against the schema, so a renamed field or argument
 * fails typecheck. Each subgraph names its context type, its custom scalars and the models
 * its resolvers return (mappers); everything else is the same for all of them.
 */
export function subgraphCodegen(options: { contextType: string; scalars: Record<string, string>; mappers: Record<string, string> }): CodegenConfig {
  return {
    schema: 'schema.graphql',
    silent: true,
    generates: {
      'src/generated/graphql.ts': {
        plugins: ['typescript', 'typescript-resolvers'],
        config: {
          federation: true,
          useTypeImports: true,
          enumsAsTypes: true,
          contextType: options.contextType,
          scalars: { ID: 'string', ...options.scalars },
          mappers: options.mappers,
        },
      },
    },
  };
}
