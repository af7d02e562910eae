/**
 * Admission at the HTTP edge, from the headers alone: a tenant that spent its budget is refused
 * before its body is read (the same 429 as the pipeline's), a claim is believed only from a
 * verified token, and one tenant's requests take at most TENANT_MAX_IN_FLIGHT slots, the
 * next ones waiting unread, past TENANT_MAX_QUEUED refused, while other tenants go on.
 */
import net from 'node:net';
import type { IncomingMessage } from 'node:http';
import { SignJWT } from 'jose';
import { createLogger } from '@reservations/platform/logger';
import { parsePrometheusText } from '@reservations/test-support/prometheus';
import { startTestSupergraph, type TestSupergraph } from '@reservations/test-support/supergraph';
import { waitFor } from '@reservations/test-support/wait';
import { TenantAdmission } from '../src/edge/tenant-admission';
import { TenantBudgets } from '../src/security/tenant-budget';

const JWT_SECRET = 'edge-admission-secret-0123456789abcdef-01';
const COSTLY = JSON.stringify({ query: '{ customers(first: 50) { nodes { id } } }' });
const CHEAP = JSON.stringify({ query: '{ customers(first: 1) { totalCount } }' });

type Exposition = ReturnType<typeof parsePrometheusText>;

let supergraph: TestSupergraph;

beforeAll(async () => {
  supergraph = await startTestSupergraph('edge_admission', {
    env: {
      REDIS_ENABLED: 'false',
      JWT_SECRET,
      TENANT_COST_BUDGETS: JSON.stringify({ spender: 20 }),
      TENANT_MAX_IN_FLIGHT: '1',
      TENANT_MAX_QUEUED: '1',
      RATE_LIMITED_HOLD_MS: '0',
    },
  });
});

afterAll(async () => {
  await supergraph?.stop();
});

const post = (tenant: string, body: string, headers: Record<string, string> = {}) =>
  fetch(supergraph.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-tenant-id': tenant, ...headers }, body });

/** Sends a POST's headers and the first `sent` characters of its body; `finish()` sends the rest. `answer` is the raw response. */
function partialRequest(tenant: string, body: string, sent: number): { answer: Promise<string>; finish(): void } {
  const { hostname, port } = new URL(supergraph.gatewayUrl);
  const socket = net.connect({ host: hostname, port: Number(port) });
  let received = '';
  socket.setEncoding('utf8');
  socket.on('error', () => undefined);
  const answer = new Promise<string>((resolve) => {
    socket.on('data', (chunk: string) => {
      received += chunk;
      // Every GraphQL answer body ends with a newline: one response is all this client wants.
      if (/\r\n\r\n[\s\S]*\n$/.test(received)) {
        socket.destroy();
        resolve(received);
      }
    });
    socket.on('close', () => resolve(received));
  });
  socket.write(
    `POST /graphql HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nX-Tenant-Id: ${tenant}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, sent)}`,
  );
  return { answer, finish: () => socket.write(body.slice(sent)) };
}

async function metrics(): Promise<Exposition> {
  return parsePrometheusText(await (await fetch(new URL('/metrics', supergraph.gatewayUrl))).text());
}

function sample(exposition: Exposition, name: string, labels: Record<string, string>): number {
  const found = exposition.samples.find(
    (candidate) => candidate.name === name && Object.entries(labels).every(([key, value]) => candidate.labels[key] === value),
  );
  return found?.value ?? 0;
}

test('a tenant that spent its budget is refused before its body arrives, with the same 429 as the pipeline', async () => {
  const first = await post('spender', COSTLY);
  expect(first.status).toBe(429);
  const pipelineBody = (await first.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };

  // The headers only: the body never comes, the refusal does.
  const raw = await partialRequest('spender', COSTLY, 0).answer;
  expect(raw).toMatch(/^HTTP\/1\.1 429 /);
  const [head, body] = raw.split('\r\n\r\n') as [string, string];
  const headers = Object.fromEntries(
    head
      .split('\r\n')
      .slice(1)
      .map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
  );
  expect(headers).toMatchObject({
    'content-type': 'application/json; charset=utf-8',
    'ratelimit-policy': '"cost";q=20;w=60',
    ratelimit: expect.stringMatching(/^"cost";r=0;t=\d+$/),
    'retry-after': expect.stringMatching(/^\d+$/),
  });
  const early = JSON.parse(body) as typeof pipelineBody;
  expect(early).toEqual({
    errors: [
      {
        message: expect.stringMatching(/^The tenant's cost budget for this window is spent; retry after \d+ s$/),
        extensions: { code: 'RATE_LIMITED', retryAfterSeconds: Number(headers['retry-after']) },
      },
    ],
  });
  expect(Object.keys(early.errors[0]!.extensions)).toEqual(Object.keys(pipelineBody.errors[0]!.extensions));
});

test('a claim is believed only from a verified token: a forged one naming a spent tenant is 401, not its 429', async () => {
  await post('spender', COSTLY);
  const forged = await new SignJWT({ tenant: 'spender' })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode('not-the-gateway-secret-0123456789abcdef'));
  const response = await post('spender', CHEAP, { authorization: `Bearer ${forged}` });
  expect(response.status).toBe(401);
  expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
});

test("one tenant's requests past its in-flight slot wait unread, past its line are refused; other tenants go on", async () => {
  const before = await metrics();
  // Holds the tenant's only slot: admitted, its body still arriving.
  const holder = partialRequest('busy', CHEAP, 5);
  await waitFor(async () => sample(await metrics(), 'gateway_tenant_slot_requests', { state: 'in_flight' }) === 1);
  const waiting = post('busy', CHEAP);
  await waitFor(async () => sample(await metrics(), 'gateway_tenant_slot_requests', { state: 'waiting' }) === 1);

  const refused = await post('busy', CHEAP);
  expect(refused.status).toBe(429);
  expect(refused.headers.get('retry-after')).toBe('1');
  expect(((await refused.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('RATE_LIMITED');
  expect((await post('calm', CHEAP)).status).toBe(200);

  holder.finish();
  expect(await holder.answer).toMatch(/^HTTP\/1\.1 200 /);
  expect((await waiting).status).toBe(200);
  const refusals = (exposition: Exposition) => sample(exposition, 'http_requests_refused_total', { reason: 'tenant_concurrency' });
  expect(refusals(await metrics()) - refusals(before)).toBe(1);
  await waitFor(async () => sample(await metrics(), 'gateway_tenant_slot_requests', { state: 'in_flight' }) === 0);
});

test('a refusal to a spent tenant is held RATE_LIMITED_HOLD_MS, never past the end of its window', async () => {
  let now = 1_000_000;
  const budgets = new TenantBudgets({ defaultBudget: 5, windowSeconds: 3, overrides: {} }, null, createLogger('test', 'silent'), () => now);
  expect((await budgets.charge('t', 10))!.admitted).toBe(false);
  const request = { headers: {} } as IncomingMessage;
  const caller = Promise.resolve({ tenant: 't', identity: '', scope: '' });
  const brief = new TenantAdmission({ maxInFlight: 1, maxQueued: 0, refusalHoldMs: 1_000 }, budgets);
  expect(await brief.admit(request, { caller })).toMatchObject({ admitted: false, reason: 'rate_limited', holdMs: 1_000 });
  const patient = new TenantAdmission({ maxInFlight: 1, maxQueued: 0, refusalHoldMs: 10_000 }, budgets);
  expect(await patient.admit(request, { caller })).toMatchObject({ admitted: false, holdMs: 3_000 });
  now += 3_000;
  expect(await patient.admit(request, { caller })).toMatchObject({ admitted: true });
});
