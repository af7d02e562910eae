import path from 'node:path';
import { buildSubgraphSchemaFromFile } from '@reservations/platform/subgraph/build-schema';
import { resolvers } from './resolvers';

export const schemaPath = path.join(__dirname, '..', 'schema.graphql');

export const customerSchema = buildSubgraphSchemaFromFile(schemaPath, resolvers);
