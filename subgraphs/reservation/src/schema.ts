import path from 'node:path';
import { applyScalarInputChecks } from '@reservations/platform/graphql/scalar-input-errors';
import { buildSubgraphSchemaFromFile } from '@reservations/platform/subgraph/build-schema';
import { resolvers } from './resolvers';

export const schemaPath = path.join(__dirname, '..', 'schema.graphql');

/** DateTime and Date inputs are validated per field, so a bad one is BAD_USER_INPUT naming it. */
export const reservationSchema = applyScalarInputChecks(buildSubgraphSchemaFromFile(schemaPath, resolvers), ['DateTime', 'Date']);
