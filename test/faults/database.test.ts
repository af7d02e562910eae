import pg from 'pg';
import { graphql, graphqlData } from '@reservations/test-support/graphql';
import { capturingLogger } from '@reservations/test-support/logs';
import { createTestDatabase, type TestDatabase } from '@reservations/test-support/postgres';
import { startServiceProcess, type ServiceProcess } from '@reservations/test-support/service-process';
import { startTestCustomerSubgraph, startTestGateway, silentLogger } from '@reservations/test-support/supergraph';
import { TcpFaultProxy } from '@reservations/test-support/tcp-fault-proxy';
import { waitFor } from '@reservations/test-support/wait';
import type { StartedSubgraph } from '@reservations/platform/subgraph/start-subgraph';
import type { StartedGateway } from '@reservations/gateway/server';
import type { CustomerPrisma } from '@reservations/customer-subgraph/database';
import { readReservationConfig } from '@reservations/reservation-subgraph/config';
import type { ReservationPrisma } from '@reservations/reservation-subgraph/database';
import { startReservationSubgraph } from '@reservations/reservation-subgraph/server';

/**
 * A lost, refused, stalled or restarted database, as the reservation subgraph meets it on the
 * machine's PostgreSQL: through a TCP proxy the test cuts, or by terminating the subgraph's
 * own backends in its own test database.
 */

const READ = '{ reservations(first: 5) { totalCount } }';
const WRITE = 'mutation { updateReservationSettings(input: { capacity: 40 }) { reservationSettings { capacity } } }';

/** The error codes of one answer, or 'ok'. */
function outcome(body: { errors?: { extensions?: Record<string, unknown> }[] }): string {
  return body.errors?.length ? String(body.errors[0]?.extensions?.['code']) : 'ok';
}

async function terminateBackends(databaseUrl: string): Promise<number> {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    const { rowCount } = await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    return rowCount ?? 0;
  } finally {
    await admin.end();
  }
}

describe('terminated connections (a restart, a failover, an idle-connection reaper)', () => {
  let database: TestDatabase;
  let service: ServiceProcess;

  beforeAll(async () => {
    database = await createTestDatabase('faults_terminate');
    // Its own process: a crash must show as an exit, not take the test runner along.
    service = await startServiceProcess('reservation', 'subgraphs/reservation/src/index.ts', {
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      RESERVATION_PORT: '0',
      ...database.env('RESERVATION'),
      MIGRATE_ON_START: 'true',
      SEED_DEMO_DATA: 'false',
      LOG_LEVEL: 'warn',
    });
  });

  afterAll(async () => {
    await service?.stop();
    await database?.drop();
  });

  test('the subgraph survives its backends being terminated under load, answers SERVICE_UNAVAILABLE meanwhile, and serves afterwards', async () => {
    const outcomes: string[] = [];
    let running = true;
    const client = (body: string) => async () => {
      while (running) {
        const { body: answer } = await graphql(service.url, body, { tenant: 'terminated' });
        outcomes.push(`${body === READ ? 'read' : 'write'} ${outcome(answer)}`);
      }
    };
    // Reads through Prisma's pool and writes in transactions (the capacity lock), at once.
    const load = [READ, READ, READ, WRITE, WRITE, WRITE].map((body) => client(body)());
    try {
      for (let round = 0; round < 3; round++) {
        // Generous: under a loaded CI machine a round of answers may take a while.
        await waitFor(async () => outcomes.length >= (round + 1) * 30, 30_000);
        expect(await terminateBackends(database.url)).toBeGreaterThan(0);
      }
      await waitFor(async () => outcomes.length >= 120, 30_000);
    } finally {
      running = false;
      await Promise.all(load);
    }

    // Reads either worked or were not served; a write whose COMMIT lost its connection may
    // honestly be OUTCOME_UNKNOWN. Never an internal error.
    const allowed = new Set(['read ok', 'read SERVICE_UNAVAILABLE', 'write ok', 'write SERVICE_UNAVAILABLE', 'write OUTCOME_UNKNOWN']);
    expect(outcomes.filter((answer) => !allowed.has(answer))).toEqual([]);
    expect(outcomes).toContain('read ok');
    expect(outcomes).toContain('write ok');
    // Still the same process, serving reads and writes.
    expect(outcome((await graphql(service.url, READ, { tenant: 'terminated' })).body)).toBe('ok');
    expect(outcome((await graphql(service.url, WRITE, { tenant: 'terminated' })).body)).toBe('ok');
    // Operators see warnings, never an "unexpected" error (which is what Sentry would get).
    expect(service.logs.some((line) => line['msg'] === 'database connection lost; it will be replaced on next use')).toBe(true);
    expect(service.logs.filter((line) => (line['level'] as number) >= 50)).toEqual([]);
  });
});

describe('a database behind a connection the test cuts', () => {
  let customerDb: TestDatabase;
  let reservationDb: TestDatabase;
  let proxy: TcpFaultProxy;
  let customer: StartedSubgraph<CustomerPrisma>;
  let reservation: StartedSubgraph<ReservationPrisma>;
  let gateway: StartedGateway;
  const logs = capturingLogger('reservation');

  beforeAll(async () => {
    [customerDb, reservationDb] = await Promise.all([createTestDatabase('faults_cut_customer'), createTestDatabase('faults_cut_reservation')]);
    const target = new URL(reservationDb.url);
    proxy = await TcpFaultProxy.start({ host: target.hostname, port: Number(target.port || 5432) });
    customer = await startTestCustomerSubgraph(customerDb);
    reservation = await startReservationSubgraph(
      readReservationConfig({
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        RESERVATION_PORT: '0',
        // The services' connections go through the proxy; migrations straight to the owner.
        RESERVATION_DATABASE_URL: proxy.rewrite(reservationDb.runtimeUrl),
        RESERVATION_MIGRATION_DATABASE_URL: reservationDb.url,
        CUSTOMER_SUBGRAPH_URL: customer.url,
        MIGRATE_ON_START: 'true',
        DATABASE_CONNECT_TIMEOUT_MS: '500',
        DATABASE_STATEMENT_TIMEOUT_MS: '500',
      }),
      logs.logger,
    );
    gateway = await startTestGateway({ customer: customer.url, reservation: reservation.url }, { SERVICE_MAX_RETRIES: '0' }, silentLogger);
  });

  afterEach(() => {
    proxy.mode = 'forward';
  });

  afterAll(async () => {
    await gateway?.stop();
    await reservation?.stop();
    await customer?.stop();
    await proxy?.stop();
    await customerDb?.drop();
    await reservationDb?.drop();
  });

  const subgraphReady = async () => (await fetch(new URL('/ready', reservation.url))).json() as Promise<{ status: string; database: string }>;
  const gatewayReady = async () =>
    (await fetch(new URL('/ready', gateway.url))).json() as Promise<{
      status: string;
      subgraphs: Record<string, { ready: boolean; database: string | null }>;
    }>;

  test('a lost and refused database is SERVICE_UNAVAILABLE, reported in /ready of the subgraph and the gateway, and recovers by itself', async () => {
    expect(await graphqlData(gateway.url, READ, { tenant: 'cut' })).toEqual({ reservations: { totalCount: 0 } });
    expect(await subgraphReady()).toMatchObject({ status: 'ready', database: 'up' });

    proxy.mode = 'refuse';
    proxy.cut();
    const { body } = await graphql(gateway.url, READ, { tenant: 'cut' });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(body.errors?.[0]?.message).not.toMatch(/prisma|pg|ECONN|terminated/i);
    await waitFor(async () => (await subgraphReady()).database === 'down');
    const degraded = await gatewayReady();
    expect(degraded.status).toBe('degraded');
    expect(degraded.subgraphs['reservation']).toMatchObject({ ready: false, database: 'down' });
    expect(degraded.subgraphs['customer']).toMatchObject({ ready: true, database: 'up' });

    proxy.mode = 'forward';
    await waitFor(async () => (await gatewayReady()).status === 'ready');
    expect(await graphqlData(gateway.url, READ, { tenant: 'cut' })).toEqual({ reservations: { totalCount: 0 } });
    // Logged as the dependency fault it is; nothing went the "unexpected error" (Sentry) way.
    expect(logs.lines.some((line) => line.msg === 'database unavailable')).toBe(true);
    expect(logs.lines.filter((line) => line.msg === 'unexpected resolver error')).toEqual([]);
  });

  test('a database that accepts connections but never answers is a quick SERVICE_UNAVAILABLE, not a hang', async () => {
    proxy.mode = 'stall';
    proxy.cut();
    const { body } = await graphql(gateway.url, WRITE, { tenant: 'stalled' });
    // Answered by the subgraph (its connection timeout), not by the gateway giving up on it.
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', serviceName: 'reservation' });
  });

  test('a statement stuck behind a lock is cancelled at DATABASE_STATEMENT_TIMEOUT_MS: SERVICE_UNAVAILABLE, nothing changed', async () => {
    await graphqlData(gateway.url, 'mutation { updateReservationSettings(input: { capacity: 12 }) { reservationSettings { capacity } } }', {
      tenant: 'locked',
    });
    const holder = new pg.Client({ connectionString: reservationDb.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE reservation_settings IN ACCESS EXCLUSIVE MODE');
      // Answered by the subgraph while the lock is still held: the statement was cancelled.
      for (const operation of ['{ reservationSettings { capacity } }', WRITE]) {
        const { body } = await graphql(gateway.url, operation, { tenant: 'locked' });
        expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', serviceName: 'reservation' });
      }
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    expect(await graphqlData(gateway.url, '{ reservationSettings { capacity } }', { tenant: 'locked' })).toEqual({
      reservationSettings: { capacity: 12 },
    });
  });
});
