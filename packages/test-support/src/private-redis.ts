import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createClient } from '@redis/client';
import { onFreePorts } from './net';
import { waitFor } from './wait';

/**
 * A redis-server of the test's own on a free loopback port (no persistence), for faults the
 * machine's shared Redis must never see: `hang` stops the process (SIGSTOP) with its
 * connections open, as a server that stops answering; `resume` lets it go on.
 */
export class PrivateRedis {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(): Promise<PrivateRedis> {
    return onFreePorts(1, ([port]) => PrivateRedis.startOn(port!));
  }

  /** Rejects (with redis-server's own words, e.g. "Address already in use") if it exits before answering. */
  private static async startOn(port: number): Promise<PrivateRedis> {
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = once(child, 'exit').then(() => {
      throw new Error(`redis-server on port ${port} exited before answering:\n${output}`);
    });
    const redis = new PrivateRedis(child, port);
    const answered = waitFor(async () => {
      const client = createClient({ url: redis.url, socket: { reconnectStrategy: false } });
      client.on('error', () => undefined);
      try {
        await client.connect();
        return (await client.ping()) === 'PONG';
      } finally {
        if (client.isOpen) client.destroy();
      }
    });
    try {
      await Promise.race([answered, exited]);
    } catch (error) {
      await redis.stop();
      throw error;
    }
    exited.catch(() => undefined);
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  hang(): void {
    this.child.kill('SIGSTOP');
  }

  resume(): void {
    this.child.kill('SIGCONT');
  }

  /** SIGKILL, as a crash: the server is gone at once, without saving or closing connections. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGKILL');
    await exited;
  }

  /** A new server on this one's port (after `kill` or `stop`), as a restarted Redis at the same address. */
  restart(): Promise<PrivateRedis> {
    return PrivateRedis.startOn(this.port);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.resume();
    this.child.kill('SIGTERM');
    await exited;
  }
}
