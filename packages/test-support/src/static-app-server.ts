// Hand-written: serves a built single-page app plus a /graphql proxy for one browser test;
// `vite preview` would mean another process and port to manage for the same two jobs.
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export interface StaticAppServer {
  url: string;
  close(): Promise<void>;
}

/** Files from `root` (unknown paths get index.html); POST /graphql is passed on to `graphqlUrl`. */
export async function serveStaticApp(root: string, graphqlUrl: string): Promise<StaticAppServer> {
  const server = http.createServer((req, res) => {
    const handle = async (): Promise<void> => {
      const pathname = new URL(req.url ?? '/', 'http://app').pathname;
      if (pathname === '/graphql') {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const headers: Record<string, string> = {};
        for (const [key, value] of Object.entries(req.headers)) {
          if (typeof value === 'string' && key !== 'host' && key !== 'connection' && key !== 'content-length') headers[key] = value;
        }
        const answer = await fetch(graphqlUrl, { method: req.method, headers, ...(req.method === 'POST' ? { body: Buffer.concat(chunks) } : {}) });
        res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
        res.end(Buffer.from(await answer.arrayBuffer()));
        return;
      }
      const file = path.join(root, path.normalize(pathname).replace(/^(\.\.[/\\])+/, ''));
      const target = path.extname(file) && file.startsWith(root) ? file : path.join(root, 'index.html');
      try {
        const body = await readFile(target);
        res.writeHead(200, { 'content-type': TYPES[path.extname(target)] ?? 'application/octet-stream' });
        res.end(body);
      } catch {
        res.writeHead(404).end();
      }
    };
    handle().catch(() => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
