import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { load as loadYaml, YAML11_SCHEMA } from 'js-yaml';

const repoRoot = path.resolve(__dirname, '..');
const composeFile = path.join(repoRoot, 'docker-compose.yml');

function asRecord(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${where} should be a mapping, got ${JSON.stringify(value)}`);
  }
  return value as Record<string, unknown>;
}

// YAML 1.1, as compose reads it: the services share settings through `<<:` merge keys.
const document = asRecord(loadYaml(readFileSync(composeFile, 'utf8'), { schema: YAML11_SCHEMA }), 'docker-compose.yml');
const services = asRecord(document.services, 'services');

function service(name: string): Record<string, unknown> {
  return asRecord(services[name], `services.${name}`);
}

function environment(name: string): Record<string, string> {
  const env = asRecord(service(name).environment, `services.${name}.environment`);
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) result[key] = String(value);
  return result;
}

function dependsOn(name: string): Record<string, string> {
  const deps = asRecord(service(name).depends_on, `services.${name}.depends_on`);
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(deps)) result[key] = String(asRecord(value, `${name}.depends_on.${key}`).condition);
  return result;
}

function healthcheckCommand(name: string): string {
  const test = asRecord(service(name).healthcheck, `services.${name}.healthcheck`).test;
  return Array.isArray(test) ? test.map(String).join(' ') : String(test);
}

const hasDockerCompose = spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).error === undefined;
const hasHaproxy = spawnSync('haproxy', ['-v'], { encoding: 'utf8' }).error === undefined;
const haproxyConfig = path.join(repoRoot, 'docker/haproxy/haproxy.cfg');

describe('docker-compose.yml', () => {
  // Skipped rather than passed when the binary is missing, so the jest summary shows it.
  (hasDockerCompose ? it : it.skip)('is valid according to docker-compose config', () => {
    const result = spawnSync('docker-compose', ['-f', composeFile, 'config', '-q'], { cwd: repoRoot, encoding: 'utf8' });
    // Compared together so a failure shows docker-compose's own explanation.
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
  });

  (hasHaproxy ? it : it.skip)('has a proxy configuration that haproxy accepts', () => {
    const result = spawnSync('haproxy', ['-c', '-f', haproxyConfig], { encoding: 'utf8' });
    expect({ status: result.status, output: `${result.stdout}${result.stderr}` }).toEqual({ status: 0, output: expect.any(String) });
  });

  it('defines exactly the seven services', () => {
    expect(Object.keys(services).sort()).toEqual(['customer', 'gateway', 'migrate', 'postgres', 'proxy', 'redis', 'reservation']);
  });

  it('runs PostgreSQL 15 and Redis 7', () => {
    expect(String(service('postgres').image)).toMatch(/^postgres:15(\b|$)/);
    expect(String(service('redis').image)).toMatch(/^redis:7(\b|$)/);
  });

  it.each([
    ['customer', 4004, 'CUSTOMER_PORT'],
    ['reservation', 4003, 'RESERVATION_PORT'],
    ['gateway', 4000, 'GATEWAY_PORT'],
  ])('%s runs as the image SERVICE on its fixed port %i, health-checked by the image check', (name, port, portVariable) => {
    expect(environment(name)).toMatchObject({ SERVICE: name, [portVariable]: String(port), HOST: '0.0.0.0', NODE_ENV: 'production' });
    expect(environment(name)).toHaveProperty('LOG_LEVEL');
    // No command: the image's CMD (scripts/dist/service.js, checked in test/build.test.ts) starts $SERVICE.
    expect(service(name).command).toBeUndefined();
    expect(healthcheckCommand(name)).toBe('CMD node scripts/dist/service.js health');
  });

  it.each(['customer', 'reservation', 'gateway'])('%s runs as several replicas that publish no port and write only /tmp', (name) => {
    expect(Number(asRecord(service(name).deploy, `${name}.deploy`).replicas)).toBeGreaterThanOrEqual(2);
    // A fixed container name or host port would make a second replica fail to start.
    expect(service(name)).not.toHaveProperty('container_name');
    expect(service(name)).not.toHaveProperty('ports');
    expect(service(name)).toMatchObject({ read_only: true, tmpfs: ['/tmp'] });
  });

  it('puts a proxy in front of the gateways that balances over every replica ready to serve', () => {
    expect(service('proxy').ports).toEqual(['4000:4000']);
    expect(service('proxy').volumes).toEqual(['./docker/haproxy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro']);
    const config = readFileSync(haproxyConfig, 'utf8');
    expect(config).toMatch(/^\s*bind :4000$/m);
    expect(config).toMatch(/^\s*balance roundrobin$/m);
    expect(config).toMatch(/^\s*option httpchk GET \/ready$/m);
    // Every replica behind the one service name, followed through compose's DNS.
    expect(config).toMatch(/^\s*server-template gateway \d+ gateway:4000 check .*resolvers compose/m);
    expect(config).toMatch(/^\s*nameserver \S+ 127\.0\.0\.11:53$/m);
    expect(dependsOn('proxy')).toEqual({ gateway: 'service_healthy' });
  });

  it('gives each subgraph its own database on the one server, as a role that owns nothing, and migrate both as their owners', () => {
    const customerUrl = environment('customer').CUSTOMER_DATABASE_URL;
    const reservationUrl = environment('reservation').RESERVATION_DATABASE_URL;
    expect(customerUrl).toBe('postgresql://customer_app:customer_app@postgres:5432/customer');
    expect(reservationUrl).toBe('postgresql://reservation_app:reservation_app@postgres:5432/reservation');
    // Only the migration job holds the owners' credentials.
    expect(environment('customer')).not.toHaveProperty('CUSTOMER_MIGRATION_DATABASE_URL');
    expect(environment('reservation')).not.toHaveProperty('RESERVATION_MIGRATION_DATABASE_URL');
    expect(environment('migrate')).toMatchObject({
      CUSTOMER_MIGRATION_DATABASE_URL: 'postgresql://customer_owner:customer_owner@postgres:5432/customer',
      RESERVATION_MIGRATION_DATABASE_URL: 'postgresql://reservation_owner:reservation_owner@postgres:5432/reservation',
    });
    expect(customerUrl).not.toBe(reservationUrl);
    // A subgraph that could see the other's URL could be tempted to read its tables.
    expect(environment('customer')).not.toHaveProperty('RESERVATION_DATABASE_URL');
    expect(environment('reservation')).not.toHaveProperty('CUSTOMER_DATABASE_URL');
    expect(environment('migrate')).toMatchObject({ CUSTOMER_DATABASE_URL: customerUrl, RESERVATION_DATABASE_URL: reservationUrl });
  });

  it('creates both databases when PostgreSQL first starts', () => {
    const initDir = path.join(repoRoot, 'docker', 'postgres-init');
    const scripts = readdirSync(initDir)
      .map((file) => readFileSync(path.join(initDir, file), 'utf8'))
      .join('\n');
    expect(scripts).toMatch(/CREATE DATABASE customer OWNER customer_owner\b/i);
    expect(scripts).toMatch(/CREATE DATABASE reservation OWNER reservation_owner\b/i);
    expect(scripts).toMatch(/CREATE ROLE customer_app LOGIN .*NOSUPERUSER NOBYPASSRLS/i);
    expect(scripts).toMatch(/CREATE ROLE reservation_app LOGIN .*NOSUPERUSER NOBYPASSRLS/i);
    expect(service('postgres').volumes).toContain('./docker/postgres-init:/docker-entrypoint-initdb.d:ro');
  });

  it('lets the reservation subgraph reach the customer subgraph by service name, not its database', () => {
    expect(environment('reservation')).toMatchObject({ CUSTOMER_SUBGRAPH_URL: 'http://customer:4004/graphql' });
  });

  it('wires the gateway to the subgraphs by service name', () => {
    expect(environment('gateway')).toMatchObject({
      CUSTOMER_SUBGRAPH_URL: 'http://customer:4004/graphql',
      RESERVATION_SUBGRAPH_URL: 'http://reservation:4003/graphql',
    });
  });

  it.each(['customer', 'reservation', 'gateway'])(
    '%s serves /metrics only to bearers of METRICS_TOKEN, whose default the service accepts',
    (name) => {
      const fallback = /^\$\{METRICS_TOKEN:-(.+)\}$/.exec(environment(name).METRICS_TOKEN ?? '')?.[1];
      // The services refuse to start with a token shorter than 16 characters.
      expect(fallback?.length).toBeGreaterThanOrEqual(16);
    },
  );

  it('has a healthcheck on every long-running service', () => {
    expect(healthcheckCommand('postgres')).toContain('pg_isready');
    expect(healthcheckCommand('redis')).toContain('redis-cli ping');
    for (const name of ['customer', 'reservation', 'gateway']) expect(healthcheckCommand(name)).toMatch(/\bhealth$/);
  });

  it('starts in order: postgres healthy, migrate done, subgraphs healthy, then the gateway', () => {
    expect(service('migrate').command).toEqual(['node', 'scripts/dist/db.js', 'deploy']);
    expect(service('migrate').restart).toBe('no');
    expect(dependsOn('migrate')).toEqual({ postgres: 'service_healthy' });
    expect(dependsOn('customer')).toEqual({ migrate: 'service_completed_successfully' });
    // The reservation subgraph checks customers against the customer subgraph when booking.
    expect(dependsOn('reservation')).toEqual({ migrate: 'service_completed_successfully', customer: 'service_healthy' });
    expect(dependsOn('gateway')).toEqual({ customer: 'service_healthy', reservation: 'service_healthy', redis: 'service_healthy' });
  });
});
