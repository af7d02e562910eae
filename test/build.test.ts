import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SignJWT } from 'jose';
import { buildOnce } from '@reservations/test-support/build';
import { graphqlData } from '@reservations/test-support/graphql';
import { freePort } from '@reservations/test-support/net';
import { createTestDatabase, type TestDatabase } from '@reservations/test-support/postgres';
import { startServiceProcess, type ServiceProcess } from '@reservations/test-support/service-process';
import { DockerfileParser, type Copy, type Instruction, type JSONInstruction } from 'dockerfile-ast';
import { SERVICES } from '../scripts/lib/services';

const ROOT = path.resolve(__dirname, '..');
/**
 * Where the compiled services run from: this checkout, or (CI) the image's runtime stage laid
 * out by `npm run image:stage`, with production dependencies only, so no devDependency (tsx,
 * TypeScript, the Prisma CLI) is even installed.
 */
const RUNTIME_ROOT = process.env.IMAGE_STAGE_DIR ? path.resolve(process.env.IMAGE_STAGE_DIR) : ROOT;
const SIGNING_SECRET = 'build-test-signing-secret-0123456789abcdef';
const JWT_SECRET = 'build-test-jwt-secret-0123456789abcdefghij';

/**
 * The production start: compiled JavaScript under plain node. Node 20 cannot load a `.ts`
 * file, so a service that still reached for a source module (or needed tsx) fails here.
 */
const PLAIN_NODE_ENV = { NODE_OPTIONS: '', NODE_ENV: 'production', LOG_LEVEL: 'warn', GATEWAY_SIGNING_SECRET: SIGNING_SECRET };

function runCompiled(args: string[], env: Record<string, string>): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, args, {
    cwd: RUNTIME_ROOT,
    env: { ...process.env, ...PLAIN_NODE_ENV, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

// Incremental, and one build at a time with the other tests of the compiled services.
beforeAll(() => buildOnce(), 200_000);

describe(`the compiled services under plain node, from ${RUNTIME_ROOT === ROOT ? 'this checkout' : 'the staged runtime image'}`, () => {
  const databases: Record<'customer' | 'reservation', TestDatabase | undefined> = { customer: undefined, reservation: undefined };
  const services: ServiceProcess[] = [];

  afterAll(async () => {
    await Promise.all(services.map((service) => service.stop()));
    await Promise.all(Object.values(databases).map((database) => database?.drop()));
  });

  test('migrate, seed, start all three and answer a federated query', async () => {
    databases.customer = await createTestDatabase('build_customer');
    databases.reservation = await createTestDatabase('build_reservation');
    // Both roles of each database: the migration job migrates as the owner and grants the app role.
    const databaseEnv = { ...databases.customer.env('CUSTOMER'), ...databases.reservation.env('RESERVATION') };

    // What the deployment's migration job runs before any new pod starts.
    const deploy = runCompiled(['scripts/dist/db.js', 'deploy'], databaseEnv);
    expect(deploy).toMatchObject({ status: 0 });
    expect(deploy.output).toMatch(/customer .*applied/);
    expect(runCompiled(['scripts/dist/db.js', 'seed'], databaseEnv)).toMatchObject({ status: 0 });

    // Each service binds port 0 and reports the URL it got; the next one is told that URL.
    const customer = await startServiceProcess('customer', path.join(RUNTIME_ROOT, 'scripts/dist/service.js'), {
      // Through the image's entry script, as a container with SERVICE=customer starts it.
      ...PLAIN_NODE_ENV,
      SERVICE: 'customer',
      CUSTOMER_PORT: '0',
      CUSTOMER_DATABASE_URL: databases.customer.runtimeUrl,
    });
    services.push(customer);
    const reservation = await startServiceProcess('reservation', path.join(RUNTIME_ROOT, 'subgraphs/reservation/dist/index.js'), {
      ...PLAIN_NODE_ENV,
      RESERVATION_PORT: '0',
      RESERVATION_DATABASE_URL: databases.reservation.runtimeUrl,
      CUSTOMER_SUBGRAPH_URL: customer.url,
    });
    services.push(reservation);
    const gateway = await startServiceProcess('gateway', path.join(RUNTIME_ROOT, 'gateway/dist/index.js'), {
      ...PLAIN_NODE_ENV,
      GATEWAY_PORT: '0',
      CUSTOMER_SUBGRAPH_URL: customer.url,
      RESERVATION_SUBGRAPH_URL: reservation.url,
      JWT_SECRET,
    });
    services.push(gateway);
    const ports = { customer: new URL(customer.url).port, gateway: new URL(gateway.url).port };

    // The image's HEALTHCHECK: healthy for a running service, unhealthy where nothing listens.
    expect(runCompiled(['scripts/dist/service.js', 'health'], { SERVICE: 'customer', CUSTOMER_PORT: ports.customer }).status).toBe(0);
    expect(runCompiled(['scripts/dist/service.js', 'health'], { SERVICE: 'gateway', GATEWAY_PORT: ports.gateway }).status).toBe(0);
    expect(runCompiled(['scripts/dist/service.js', 'health'], { SERVICE: 'gateway', GATEWAY_PORT: String(await freePort()) }).status).toBe(1);
    const token = await new SignJWT({ tenant: 'demo' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(JWT_SECRET));
    const data = await graphqlData<{ customers: { nodes: { name: string; reservations: { customer: { name: string } }[] }[] } }>(
      gateway.url,
      '{ customers(first: 5) { nodes { name reservations { customer { name } } } } }',
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(data.customers.nodes.length).toBeGreaterThan(0);
    const booked = data.customers.nodes.filter((customer) => customer.reservations.length > 0);
    expect(booked.length).toBeGreaterThan(0);
    for (const customer of booked) expect(customer.reservations[0]?.customer.name).toBe(customer.name);
  }, 120_000);
});

describe('the Dockerfile', () => {
  const dockerfile = DockerfileParser.parse(readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'));
  /** Instructions by build stage, in order (the last stage is the image that runs). */
  const stages: Instruction[][] = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === 'FROM') stages.push([]);
    stages.at(-1)?.push(instruction);
  }
  const buildStage = stages[0]!;
  const runtime = stages.at(-1)!;
  const runtimeAll = (keyword: string): Instruction[] => runtime.filter((i) => i.getKeyword() === keyword);
  const words = (instruction: Instruction | undefined): string[] => instruction?.getArguments().map((a) => a.getValue()) ?? [];

  /** The build-stage file an image path was copied from, or undefined when nothing copies it. */
  function copiedFromBuild(imagePath: string): string | undefined {
    const absolute = path.posix.resolve('/app', imagePath);
    for (const copy of runtimeAll('COPY') as Copy[]) {
      if (!copy.getFlags().some((flag) => flag.getName() === 'from' && flag.getValue() === 'build')) continue;
      const [source, destination] = words(copy);
      const target = path.posix.resolve('/app', destination!);
      if (absolute !== target && !absolute.startsWith(`${target}/`)) continue;
      return path.join(ROOT, path.posix.relative('/app', source!), path.posix.relative(target, absolute));
    }
    return undefined;
  }

  function expectBuiltAndCopied(imagePath: string): void {
    const source = copiedFromBuild(imagePath);
    expect([imagePath, source !== undefined && existsSync(source)]).toEqual([imagePath, true]);
  }

  test('the build stage runs what CI runs: npm ci, then npm run build', () => {
    const runs = buildStage.filter((i) => i.getKeyword() === 'RUN').map((i) => words(i).join(' '));
    expect(runs.some((run) => run.startsWith('npm ci'))).toBe(true);
    expect(runs).toContain('npm run build');
  });

  test('the runtime stage installs production dependencies only and runs as a non-root user', () => {
    const install = runtimeAll('RUN')
      .map((i) => words(i))
      .find((run) => run[0] === 'npm' && run[1] === 'ci');
    expect(install).toEqual(expect.arrayContaining(['--omit=dev', '--ignore-scripts']));
    expect(words(runtimeAll('USER').at(-1))[0]).not.toMatch(/^(root|0)$/);
    expect(runtimeAll('ENV').flatMap(words)).toContain('NODE_ENV=production');
  });

  test('its start command and HEALTHCHECK run, with plain node, files the build produced', () => {
    const command = (dockerfile.getCMDs().at(-1) as JSONInstruction).getJSONStrings().map((s) => s.getJSONValue());
    const health = JSON.parse(words(runtimeAll('HEALTHCHECK').at(-1)).slice(1).join(' ')) as string[];
    for (const [program, script] of [command, health]) {
      expect(program).toBe('node');
      expectBuiltAndCopied(script!);
    }
    // The entry script starts $SERVICE from its compiled dist/; the migration job runs db.js.
    for (const service of SERVICES) expectBuiltAndCopied(path.posix.join(service.dir, 'dist/index.js'));
    expectBuiltAndCopied('scripts/dist/db.js');
  });

  test('what the services read at run time sits where the compiled code looks for it', () => {
    for (const file of [
      'supergraph.graphql',
      'subgraphs/customer/schema.graphql',
      'subgraphs/reservation/schema.graphql',
      'subgraphs/customer/prisma/migrations/migration_lock.toml',
      'subgraphs/reservation/prisma/migrations/migration_lock.toml',
      'subgraphs/customer/dist/generated/prisma/client.js',
      'subgraphs/reservation/dist/generated/prisma/client.js',
    ]) {
      expectBuiltAndCopied(file);
    }
  });
});
