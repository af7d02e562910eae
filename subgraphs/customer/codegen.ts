import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Resolver types from schema.graphql (`npm run generate`, also on `npm install`): the
 * resolvers are checked against the schema, so a renamed field or argument fails typecheck.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  silent: true,
  generates: {
    'src/generated/graphql.ts': {
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        federation: true,
        useTypeImports: true,
        enumsAsTypes: true,
        contextType: '../context#CustomerContext',
        scalars: { DateTime: 'Date', ID: 'string' },
        mappers: {
          Customer: '../graphql-models#CustomerModel',
          Category: '../graphql-models#CategoryModel',
          Product: '../graphql-models#ProductModel',
          CustomerConnection: '../graphql-models#CustomerConnectionModel',
          CategoryConnection: '../graphql-models#CategoryConnectionModel',
          ProductConnection: '../graphql-models#ProductConnectionModel',
        },
      },
    },
  },
};

export default config;
