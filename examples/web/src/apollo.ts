import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { getOperationAST, type DocumentNode } from 'graphql';
import * as documents from './gql/graphql';

/**
 * The tenant header is how the gateway picks the tenant in development; production sends a
 * bearer token with a tenant claim instead.
 */
export const TENANT = import.meta.env.VITE_TENANT_ID ?? 'demo';

/**
 * A production build sends only the hash of each operation: the gateway runs the document it
 * has listed under that hash (trusted documents, src/gql/persisted-documents.json). The dev
 * server sends full documents, so operations can change without publishing a manifest.
 */
/**
 * The hash the client preset embedded in each generated document (`__meta__`), by operation
 * name: Apollo Client hands the link a transformed copy of the document, without `__meta__`.
 * Operation names are unique in the app (codegen refuses duplicates).
 */
const hashes = new Map<string, string>();
for (const document of Object.values(documents) as unknown[]) {
  const hash = (document as { __meta__?: { hash?: unknown } } | null)?.__meta__?.hash;
  const name = typeof hash === 'string' ? getOperationAST(document as DocumentNode)?.name?.value : undefined;
  if (name && typeof hash === 'string') hashes.set(name, hash);
}

function hashOf(document: DocumentNode): string {
  const name = getOperationAST(document)?.name?.value;
  const hash = name ? hashes.get(name) : undefined;
  if (!hash) throw new Error(`Operation ${name ?? '(anonymous)'} is not a generated document: write it with graphql() from src/gql`);
  return hash;
}

const http = new HttpLink({ uri: '/graphql', headers: { 'x-tenant-id': TENANT } });

declare module '@apollo/client' {
  export namespace ApolloClient {
    export namespace DeclareDefaultOptions {
      interface WatchQuery {
        errorPolicy: 'all';
      }
      interface Query {
        errorPolicy: 'all';
      }
    }
  }
}

export const client = new ApolloClient({
  link: import.meta.env.PROD ? ApolloLink.from([new PersistedQueryLink({ generateHash: hashOf }), http]) : http,
  cache: new InMemoryCache(),
  // Partial answers (one subgraph down) are shown, with the error beside them.
  defaultOptions: { watchQuery: { errorPolicy: 'all' }, query: { errorPolicy: 'all' } },
});
