import http from 'node:http';
import https from 'node:https';
import type { FetcherHeaders, FetcherResponse } from '@apollo/utils.fetcher';

/** A subgraph attempt that ran out of time; `isTimeout` (platform http/timeout) recognises it. */
export class SubgraphTimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

const REQUEST_SENT = Symbol('requestSent');

/**
 * Whether a failed attempt had already handed its whole request to the network: then the
 * subgraph may have received and applied it, and only its answer is missing. Before that
 * (connection refused, a timeout while connecting) it cannot have.
 */
export function requestWasSent(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { [REQUEST_SENT]?: boolean })[REQUEST_SENT] === true;
}

/** A subgraph answered with more than the gateway will buffer; the rest was not read. */
export class SubgraphResponseTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`subgraph response exceeds ${maxBytes} bytes`);
  }
}

/** A subgraph's response headers, read-only: nothing downstream changes what a subgraph said. */
class ResponseHeaders implements FetcherHeaders {
  constructor(private readonly raw: http.IncomingHttpHeaders) {}

  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }

  has(name: string): boolean {
    return this.raw[name.toLowerCase()] !== undefined;
  }

  *entries(): IterableIterator<[string, string]> {
    for (const name of Object.keys(this.raw)) yield [name, this.get(name)!];
  }

  *keys(): IterableIterator<string> {
    for (const [name] of this.entries()) yield name;
  }

  *values(): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  append(): void {
    throw new TypeError('subgraph response headers are read-only');
  }

  delete(): void {
    throw new TypeError('subgraph response headers are read-only');
  }

  set(): void {
    throw new TypeError('subgraph response headers are read-only');
  }
}

/**
 * A subgraph's whole answer, already read: the attempt's timeout covered the body too, and
 * one answer can be handed to several waiting requests (see query deduplication), each
 * through its own `clone()`.
 */
export class SubgraphResponse implements FetcherResponse {
  readonly redirected = false;
  readonly headers: FetcherHeaders;
  readonly ok: boolean;
  private used = false;

  constructor(
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
    private readonly rawHeaders: http.IncomingHttpHeaders,
    private readonly body: Buffer,
  ) {
    this.headers = new ResponseHeaders(rawHeaders);
    this.ok = status >= 200 && status < 300;
  }

  get bodyUsed(): boolean {
    return this.used;
  }

  async text(): Promise<string> {
    this.used = true;
    return this.body.toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    this.used = true;
    return this.body.buffer.slice(this.body.byteOffset, this.body.byteOffset + this.body.byteLength) as ArrayBuffer;
  }

  clone(): SubgraphResponse {
    return new SubgraphResponse(this.url, this.status, this.statusText, this.rawHeaders, this.body);
  }
}

export interface SubgraphRequest {
  method: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

export type SubgraphTransport = (url: string, request: SubgraphRequest) => Promise<SubgraphResponse>;

/**
 * HTTP to one subgraph over node:http with kept-alive connections. Node's global `fetch`
 * (undici, WHATWG streams) costs several times the CPU per request of node:http on the
 * gateway's hot path (see docs/benchmarks.md); the gateway needs none of its generality.
 * Idle connections close a second before the subgraph's announced keep-alive timeout (Node's
 * agent honours `Keep-Alive: timeout=`), so a request rarely meets a connection the subgraph
 * is closing. A response is buffered whole (see SubgraphResponse), so at most `maxResponseBytes`
 * of it: past that, or when its Content-Length says so, the connection is dropped and the
 * attempt fails with SubgraphResponseTooLargeError instead of growing the gateway's memory.
 */
export function createSubgraphTransport(baseUrl: string, { maxResponseBytes }: { maxResponseBytes: number }): SubgraphTransport {
  const secure = new URL(baseUrl).protocol === 'https:';
  const agent = secure ? new https.Agent({ keepAlive: true, scheduling: 'lifo' }) : new http.Agent({ keepAlive: true, scheduling: 'lifo' });
  const request = secure ? https.request : http.request;

  return (url, { method, headers, body, timeoutMs }) =>
    new Promise<SubgraphResponse>((resolve, reject) => {
      const payload = Buffer.from(body, 'utf8');
      const outgoing = request(url, { method, agent, headers: { ...headers, 'content-length': String(payload.length) } }, (incoming) => {
        const chunks: Buffer[] = [];
        let received = Number(incoming.headers['content-length'] ?? 0);
        const refuse = (): void => {
          fail(new SubgraphResponseTooLargeError(maxResponseBytes));
          outgoing.destroy();
        };
        if (received > maxResponseBytes) return refuse();
        received = 0;
        incoming.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > maxResponseBytes) return refuse();
          chunks.push(chunk);
        });
        incoming.on('end', () => {
          clearTimeout(timer);
          resolve(new SubgraphResponse(url, incoming.statusCode ?? 0, incoming.statusMessage ?? '', incoming.headers, Buffer.concat(chunks)));
        });
        incoming.on('error', fail);
        // The subgraph hung up mid-body: no 'end' will come (settling twice is a no-op).
        incoming.on('close', () => {
          if (!incoming.complete) fail(new Error('subgraph closed the connection before the response was complete'));
        });
      });
      // 'finish': the request is written to the socket, no longer only queued in this process.
      let sent = false;
      outgoing.once('finish', () => (sent = true));
      function fail(error: Error): void {
        clearTimeout(timer);
        reject(Object.assign(error, { [REQUEST_SENT]: sent }));
      }
      const timer = setTimeout(() => outgoing.destroy(new SubgraphTimeoutError(`timed out after ${timeoutMs} ms`)), timeoutMs);
      outgoing.on('error', fail);
      outgoing.end(payload);
    });
}
