import net from 'node:net';

/** One client connection and its connection to the target, with what a cut held back. */
interface Link {
  client: net.Socket;
  upstream: net.Socket | null;
  toUpstream: Buffer[];
  toClient: Buffer[];
}

/**
 * A TCP hop in front of a real server (Redis, PostgreSQL) that a test can cut like a network
 * partition: connections stay open, nothing passes either way (new connections are accepted
 * and held), and on `heal` what was sent meanwhile is delivered, in order, as TCP would after
 * retransmitting. `drop` instead closes every connection (a reset).
 */
export class TcpFaultProxy {
  /** Connections accepted so far. */
  accepted = 0;
  private cutOff = false;
  private readonly links = new Set<Link>();

  private constructor(
    private readonly server: net.Server,
    private readonly target: { host: string; port: number },
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpFaultProxy> {
    const server = net.createServer();
    const proxy = new TcpFaultProxy(server, target);
    server.on('connection', (socket) => proxy.accept(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** `redis://127.0.0.1:<port>` and the like, for clients that should go through the proxy. */
  url(protocol: string): string {
    return `${protocol}://127.0.0.1:${this.port}`;
  }

  cut(): void {
    this.cutOff = true;
  }

  heal(): void {
    this.cutOff = false;
    for (const link of this.links) {
      if (link.upstream === null) this.connectUpstream(link);
      else this.flush(link);
    }
  }

  drop(): void {
    for (const link of this.links) this.close(link);
  }

  async stop(): Promise<void> {
    this.drop();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private accept(client: net.Socket): void {
    this.accepted++;
    const link: Link = { client, upstream: null, toUpstream: [], toClient: [] };
    this.links.add(link);
    client.on('data', (chunk: Buffer) => {
      link.toUpstream.push(chunk);
      this.flush(link);
    });
    client.on('error', () => this.close(link));
    client.on('close', () => this.close(link));
    if (!this.cutOff) this.connectUpstream(link);
  }

  private connectUpstream(link: Link): void {
    const upstream = net.connect(this.target.port, this.target.host);
    link.upstream = upstream;
    upstream.on('connect', () => this.flush(link));
    upstream.on('data', (chunk: Buffer) => {
      link.toClient.push(chunk);
      this.flush(link);
    });
    upstream.on('error', () => this.close(link));
    upstream.on('close', () => this.close(link));
  }

  private flush(link: Link): void {
    if (this.cutOff) return;
    const { upstream } = link;
    if (upstream !== null && !upstream.connecting) {
      for (const chunk of link.toUpstream.splice(0)) upstream.write(chunk);
    }
    for (const chunk of link.toClient.splice(0)) link.client.write(chunk);
  }

  private close(link: Link): void {
    if (!this.links.delete(link)) return;
    link.client.destroy();
    link.upstream?.destroy();
  }
}
