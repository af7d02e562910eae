import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ApolloServerPlugin, BaseContext, GraphQLRequest } from '@apollo/server';
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import { GraphQLError } from 'graphql';
import type { EnvReader } from '@reservations/platform/config';
import type { Logger } from '@reservations/platform/logger';

/**
 * Trusted documents (persisted query lists): the operations the product's own front-ends may
 * run, published as manifests by their builds (GraphQL Code Generator's client preset with
 * `persistedDocuments`, sha256). `off` runs anything; `allow-and-log` runs anything but logs and
 * counts documents nobody listed; `enforce` runs only listed documents, named by their hash.
 */
export type TrustedDocumentsMode = 'off' | 'allow-and-log' | 'enforce';
export const TRUSTED_DOCUMENTS_MODES: readonly TrustedDocumentsMode[] = ['off', 'allow-and-log', 'enforce'];

export interface TrustedDocumentsConfig {
  mode: TrustedDocumentsMode;
  /** A manifest file, or a directory whose `*.json` files are all manifests; null for none. */
  manifestPath: string | null;
  /** Also look hashes up in Redis (`trusted-documents` namespace), where front-end deploys publish. */
  fromRedis: boolean;
}

export const TrustedDocumentCode = {
  /** The hash names no listed document (enforce mode), or no document at all (`documentId`). */
  NotInList: 'PERSISTED_QUERY_NOT_IN_LIST',
  NotFound: 'PERSISTED_QUERY_NOT_FOUND',
  /** Enforce mode: a document was sent as text; send its hash instead. */
  IdRequired: 'PERSISTED_QUERY_ID_REQUIRED',
} as const;

export const TRUSTED_DOCUMENTS_NAMESPACE = 'trusted-documents';

export function readTrustedDocumentsConfig(reader: EnvReader): TrustedDocumentsConfig {
  const manifestPath = reader.optionalString('TRUSTED_DOCUMENTS_PATH');
  return {
    mode: reader.oneOf('TRUSTED_DOCUMENTS_MODE', TRUSTED_DOCUMENTS_MODES, 'off'),
    manifestPath: manifestPath ? path.resolve(manifestPath) : null,
    fromRedis: reader.bool('TRUSTED_DOCUMENTS_FROM_REDIS', false),
  };
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The client preset's own sha256 option writes `sha256:<hex>`; both forms name the same document. */
function plainHash(hash: string): string {
  return hash.startsWith('sha256:') ? hash.slice('sha256:'.length) : hash;
}

/**
 * A manifest is `{ "<sha256 of the document>": "<document>" }`. Every key must be the
 * document's sha256, so one hash means the same thing to the client, APQ and this list.
 */
export function parseManifest(json: string, source: string): Map<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error(`${source}: not valid JSON`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${source}: expected an object of hash -> document`);
  const documents = new Map<string, string>();
  for (const [key, document] of Object.entries(parsed)) {
    const hash = plainHash(key);
    if (typeof document !== 'string') throw new Error(`${source}: the entry ${hash} is not a document string`);
    if (sha256Hex(document) !== hash) {
      throw new Error(`${source}: the entry ${hash} is not the sha256 of its document (generate manifests with hashAlgorithm: 'sha256')`);
    }
    documents.set(hash, document);
  }
  return documents;
}

/** Every manifest at `manifestPath`: the file itself, or each `*.json` in the directory (sorted, not recursive). */
export function readManifests(manifestPath: string): Map<string, Map<string, string>> {
  const files = statSync(manifestPath).isDirectory()
    ? readdirSync(manifestPath)
        .filter((name) => name.endsWith('.json'))
        .sort()
        .map((name) => path.join(manifestPath, name))
    : [manifestPath];
  return new Map(files.map((file) => [file, parseManifest(readFileSync(file, 'utf8'), file)]));
}

/**
 * The listed documents: manifests read at start-up, and, when given, a shared store that
 * front-end deploys publish to (`npm run documents:publish`). A document found in the store
 * is kept in this process: a hash names one document forever.
 */
export class TrustedDocumentList {
  private readonly documents = new Map<string, string>();

  constructor(
    manifests: Iterable<Map<string, string>>,
    private readonly published: KeyValueCache<string> | null,
  ) {
    for (const manifest of manifests) for (const [hash, document] of manifest) this.documents.set(hash, document);
  }

  get size(): number {
    return this.documents.size;
  }

  async get(hash: string): Promise<string | undefined> {
    const known = this.documents.get(hash);
    if (known !== undefined || !this.published || !/^[0-9a-f]{64}$/.test(hash)) return known;
    const document = await this.published.get(hash);
    // A store is not trusted blindly either: the entry must be the document the hash names.
    if (document === undefined || sha256Hex(document) !== hash) return undefined;
    this.documents.set(hash, document);
    return document;
  }
}

/** How a request named its document: as text, by an APQ hash, or by a trusted-document id. */
export type DocumentForm = 'text' | 'apq' | 'id';

/**
 * The mode's decision on one document, given how it was named and whether the list holds it:
 * run it and count it as `listed` or `unlisted`, refuse it, or nothing to say (null: mode off,
 * the document not named by id). The one place the policy lives: the plugin applies it, and the
 * HTTP edge asks it before answering from the response cache.
 */
export function trustedDocumentVerdict(mode: TrustedDocumentsMode, form: DocumentForm, listed: boolean): 'listed' | 'unlisted' | 'refused' | null {
  // Enforced lists run documents named by hash only.
  if (mode === 'enforce' && form === 'text') return 'refused';
  if (listed) return mode === 'off' ? null : 'listed';
  // A documentId names a listed document or nothing; enforce runs listed documents only.
  if (form === 'id' || mode === 'enforce') return 'refused';
  return mode === 'off' ? null : 'unlisted';
}

/** The warning for a document nobody listed, the same from the pipeline and from a cache hit. */
export function logUnlisted(logger: Logger, queryHash: string, operationName: string | null): void {
  logger.warn({ queryHash, operationName }, 'ran a document that is not in the trusted documents list');
}

export interface TrustedDocumentsObserver {
  /** `listed`: ran a listed document; `unlisted`: ran one nobody listed; `refused`: refused (enforce). */
  document(result: 'listed' | 'unlisted' | 'refused'): void;
}

function refusal(code: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status: 400 } } });
}

/** The hash a request names its document by: Apollo's APQ extension, or the client preset's `documentId`. */
function documentIdOf(request: GraphQLRequest): { id: string; via: 'apq' | 'documentId' } | null {
  const apq = (request.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined)?.sha256Hash;
  if (typeof apq === 'string') return { id: plainHash(apq), via: 'apq' };
  const body = request.http?.body as { documentId?: unknown } | undefined;
  if (body && typeof body === 'object' && typeof body.documentId === 'string') return { id: plainHash(body.documentId), via: 'documentId' };
  const fromSearch = new URLSearchParams(request.http?.search ?? '').get('documentId');
  return fromSearch ? { id: plainHash(fromSearch), via: 'documentId' } : null;
}

/**
 * Resolves listed hashes to their documents before Apollo's APQ step sees the request, and
 * applies the mode. Apollo answers an error thrown from `requestDidStart` with a 500, so a
 * refused request has its document swapped for a trivial one (nothing of the caller's is
 * parsed, nothing is registered as APQ) and is refused in `didResolveOperation`, whose errors
 * Apollo answers as given. Install it first among the plugins, so its refusal is the one sent.
 */
export function trustedDocumentsPlugin<TContext extends BaseContext>(
  mode: TrustedDocumentsMode,
  list: TrustedDocumentList,
  logger: Logger,
  observer: TrustedDocumentsObserver,
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart({ request }) {
      const named = request.query === undefined ? documentIdOf(request) : null;
      const form: DocumentForm = named === null ? 'text' : named.via === 'apq' ? 'apq' : 'id';
      let listed = false;
      if (named) {
        const document = await list.get(named.id);
        if (document !== undefined) {
          request.query = document;
          // Listed documents are not APQ registrations: Apollo runs them as plain text.
          if (request.extensions) delete request.extensions.persistedQuery;
          listed = true;
        }
        // Otherwise an unknown APQ hash may be in Apollo's APQ cache (counted below).
      }
      // A text document's listing is known once Apollo hashed it; no mode refuses text for that.
      if (trustedDocumentVerdict(mode, form, listed) === 'refused') {
        const refused =
          form === 'text'
            ? refusal(
                TrustedDocumentCode.IdRequired,
                'Only trusted documents run here: send the document hash (extensions.persistedQuery.sha256Hash or documentId), not its text',
              )
            : mode === 'enforce'
              ? refusal(TrustedDocumentCode.NotInList, 'This operation is not in the list of trusted documents')
              : refusal(TrustedDocumentCode.NotFound, 'No document is listed under this documentId');
        observer.document('refused');
        request.query = '{ __typename }';
        request.operationName = undefined;
        if (request.extensions) delete request.extensions.persistedQuery;
        return {
          async didResolveOperation() {
            throw refused;
          },
        };
      }
      if (mode === 'off') return;
      return {
        async didResolveSource({ queryHash, request: resolved }) {
          const verdict = trustedDocumentVerdict(mode, form, listed || (await list.get(queryHash)) !== undefined);
          if (verdict === 'listed' || verdict === 'unlisted') observer.document(verdict);
          if (verdict === 'unlisted') logUnlisted(logger, queryHash, resolved.operationName ?? null);
        },
      };
    },
  };
}
