import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { graphqlData } from '@reservations/test-support/graphql';
import { freePort } from '@reservations/test-support/net';
import { serveStaticApp, type StaticAppServer } from '@reservations/test-support/static-app-server';
import { startTestGateway, startTestSupergraph, type TestSupergraph } from '@reservations/test-support/supergraph';
import type { StartedGateway } from '@reservations/gateway/server';

/**
 * The example web app (examples/web), built for production, in Debian's headless Chromium
 * against the real supergraph. The gateway enforces trusted documents with the manifest the
 * app's build wrote, so every operation the app sends must be one it shipped.
 */
const ROOT = path.resolve(__dirname, '..');
const WEB = path.join(ROOT, 'examples/web');
const ARTIFACTS = path.resolve(ROOT, process.env.CI_LOG_DIR ?? '.ci/logs');
const TENANT = 'demo'; // what the app sends in development builds (VITE_TENANT_ID unset)

/** Debian's chromium; missing means the run fails (`.ci/run` installs it), never skips. */
function chromiumPath(): string {
  const found = spawnSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).stdout.trim();
  if (!found) throw new Error('chromium is not installed: apt-get install -y chromium (.ci/run does this)');
  return found;
}

let supergraph: TestSupergraph;
let gateway: StartedGateway;
let app: StaticAppServer;
const alsoStop: { stop(): Promise<void> }[] = [];
let browser: Browser;
let outDir: string;

const ENFORCING = { TRUSTED_DOCUMENTS_MODE: 'enforce', TRUSTED_DOCUMENTS_PATH: path.join(WEB, 'src/gql/persisted-documents.json') };

const CREATE_CUSTOMER = 'mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }';

async function customer(name: string, email: string): Promise<string> {
  const data = await graphqlData<{ createCustomer: { customer: { id: string } } }>(supergraph.customer.url, CREATE_CUSTOMER, {
    tenant: TENANT,
    variables: { input: { name, email } },
  });
  return data.createCustomer.customer.id;
}

beforeAll(async () => {
  const executablePath = chromiumPath();
  outDir = mkdtempSync(path.join(tmpdir(), 'web-app-'));
  // The app as shipped: vite's production build (hash-only requests).
  execFileSync(
    process.execPath,
    [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'],
    {
      cwd: WEB,
      stdio: 'inherit',
      // jest sets NODE_ENV=test, which would make vite build a development bundle.
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  supergraph = await startTestSupergraph('web_e2e');
  gateway = await startTestGateway({ customer: supergraph.customer.url, reservation: supergraph.reservation.url }, ENFORCING);
  app = await serveStaticApp(outDir, gateway.url);
  browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

afterAll(async () => {
  for (const started of alsoStop) await started.stop();
  await browser?.close();
  await app?.close();
  await gateway?.stop();
  await supergraph?.stop();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

/** Request bodies the page sends to /graphql while `action` runs. */
async function graphqlRequestsDuring(page: Page, action: () => Promise<void>): Promise<Record<string, unknown>[]> {
  const bodies: Record<string, unknown>[] = [];
  const listener = (request: import('playwright-core').Request) => {
    if (new URL(request.url()).pathname === '/graphql') bodies.push(request.postDataJSON() as Record<string, unknown>);
  };
  page.on('request', listener);
  try {
    await action();
  } finally {
    page.off('request', listener);
  }
  return bodies;
}

test('book a slot, meet a capacity refusal, confirm and cancel, in headless Chromium', async () => {
  const ada = await customer('Ada Lovelace', 'ada@example.com');
  await customer('Other Guest', 'guest@example.com');
  // A small room: 4 seats per slot.
  await graphqlData(
    supergraph.reservation.url,
    'mutation { updateReservationSettings(input: { capacity: 4 }) { reservationSettings { capacity } } }',
    { tenant: TENANT },
  );
  const day = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);

  const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
  const sent: Record<string, unknown>[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/graphql') sent.push(request.postDataJSON() as Record<string, unknown>);
  });
  try {
    await page.goto(app.url);
    await page.getByRole('cell', { name: 'Ada Lovelace' }).waitFor();

    await page.getByRole('button', { name: 'Book a table' }).click();
    await page.locator('select[name=customer]').selectOption(ada);
    await page.locator('input[name=date]').fill(day);
    await page.locator('input[name=partySize]').fill('3');
    await page.getByRole('button', { name: 'Show times' }).click();
    const slot = page.locator('button.slot').first();
    await slot.waitFor();
    expect(await slot.textContent()).toContain('(4 left)');
    const startsAt = await slot.getAttribute('data-starts-at');

    // Meanwhile another guest takes two of the four seats of that slot.
    const other = await graphqlData<{ customers: { nodes: { id: string; name: string }[] } }>(
      supergraph.customer.url,
      '{ customers { nodes { id name } } }',
      { tenant: TENANT },
    );
    const guest = other.customers.nodes.find((each) => each.name === 'Other Guest')!.id;
    await graphqlData(
      supergraph.reservation.url,
      'mutation ($input: CreateReservationInput!) { createReservation(input: $input) { reservation { id } } }',
      {
        tenant: TENANT,
        variables: { input: { customerId: guest, startsAt, partySize: 2, idempotencyKey: 'other-guest' } },
      },
    );

    await slot.click();
    const refusal = page.locator('.booking-result [data-code=CAPACITY_EXCEEDED]');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/full for a party of this size/);

    // Two still fit: book them.
    await page.locator('input[name=partySize]').fill('2');
    await page.getByRole('button', { name: 'Show times' }).click();
    await page.locator(`button.slot[data-starts-at="${startsAt}"]`, { hasText: '(2 left)' }).click();
    const booking = page.locator('li.booking').first();
    await booking.locator('.status', { hasText: 'PENDING' }).waitFor();

    // Confirm and cancel: one request each, and the booking changes in place (Apollo's cache).
    const confirming = await graphqlRequestsDuring(page, async () => {
      await booking.getByRole('button', { name: 'Confirm' }).click();
      await booking.locator('.status', { hasText: 'CONFIRMED' }).waitFor();
    });
    expect(confirming.map((body) => body.operationName)).toEqual(['ConfirmBooking']);
    const cancelling = await graphqlRequestsDuring(page, async () => {
      await booking.getByRole('button', { name: 'Cancel' }).click();
      await booking.locator('.status', { hasText: 'CANCELLED' }).waitFor();
    });
    expect(cancelling.map((body) => body.operationName)).toEqual(['CancelBooking']);

    // Every operation went out as a hash only: the gateway ran the documents the build listed.
    expect(sent.length).toBeGreaterThan(5);
    for (const body of sent) {
      expect(body.query).toBeUndefined();
      expect(body.extensions).toMatchObject({ persistedQuery: { version: 1, sha256Hash: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    }
  } finally {
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-app.png'), fullPage: true });
    await page.close();
  }
});

test('with the reservation subgraph unreachable, customers still show, marked as a partial answer', async () => {
  // A gateway whose reservation subgraph is a closed port, with no retries to wait through.
  const cutOff = await startTestGateway(
    { customer: supergraph.customer.url, reservation: `http://127.0.0.1:${await freePort()}/graphql` },
    { ...ENFORCING, SERVICE_MAX_RETRIES: '0' },
  );
  alsoStop.push(cutOff);
  const cutOffApp = await serveStaticApp(outDir, cutOff.url);
  alsoStop.push({ stop: () => cutOffApp.close() });
  const page = await browser.newPage({ viewport: { width: 1100, height: 600 } });
  try {
    await page.goto(cutOffApp.url);
    await page.locator('[role=alert] [data-code=SERVICE_UNAVAILABLE]').waitFor();
    expect(await page.locator('[role=alert]').textContent()).toMatch(/^Partial answer/);
    // The customers came from the customer subgraph; only their reservations are missing.
    await page.getByRole('cell', { name: 'Ada Lovelace' }).waitFor();
    expect(await page.locator('td em.unavailable').count()).toBeGreaterThanOrEqual(2);
  } finally {
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-app-partial.png'), fullPage: true });
    await page.close();
  }
});
