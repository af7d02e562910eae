/**
 * Hand-written on purpose: the few lines of an orchestrator's load balancer that a rolling
 * restart depends on (readiness polling, round robin, retrying only what never reached an
 * instance), visible and controllable in a test, where an npm proxy would hide them.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ForwardedRequest {
  /** The instance (origin) it was sent to. */
  backend: string;
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

interface Backend {
  origin: string;
  /** From the last GET /ready: only ready instances get new requests. */
  ready: boolean;
}

/** Headers that describe one connection, never passed on (RFC 9110 section 7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer', 'host']);

function forwardable(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));
}

/**
 * Sent nowhere: the connection was refused, or a kept-alive connection was closed by the
 * instance before any response. The platform's servers close only idle connections, so such a
 * request never started and may go to another instance, even a mutation (as a proxy's
 * "retry on connection failure" does).
 */
function neverReachedInstance(error: NodeJS.ErrnoException, reusedSocket: boolean): boolean {
  if (error.code === 'ECONNREFUSED') return true;
  return reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE');
}

/**
 * Round robin over the instances whose GET /ready answered 200 at the last poll; keeps
 * connections to them alive; records what it forwarded, so a test can replay a captured
 * request elsewhere.
 */
export class LoadBalancer {
  readonly forwarded: ForwardedRequest[] = [];
  /** Requests an instance failed after they reached it (passed on to the client as failures). */
  readonly failures: string[] = [];
  private readonly backends: Backend[];
  private readonly agent = new http.Agent({ keepAlive: true });
  private next = 0;
  private poller: NodeJS.Timeout | undefined;

  private constructor(
    private readonly server: http.Server,
    origins: string[],
    /** Forwarded requests kept for replay (the newest). */
    private readonly keep: number,
  ) {
    this.backends = origins.map((origin) => ({ origin, ready: false }));
  }

  /** `origins` like `http://127.0.0.1:4000`; polls each one's /ready every `pollMs`. */
  static async start(origins: string[], { pollMs = 100, keep = 500 }: { pollMs?: number; keep?: number } = {}): Promise<LoadBalancer> {
    const server = http.createServer();
    const balancer = new LoadBalancer(server, origins, keep);
    server.on('request', (req, res) => void balancer.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    await balancer.poll();
    const loop = (): void => {
      balancer.poller = setTimeout(() => void balancer.poll().then(loop), pollMs);
    };
    loop();
    return balancer;
  }

  /** The balancer's address with `path` (default `/graphql`). */
  url(path = '/graphql'): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}${path}`;
  }

  /** Whether the balancer currently sends new requests to `origin`. */
  inRotation(origin: string): boolean {
    return this.backends.some((backend) => backend.origin === origin && backend.ready);
  }

  async stop(): Promise<void> {
    clearTimeout(this.poller);
    this.poller = undefined;
    this.agent.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async poll(): Promise<void> {
    await Promise.all(
      this.backends.map(async (backend) => {
        try {
          const response = await fetch(`${backend.origin}/ready`, { signal: AbortSignal.timeout(1_000) });
          await response.body?.cancel();
          backend.ready = response.status === 200;
        } catch {
          backend.ready = false;
        }
      }),
    );
  }

  /** Ready instances in round-robin order, then the others (a last resort, not a preference). */
  private candidates(): Backend[] {
    const start = this.next++;
    const rotated = this.backends.map((_, i) => this.backends[(start + i) % this.backends.length]!);
    return [...rotated.filter((backend) => backend.ready), ...rotated.filter((backend) => !backend.ready)];
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    for (const backend of this.candidates()) {
      const outcome = await this.forward(backend, req, body, res);
      if (outcome === 'answered') return;
      backend.ready = false;
    }
    this.failures.push(`${req.method} ${req.url}: no instance could take it`);
    res.writeHead(502, { 'content-type': 'text/plain' }).end('no instance could take the request');
  }

  private forward(backend: Backend, req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): Promise<'answered' | 'not sent'> {
    return new Promise((resolve) => {
      const outgoing = http.request(
        `${backend.origin}${req.url ?? '/'}`,
        { method: req.method, agent: this.agent, headers: { ...forwardable(req.headers), 'content-length': String(body.length) } },
        (incoming) => {
          this.record(backend, req, body);
          res.writeHead(incoming.statusCode ?? 502, forwardable(incoming.headers));
          incoming.pipe(res);
          // Cut mid-response: the client must see a failure, not a short answer.
          incoming.on('aborted', () => res.destroy());
          resolve('answered');
        },
      );
      outgoing.on('error', (error: NodeJS.ErrnoException) => {
        if (!res.headersSent && neverReachedInstance(error, outgoing.reusedSocket)) {
          resolve('not sent');
          return;
        }
        this.failures.push(
          `${req.method} ${req.url} to ${backend.origin}: ${error.code ?? error.message} (reused connection: ${outgoing.reusedSocket})`,
        );
        res.destroy(error);
        resolve('answered');
      });
      outgoing.end(body);
    });
  }

  private record(backend: Backend, req: http.IncomingMessage, body: Buffer): void {
    if (req.method !== 'POST') return;
    this.forwarded.push({ backend: backend.origin, method: req.method, path: req.url ?? '/', headers: req.headers, body: body.toString('utf8') });
    if (this.forwarded.length > this.keep) this.forwarded.shift();
  }
}
