import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface SeenRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  at: number;
}

type Mode = 'forward' | 'hang' | 'down' | 'lose-answer';

/**
 * A real HTTP hop in front of a real subgraph that tests can make flaky, slow or dead:
 * forward normally, answer scripted failures, hang without answering, reset connections, or
 * (`lose-answer`) pass the request on and drop the connection once the subgraph has answered,
 * as a subgraph that dies right after committing would.
 */
export class FaultProxy {
  readonly requests: SeenRequest[] = [];
  mode: Mode = 'forward';
  /** In forward mode, how long each request waits before it is passed on (a slow subgraph). */
  delayMs = 0;
  private readonly scripted: { status: number; headers: Record<string, string>; body: string }[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly forwarding = new Set<Promise<unknown>>();

  private constructor(
    private readonly server: http.Server,
    private readonly target: URL,
  ) {}

  static async start(targetGraphqlUrl: string): Promise<FaultProxy> {
    const server = http.createServer();
    const proxy = new FaultProxy(server, new URL(targetGraphqlUrl));
    server.on('connection', (socket) => {
      proxy.sockets.add(socket);
      socket.on('close', () => proxy.sockets.delete(socket));
    });
    server.on('request', (req, res) => void proxy.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}${this.target.pathname}`;
  }

  /**
   * The next `count` requests get `status` (with `headers` and `body`, plain text unless
   * `headers` say otherwise) instead of reaching the subgraph.
   */
  failNext(count: number, status = 503, headers: Record<string, string> = {}, body = 'scripted failure'): void {
    for (let i = 0; i < count; i++) this.scripted.push({ status, headers, body });
  }

  /** Resolves once the subgraph has answered every request passed on so far (delays included). */
  async settled(): Promise<void> {
    while (this.forwarding.size > 0) await Promise.allSettled([...this.forwarding]);
  }

  graphqlRequests(): SeenRequest[] {
    return this.requests.filter((request) => request.method === 'POST');
  }

  reset(): void {
    this.requests.length = 0;
    this.scripted.length = 0;
    this.mode = 'forward';
    this.delayMs = 0;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (this.mode === 'down') {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    this.requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body, at: Date.now() });
    if (this.mode === 'hang') return;
    const scripted = req.method === 'POST' ? this.scripted.shift() : undefined;
    if (scripted) {
      res.writeHead(scripted.status, { 'content-type': 'text/plain', ...scripted.headers }).end(scripted.body);
      return;
    }
    const forwarded = this.forward(req, body, res);
    this.forwarding.add(forwarded);
    await forwarded.finally(() => this.forwarding.delete(forwarded));
  }

  private async forward(req: http.IncomingMessage, body: string, res: http.ServerResponse): Promise<void> {
    const loseAnswer = this.mode === 'lose-answer' && req.method === 'POST';
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string' && name !== 'host' && name !== 'content-length' && name !== 'connection') headers[name] = value;
    }
    const upstream = await fetch(new URL(req.url ?? '/', this.target), {
      method: req.method,
      headers,
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
    });
    if (loseAnswer) {
      await upstream.arrayBuffer();
      res.socket?.destroy();
      return;
    }
    const responseHeaders: Record<string, string> = {};
    upstream.headers.forEach((value, name) => {
      if (name !== 'content-length' && name !== 'content-encoding' && name !== 'transfer-encoding' && name !== 'connection')
        responseHeaders[name] = value;
    });
    res.writeHead(upstream.status, responseHeaders).end(Buffer.from(await upstream.arrayBuffer()));
  }
}
