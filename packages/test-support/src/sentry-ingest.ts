import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, inflateSync } from 'node:zlib';

export interface EnvelopeItem {
  /** The item header: `type` is event, span, transaction, session(s), profile_chunk, ... */
  header: { type: string; [key: string]: unknown };
  payload: unknown;
}

export interface Envelope {
  header: Record<string, unknown>;
  items: EnvelopeItem[];
  /** The whole body as received (decompressed), to search for data that must not leave. */
  raw: string;
}

/** Splits a Sentry envelope: a header line, then per item a header line and a payload (`length` bytes, or up to the next newline). */
export function parseEnvelope(body: Buffer): Envelope {
  let offset = 0;
  const line = (): Buffer => {
    const end = body.indexOf(0x0a, offset);
    const slice = body.subarray(offset, end === -1 ? body.length : end);
    offset = end === -1 ? body.length : end + 1;
    return slice;
  };
  const header = JSON.parse(line().toString('utf8')) as Record<string, unknown>;
  const items: EnvelopeItem[] = [];
  while (offset < body.length) {
    const headerLine = line();
    if (headerLine.length === 0) continue;
    const itemHeader = JSON.parse(headerLine.toString('utf8')) as EnvelopeItem['header'];
    let payload: Buffer;
    if (typeof itemHeader.length === 'number') {
      payload = body.subarray(offset, offset + itemHeader.length);
      offset += itemHeader.length + 1;
    } else {
      payload = line();
    }
    const text = payload.toString('utf8');
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Attachments and other binary items stay text.
    }
    items.push({ header: itemHeader, payload: parsed });
  }
  return { header, items, raw: body.toString('utf8') };
}

/**
 * A local stand-in for Sentry's ingestion endpoint: accepts what SDKs post to
 * `/api/<project>/envelope/` and keeps it for assertions. Point a DSN at `dsn`.
 */
export class FakeSentry {
  readonly envelopes: Envelope[] = [];
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<FakeSentry> {
    const server = http.createServer();
    const fake = new FakeSentry(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        let body = Buffer.concat(chunks);
        const encoding = req.headers['content-encoding'];
        if (encoding === 'gzip') body = gunzipSync(body);
        else if (encoding === 'deflate') body = inflateSync(body);
        if (req.method === 'POST' && /^\/api\/\d+\/envelope\/?/.test(req.url ?? '')) {
          fake.envelopes.push(parseEnvelope(body));
          for (const wake of fake.waiters) wake();
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get dsn(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://publickey@127.0.0.1:${port}/1`;
  }

  items(type: string): EnvelopeItem[] {
    return this.envelopes.flatMap((envelope) => envelope.items.filter((item) => item.header.type === type));
  }

  /** Error events (not transactions, sessions or spans). */
  events(): Record<string, unknown>[] {
    return this.items('event').map((item) => item.payload as Record<string, unknown>);
  }

  /** Streamed spans (`span` items hold a batch each). */
  spans(): Record<string, unknown>[] {
    return this.items('span').flatMap((item) => (item.payload as { items?: Record<string, unknown>[] }).items ?? []);
  }

  /** Resolves once `check` holds for what has arrived, or rejects after `timeoutMs`. */
  async waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
    if (check()) return;
    await new Promise<void>((resolve, reject) => {
      const wake = (): void => {
        if (!check()) return;
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(new Error(`Sentry stand-in: condition not met within ${timeoutMs} ms (${this.envelopes.length} envelopes received)`));
      }, timeoutMs);
      this.waiters.add(wake);
    });
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
