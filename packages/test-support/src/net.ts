import net from 'node:net';

/**
 * Ports for listeners that cannot bind port 0 themselves. Picking a free port and binding it
 * later is a race: between the two, another test (or an outgoing connection's ephemeral port)
 * may take it. Listeners in this process bind port 0 and read the port back; a child process
 * that reports its URL (startServiceProcess) can do the same. Where a port must be known before
 * the listener starts, `onFreePorts` starts it again on other ports when it lost that race.
 */

/** Ports this process has handed out: never twice, so two helpers here never race each other. */
const handedOut = new Set<number>();

/**
 * A TCP port on loopback that nothing listens on right now, for an address that must not
 * answer (a dead dependency). To listen on one, use `onFreePorts`.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
}

/** Whether a start failed because its port was taken (Node's error code, or a child's output saying so). */
export function isAddressInUse(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === 'EADDRINUSE' || (typeof message === 'string' && /EADDRINUSE|address already in use/i.test(message));
}

/**
 * Runs `start` with `count` free ports; when it fails because one of them was taken in the
 * meantime, runs it again with new ones (up to `attempts` times). `start` must clean up what it
 * started before it throws.
 */
export async function onFreePorts<T>(count: number, start: (ports: number[]) => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) ports.push(await freePort());
    try {
      return await start(ports);
    } catch (error) {
      if (!isAddressInUse(error) || attempt >= attempts) throw error;
    }
  }
}
