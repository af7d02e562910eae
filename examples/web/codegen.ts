import { createHash } from 'node:crypto';
import type { CodegenConfig } from '@graphql-codegen/cli';
import { addTypenameSelectionDocumentTransform } from '@graphql-codegen/client-preset';

/**
 * Typed documents from the API schema, and the trusted-documents manifest the gateway loads
 * (src/gql/persisted-documents.json: sha256 -> document). `__typename` is added at build
 * time so the documents the gateway runs are exactly the ones Apollo's cache expects.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  // The operations in examples/operations are the app's only ones: one source for the app, the
  // examples' test and the manifest.
  documents: ['../operations/*.graphql'],
  ignoreNoDocuments: false,
  generates: {
    'src/gql/': {
      preset: 'client',
      config: {
        scalars: { DateTime: 'string', Date: 'string' },
        enumsAsTypes: true,
        useTypeImports: true,
      },
      presetConfig: {
        fragmentMasking: false,
        // Plain hex sha256 (the preset's 'sha256' writes `sha256:<hex>`): the hash APQ clients send too.
        persistedDocuments: { mode: 'embedHashInDocument', hashAlgorithm: (document: string) => createHash('sha256').update(document).digest('hex') },
      },
      documentTransforms: [addTypenameSelectionDocumentTransform],
    },
  },
};

export default config;
