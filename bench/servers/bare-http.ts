/**
 * Ceiling: the least a Node HTTP server can do for a GraphQL request — read the body, answer a
 * fixed `{ __typename }` result. What no GraphQL server on this machine can beat.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runService } from '@reservations/platform/http/run-service';
import { createLogger } from '@reservations/platform/logger';

const ANSWER = JSON.stringify({ data: { __typename: 'Query' } });

void runService('bare-http', createLogger('bare-http', process.env.LOG_LEVEL ?? 'warn'), async () => {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(ANSWER) }).end(ANSWER));
  });
  await new Promise<void>((resolve) => server.listen(0, process.env.HOST ?? '127.0.0.1', resolve));
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}/graphql`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
});
