import net from 'node:net';

export type SlowPart = 'headers' | 'body';

/**
 * A client that never finishes its request: it sends the start of a POST to /graphql, then one
 * byte of the headers (or, with complete headers, of a declared body) every `intervalMs`, for as
 * long as the server keeps the connection. Resolves with what the server sent once it closed the
 * connection; a server without timeouts never does, and the test times out.
 */
export function slowClient(url: string, part: SlowPart, intervalMs = 50): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise<string>((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    let received = '';
    let timer: NodeJS.Timeout | undefined;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve(received);
    });
    socket.on('connect', () => {
      const start = `POST /graphql HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\n`;
      socket.write(part === 'headers' ? `${start}X-Slow: ` : `${start}Content-Length: 100000\r\n\r\n{"query":"`);
      timer = setInterval(() => {
        if (!socket.destroyed) socket.write('a');
      }, intervalMs);
    });
    socket.setTimeout(120_000, () => {
      socket.destroy();
      reject(new Error('the server kept a slow client open'));
    });
  });
}

/** Opens a kept-alive connection, sends one complete request, and resolves once the server closes it. */
export function idleKeepAliveClient(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise<string>((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port) }, () => {
      socket.write(`GET /health HTTP/1.1\r\nHost: ${hostname}\r\nConnection: keep-alive\r\n\r\n`);
    });
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(received));
  });
}
