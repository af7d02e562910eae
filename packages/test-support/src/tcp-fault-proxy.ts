import net from 'node:net';

type TcpMode = 'forward' | 'refuse' | 'stall';

/** One client connection, its connection to the target, and what a partition held back. */
interface Link {
  client: net.Socket;
  /** Accepted in `stall` mode: never connected, not even by `heal()`. */
  stalled: boolean;
  upstream: net.Socket | null;
  toUpstream: Buffer[];
  toClient: Buffer[];
}

/**
 * A TCP hop in front of a real server (PostgreSQL, Redis) that a test can break. For new
 * connections, `forward` passes bytes both ways; `refuse` closes them at once (a server that
 * is down); `stall` accepts them and never answers (a server that hangs). `cut()` drops every
 * open connection (a failover, or a partition TCP gave up on). `partition()` is a network cut
 * that connections survive: they stay open, nothing passes either way, new connections are
 * accepted and held; `heal()` then delivers what was sent meanwhile, in order, as TCP would
 * after retransmitting. Loopback only.
 */
export class TcpFaultProxy {
  mode: TcpMode = 'forward';
  /** Connections accepted so far. */
  accepted = 0;
  private partitioned = false;
  private readonly links = new Set<Link>();

  private constructor(
    private readonly server: net.Server,
    private readonly target: { host: string; port: number },
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpFaultProxy> {
    const server = net.createServer();
    const proxy = new TcpFaultProxy(server, target);
    server.on('connection', (client) => proxy.accept(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** `url` (a PostgreSQL or Redis URL) with host and port replaced by this proxy's. */
  rewrite(url: string): string {
    const rewritten = new URL(url);
    rewritten.hostname = '127.0.0.1';
    rewritten.port = String(this.port);
    return rewritten.toString();
  }

  /** Drops every connection open now, both sides. */
  cut(): void {
    for (const link of this.links) this.close(link);
  }

  partition(): void {
    this.partitioned = true;
  }

  heal(): void {
    this.partitioned = false;
    for (const link of this.links) {
      if (link.stalled) continue;
      if (link.upstream === null) this.connectUpstream(link);
      else this.flush(link);
    }
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private accept(client: net.Socket): void {
    this.accepted++;
    if (this.mode === 'refuse') {
      client.destroy();
      return;
    }
    const link: Link = { client, stalled: this.mode === 'stall', upstream: null, toUpstream: [], toClient: [] };
    this.links.add(link);
    client.on('error', () => this.close(link));
    client.on('close', () => this.close(link));
    if (link.stalled) return;
    client.on('data', (chunk: Buffer) => {
      link.toUpstream.push(chunk);
      this.flush(link);
    });
    if (!this.partitioned) this.connectUpstream(link);
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
    if (this.partitioned) return;
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
