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
        contextType: '../context#ReservationContext',
        scalars: { DateTime: 'Date', Date: 'string', ID: 'string' },
        mappers: {
          Reservation: '../graphql-models#ReservationModel',
          ReservationConnection: '../graphql-models#ReservationConnectionModel',
          ReservationSettings: '../graphql-models#ReservationSettingsModel',
          AvailabilitySlot: '../graphql-models#AvailabilitySlotModel',
          Customer: '../graphql-models#CustomerModel',
        },
      },
    },
  },
};

export default config;
