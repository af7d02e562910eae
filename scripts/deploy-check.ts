/**
 * npm run deploy:check: renders every overlay under deploy/kubernetes/overlays with
 * `kubectl kustomize` and validates each object against the Kubernetes schemas, offline.
 * Exits 1 when an overlay fails to render or any object is invalid.
 */
import path from 'node:path';
import { overlayDirs, renderKustomization, validateObjects } from './lib/kubernetes';

let failed = false;
for (const dir of overlayDirs()) {
  const name = path.basename(dir);
  let problems: string[];
  let count = 0;
  try {
    const objects = renderKustomization(dir);
    count = objects.length;
    problems = validateObjects(objects);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr;
    problems = [`kubectl kustomize failed: ${stderr?.trim() || (error instanceof Error ? error.message : String(error))}`];
  }
  if (problems.length > 0) {
    failed = true;
    console.error(`${name}: ${problems.length} problem(s)`);
    for (const problem of problems) console.error(`  - ${problem}`);
  } else {
    console.log(`${name}: ${count} objects valid`);
  }
}
process.exit(failed ? 1 : 0);
