/**
 * Scenario 9's four subgraphs in one process, one path each (`/accounts`, `/products`,
 * `/inventory`, `/reviews`), over node:http and graphql-js alone: a fixture the gateways
 * share, kept as cheap as possible (each document parsed and validated once) so the
 * gateways' own work decides the scenario.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { execute, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { runService } from '@reservations/platform/http/run-service';
import { createLogger } from '@reservations/platform/logger';
import { HEAVY_SUBGRAPHS, heavySubgraphSchemas, type HeavySubgraph } from '../heavy/subgraphs';

interface GraphQLRequestBody {
  query?: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

const schemas = heavySubgraphSchemas();
// Gateways send a handful of distinct documents, again and again.
const documents = new Map<string, DocumentNode | Error>();

function documentFor(subgraph: HeavySubgraph, schema: GraphQLSchema, query: string): DocumentNode | Error {
  const key = `${subgraph}\n${query}`;
  let document = documents.get(key);
  if (document === undefined) {
    try {
      const parsed = parse(query);
      const errors = validate(schema, parsed);
      document = errors.length > 0 ? new Error(errors.map((error) => error.message).join('; ')) : parsed;
    } catch (error) {
      document = error as Error;
    }
    documents.set(key, document);
  }
  return document;
}

function answer(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const path = (req.url ?? '').slice(1).split('?')[0];
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  // What a gateway probes before it reports ready.
  if (req.method === 'GET' && (path === 'ready' || path === 'health')) return answer(res, 200, { status: 'ok' });
  const subgraph = HEAVY_SUBGRAPHS.find((name) => name === path);
  if (req.method !== 'POST' || subgraph === undefined) return answer(res, 404, { errors: [{ message: 'not found' }] });
  const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as GraphQLRequestBody;
  const schema = schemas[subgraph];
  const document = documentFor(subgraph, schema, body.query ?? '');
  if (document instanceof Error) return answer(res, 400, { errors: [{ message: document.message }] });
  const result = await execute({ schema, document, variableValues: body.variables, operationName: body.operationName });
  answer(res, 200, result);
}

void runService('heavy-subgraphs', createLogger('heavy-subgraphs', process.env.LOG_LEVEL ?? 'warn'), async () => {
  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => answer(res, 500, { errors: [{ message: String(error) }] }));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, process.env.HOST ?? '127.0.0.1', resolve));
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
});
