import { readFileSync } from 'node:fs';
import path from 'node:path';
import { load as loadYaml } from 'js-yaml';

/**
 * .github/workflows/ci.yml cannot run here (no GitHub runner, no rover): its structure is
 * checked instead, and its `ci` job against .ci/run, so the two cannot drift apart.
 */
const ROOT = path.resolve(__dirname, '..');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  'runs-on': string;
  services?: Record<string, { image: string; ports?: string[] }>;
  steps: Step[];
}
interface Workflow {
  name: string;
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
}

const workflow = loadYaml(readFileSync(path.join(ROOT, '.github/workflows/ci.yml'), 'utf8')) as Workflow;
const scripts = Object.keys((JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);

/** The npm scripts a shell text runs: `npm run X`, and `npm test` / `npm start`. */
function npmScripts(text: string): string[] {
  const named = [...text.matchAll(/\bnpm run ([\w:-]+)/g)].map((match) => match[1]!);
  const builtIn = [...text.matchAll(/\bnpm (test|start)\b/g)].map((match) => match[1]!);
  return [...named, ...builtIn];
}

const runs = (job: Job) => job.steps.map((step) => step.run ?? '').join('\n');

test('parses, runs on pushes to main and on pull requests, with a ci and a rover job', () => {
  expect(workflow.name).toBe('ci');
  expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push']);
  expect(Object.keys(workflow.jobs).sort()).toEqual(['ci', 'rover']);
  for (const job of Object.values(workflow.jobs)) {
    expect(job['runs-on']).toMatch(/^ubuntu-/);
    expect(job.steps.length).toBeGreaterThan(0);
    // Every action is pinned to a version.
    for (const step of job.steps) {
      expect(step.uses === undefined || /@v\d+/.test(step.uses)).toBe(true);
      expect(step.uses !== undefined || typeof step.run === 'string').toBe(true);
    }
  }
});

test('the ci job has PostgreSQL 15 and Redis 7 on the ports the tests use', () => {
  const { services } = workflow.jobs.ci!;
  expect(services?.postgres?.image).toBe('postgres:15');
  expect(services?.postgres?.ports).toEqual(['5432:5432']);
  expect(services?.redis?.image).toBe('redis:7');
  expect(services?.redis?.ports).toEqual(['6379:6379']);
});

test('every npm script the workflow and .ci/run name exists in package.json', () => {
  const named = [...npmScripts(runs(workflow.jobs.ci!)), ...npmScripts(readFileSync(path.join(ROOT, '.ci/run'), 'utf8'))];
  expect(named.length).toBeGreaterThan(5);
  for (const script of named) expect(scripts).toContain(script);
});

test('the ci job runs the same npm steps as .ci/run, in the same order', () => {
  const ciRun = readFileSync(path.join(ROOT, '.ci/run'), 'utf8');
  const main = ciRun.slice(ciRun.indexOf('main() {'));
  const ciRunSteps = [...main.matchAll(/^\s*step "[^"]+" (.+)$/gm)].flatMap((match) => {
    const command = match[1]!;
    if (command === 'run_tests') return ['test'];
    if (command === 'npm ci --no-audit --no-fund') return ['ci'];
    return npmScripts(command);
  });
  const workflowSteps = workflow.jobs.ci!.steps.flatMap((step) => (step.run?.startsWith('npm ci') ? ['ci'] : npmScripts(step.run ?? '')));
  expect(ciRunSteps).toEqual(expect.arrayContaining(['ci', 'typecheck', 'compose:check', 'schema:check', 'db:migrate:check', 'test', 'bench']));
  expect(workflowSteps).toEqual(ciRunSteps);
  // And the steps that are not npm scripts.
  expect(runs(workflow.jobs.ci!)).toContain('docker compose -f docker-compose.yml config -q');
  expect(runs(workflow.jobs.ci!)).toMatch(/chromium --version/);
});

test('the rover job composes with rover and fails when it differs from the committed supergraph', () => {
  const rover = runs(workflow.jobs.rover!);
  expect(rover).toMatch(/curl -sSL https:\/\/rover\.apollo\.dev\/nix\/\S+ \| sh/);
  expect(rover).toMatch(/rover supergraph compose --config supergraph\.yaml .*> rover-supergraph\.graphql/);
  expect(rover).toMatch(/diff -u supergraph\.graphql rover-supergraph\.graphql/);
  expect(rover).toMatch(/exit 1/);
});
