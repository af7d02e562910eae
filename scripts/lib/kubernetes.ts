import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { loadAll } from 'js-yaml';

/** One object of a rendered manifest. */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

export const KUBERNETES_DIR = path.resolve(__dirname, '../../deploy/kubernetes');

export function overlayDirs(): string[] {
  const overlays = path.join(KUBERNETES_DIR, 'overlays');
  return readdirSync(overlays, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => path.join(overlays, entry.name));
}

/**
 * `kubectl kustomize` offline. The load restrictor is lifted because the base's ConfigMap
 * takes the repository's supergraph.graphql, outside deploy/.
 */
export function renderKustomization(dir: string): KubernetesObject[] {
  const yaml = execFileSync('kubectl', ['kustomize', '--load-restrictor=LoadRestrictionsNone', dir], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return loadAll(yaml).filter((document): document is KubernetesObject => document !== null && typeof document === 'object');
}

type Model = new (data: unknown) => { validate(): void };

/**
 * The npm packages whose models carry each API group's JSON schema (compiled, so nothing is
 * fetched at run time): kubernetes-models for the built-in groups, the Prometheus Operator's
 * for ServiceMonitor.
 */
function modelFor(apiVersion: string, kind: string): Model | undefined {
  const modelsPackage = apiVersion.startsWith('monitoring.coreos.com/') ? '@kubernetes-models/prometheus-operator' : 'kubernetes-models';
  try {
    const group = require(`${modelsPackage}/${apiVersion}`) as Record<string, Model | undefined>;
    return group[kind];
  } catch {
    return undefined;
  }
}

/** Schema violations of rendered objects, one line each; empty when every object is valid. */
export function validateObjects(objects: KubernetesObject[]): string[] {
  const problems: string[] = [];
  for (const object of objects) {
    const where = `${object.kind ?? '(no kind)'} ${object.metadata?.name ?? '(no name)'}`;
    if (typeof object.metadata?.name !== 'string' || object.metadata.name === '') problems.push(`${where}: metadata.name is required`);
    const Model = modelFor(object.apiVersion, object.kind);
    if (!Model) {
      problems.push(`${where}: no schema for ${object.apiVersion} ${object.kind}`);
      continue;
    }
    try {
      new Model(object).validate();
    } catch (error) {
      problems.push(`${where}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return problems;
}
