import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { overlayDirs, renderKustomization, validateObjects, type KubernetesObject } from '../scripts/lib/kubernetes';
import { SERVICES } from '../scripts/lib/services';

const hasKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
// Skipped rather than passed when kubectl is missing, so the jest summary shows it.
const describeWithKubectl = hasKubectl ? describe : describe.skip;

/** What a stopping service may still need after SIGTERM besides its drain (platform run-service). */
const STOP_TIMEOUT_MS = 10_000;

interface Container {
  name: string;
  command?: string[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  ports?: { name: string; containerPort: number }[];
  readinessProbe?: { httpGet?: { path: string; port: string } };
  livenessProbe?: { httpGet?: { path: string; port: string } };
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean };
  volumeMounts?: { name: string; mountPath: string }[];
}

interface PodSpec {
  containers: Container[];
  securityContext?: { runAsNonRoot?: boolean };
  terminationGracePeriodSeconds?: number;
  volumes?: { name: string; emptyDir?: object }[];
}

const podSpec = (object: KubernetesObject): PodSpec => (object.spec as { template: { spec: PodSpec } }).template.spec;

describeWithKubectl('deploy/kubernetes', () => {
  const overlays = overlayDirs().map((dir) => ({ name: path.basename(dir), objects: renderKustomization(dir) }));

  test('there are development and production overlays', () => {
    expect(overlays.map((overlay) => overlay.name).sort()).toEqual(['development', 'production']);
  });

  describe.each(overlays.map((overlay) => [overlay.name, overlay.objects] as const))('the %s overlay', (_name, objects) => {
    const find = (kind: string, name: string): KubernetesObject | undefined =>
      objects.find((object) => object.kind === kind && object.metadata.name === name);
    const config = objects.find((object) => object.kind === 'ConfigMap' && object.metadata.name.startsWith('supergraph-config'));
    const configData = (config?.data ?? {}) as Record<string, string>;

    test('validates against the Kubernetes schemas', () => {
      expect(validateObjects(objects)).toEqual([]);
    });

    test('commits no Secret: credentials are referenced by name only', () => {
      expect(objects.filter((object) => object.kind === 'Secret')).toEqual([]);
    });

    test.each(SERVICES.map((service) => [service.name, service.defaultPort] as const))(
      '%s: Deployment, Service on :%i, autoscaler and disruption budget',
      (name, port) => {
        const deployment = find('Deployment', name)!;
        const container = podSpec(deployment).containers[0]!;
        expect(container.env).toContainEqual({ name: 'SERVICE', value: name });
        expect(container.ports).toEqual([{ name: 'http', containerPort: port }]);
        expect((find('Service', name)?.spec as { ports: unknown[] }).ports).toEqual([{ name: 'http', port, targetPort: 'http' }]);
        expect((find('HorizontalPodAutoscaler', name)?.spec as { scaleTargetRef: unknown }).scaleTargetRef).toEqual({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name,
        });
        expect((find('PodDisruptionBudget', name)?.spec as { selector: unknown }).selector).toEqual(
          (deployment.spec as { selector: unknown }).selector,
        );
      },
    );

    test.each(SERVICES.map((service) => service.name))('%s: probes, resources, non-root read-only pod', (name) => {
      const spec = podSpec(find('Deployment', name)!);
      const container = spec.containers[0]!;
      expect(container.readinessProbe?.httpGet).toEqual({ path: '/ready', port: 'http' });
      expect(container.livenessProbe?.httpGet).toEqual({ path: '/health', port: 'http' });
      expect(Object.keys(container.resources?.requests ?? {}).sort()).toEqual(['cpu', 'memory']);
      expect(Object.keys(container.resources?.limits ?? {}).sort()).toEqual(['cpu', 'memory']);
      expect(spec.securityContext?.runAsNonRoot).toBe(true);
      expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
      const tmp = container.volumeMounts?.find((mount) => mount.mountPath === '/tmp');
      expect(spec.volumes?.find((volume) => volume.name === tmp?.name)?.emptyDir).toBeDefined();
    });

    test.each(SERVICES.map((service) => service.name))('%s: the grace period covers preStop, the drain and the stop', (name) => {
      const spec = podSpec(find('Deployment', name)!);
      const preStop = spec.containers[0]!.lifecycle?.preStop?.exec?.command ?? [];
      expect(preStop[0]).toBe('sleep');
      const drainMs = Number(configData.SHUTDOWN_DRAIN_MS);
      expect(drainMs).toBeGreaterThan(0);
      expect((spec.terminationGracePeriodSeconds ?? 30) * 1000).toBeGreaterThan(Number(preStop[1]) * 1000 + drainMs + STOP_TIMEOUT_MS);
    });

    test('the migration Job runs the compiled db:deploy with the owner credentials', () => {
      const job = find('Job', 'supergraph-migrate')!;
      const container = podSpec(job).containers[0]!;
      expect(container.command).toEqual(['node', 'scripts/dist/db.js', 'deploy']);
      const secretOf = (variable: string): string | undefined => container.env?.find((env) => env.name === variable)?.valueFrom?.secretKeyRef?.name;
      expect(secretOf('CUSTOMER_MIGRATION_DATABASE_URL')).toBe('customer-database-owner');
      expect(secretOf('RESERVATION_MIGRATION_DATABASE_URL')).toBe('reservation-database-owner');
      // The runtime URLs only name the roles the deploy grants row access to.
      expect(secretOf('CUSTOMER_DATABASE_URL')).toBe('customer-database');
      expect(secretOf('RESERVATION_DATABASE_URL')).toBe('reservation-database');
    });
  });

  describe('validation', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'kustomize-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    test('refuses a manifest that breaks the schema, naming what is wrong', () => {
      writeFileSync(path.join(dir, 'kustomization.yaml'), 'resources:\n  - deployment.yaml\n');
      writeFileSync(
        path.join(dir, 'deployment.yaml'),
        [
          'apiVersion: apps/v1',
          'kind: Deployment',
          'metadata: { name: broken }',
          'spec:',
          '  replicas: two',
          '  template:',
          '    spec:',
          '      containers: [{ name: app, image: x, ports: [{ containerPort: http }] }]',
        ].join('\n'),
      );
      const problems = validateObjects(renderKustomization(dir));
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^Deployment broken: /);
      expect(problems[0]).toMatch(/replicas must be integer/);
      expect(problems[0]).toMatch(/containerPort must be integer/);
      expect(problems[0]).toMatch(/selector/);
    });

    test('refuses a kind it has no schema for', () => {
      expect(validateObjects([{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }])).toEqual([
        'Widget w: no schema for example.com/v1 Widget',
      ]);
    });
  });
});
