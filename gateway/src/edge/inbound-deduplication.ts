// Hand-written: it needs the gateway's verified caller and what the pipeline learnt of each
// operation; Hive's and others' equivalents live inside their own servers.
import { HeaderMap, type HTTPGraphQLResponse } from '@apollo/server';
import type { Caller } from '../security/caller-auth';
import type { EdgeOperation } from './graphql-request';
import { singleResultMediaType } from './media-type';
import type { EdgeRequest } from './request-state';

/** The leader's complete answer, as every identical request waiting on it receives it. */
export interface SharedAnswer {
  status: number;
  headers: [string, string][];
  body: string;
  /** The leader's state: its operation and outcome label the followers' metrics. */
  leader: EdgeRequest;
}

/**
 * Identical client queries in flight at the same moment run once: the first (the leader) goes
 * through the pipeline, the others wait for its answer and send it as their own (status,
 * headers and body; the content type follows each one's `accept`). Identical means the same
 * tenant, the same caller (its verified claims bar the token's times; in development, the
 * tenant header or the raw token), the same document (as sent: text, APQ or trusted-document
 * hash), operation name and variables. Callers only dedupe operations the pipeline found to be
 * queries; a follower whose leader failed without a complete answer runs on its own.
 */
export class InboundDeduplication {
  private readonly inFlight = new Map<string, Promise<SharedAnswer | null>>();

  /** `sharedFrom` is the leader's state when this request received the leader's answer. */
  async run(
    operation: EdgeOperation,
    caller: Caller,
    accept: string | undefined,
    state: EdgeRequest,
    run: () => Promise<HTTPGraphQLResponse>,
  ): Promise<{ response: HTTPGraphQLResponse; sharedFrom: EdgeRequest | null }> {
    const key = JSON.stringify([caller.tenant, caller.identity, operation.document, operation.operationName, operation.variables]);
    const leading = this.inFlight.get(key);
    if (leading !== undefined) {
      const shared = await leading;
      const mediaType = singleResultMediaType(accept);
      if (shared === null || mediaType === null) return { response: await run(), sharedFrom: null };
      const headers = new HeaderMap(shared.headers);
      headers.set('content-type', mediaType);
      return { response: { status: shared.status, headers, body: { kind: 'complete', string: shared.body } }, sharedFrom: shared.leader };
    }
    let settle!: (answer: SharedAnswer | null) => void;
    this.inFlight.set(key, new Promise((resolve) => (settle = resolve)));
    try {
      const response = await run();
      settle(
        response.body.kind === 'complete'
          ? { status: response.status ?? 200, headers: [...response.headers], body: response.body.string, leader: state }
          : null,
      );
      return { response, sharedFrom: null };
    } catch (error) {
      settle(null);
      throw error;
    } finally {
      this.inFlight.delete(key);
    }
  }
}
