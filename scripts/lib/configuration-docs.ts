/**
 * docs/configuration.md and each service's .env.example, generated from the config
 * definitions: every service's reader is run with an observer, so the variables, their kinds,
 * bounds and defaults come from the code that reads them, and the descriptions from the
 * `*_SETTINGS` beside it. A variable read but not described, or described but not read, is an
 * error, as is a written default that does not quote what the code falls back to.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  ConfigError,
  REPO_ROOT,
  SETTING_GROUPS,
  type EnvReaderOptions,
  type SettingDescription,
  type SettingDescriptions,
  type SettingRead,
} from '@reservations/platform/config';
import { CUSTOMER_SETTINGS, readCustomerConfig } from '@reservations/customer-subgraph/config';
import { RESERVATION_SETTINGS, readReservationConfig } from '@reservations/reservation-subgraph/config';
import { GATEWAY_SETTINGS, readGatewayConfig } from '@reservations/gateway/config';

type Env = Record<string, string | undefined>;

interface ServiceDefinition {
  name: 'gateway' | 'customer' | 'reservation';
  title: string;
  /** Workspace folder, where its .env.example lives. */
  dir: string;
  /** Where its reader and descriptions are defined (named in the generated files). */
  source: string;
  read: (env: Env, options: EnvReaderOptions) => unknown;
  settings: SettingDescriptions;
}

export const SERVICE_DEFINITIONS: readonly ServiceDefinition[] = [
  { name: 'gateway', title: 'Gateway', dir: 'gateway', source: 'gateway/src/config.ts', read: readGatewayConfig, settings: GATEWAY_SETTINGS },
  {
    name: 'customer',
    title: 'Customer subgraph',
    dir: 'subgraphs/customer',
    source: 'subgraphs/customer/src/config.ts',
    read: readCustomerConfig,
    settings: CUSTOMER_SETTINGS,
  },
  {
    name: 'reservation',
    title: 'Reservation subgraph',
    dir: 'subgraphs/reservation',
    source: 'subgraphs/reservation/src/config.ts',
    read: readReservationConfig,
    settings: RESERVATION_SETTINGS,
  },
];

/** The environments each reader runs in, so defaults that depend on them show up. */
const SCENARIOS: readonly { label: string; env: Env }[] = [
  { label: 'development', env: {} },
  { label: 'production', env: { NODE_ENV: 'production' } },
  {
    label: 'database URL',
    env: { CUSTOMER_DATABASE_URL: 'postgresql://app@db/customer', RESERVATION_DATABASE_URL: 'postgresql://app@db/reservation' },
  },
];

/** `RESERVATION_SERVICE_TIMEOUT` and the like: one row for every per-subgraph override. */
const PER_SUBGRAPH_OVERRIDE = /^(CUSTOMER|RESERVATION)_(SERVICE_[A-Z_]+)$/;
const PER_SUBGRAPH_KEY = '<SUBGRAPH>_SERVICE_*';

/** Variables read outside the services' config readers; each must still appear in its file. */
interface OutsideSetting {
  name: string;
  where: string;
  file: string;
  default: string;
  meaning: string;
}

export const OUTSIDE_SETTINGS: readonly OutsideSetting[] = [
  {
    name: 'SERVICE',
    where: 'container image',
    file: 'scripts/service.ts',
    default: '`gateway`',
    meaning:
      "Which compiled service `node scripts/dist/service.js` (the image's command and `HEALTHCHECK`) runs: `gateway`, `customer` or `reservation`. See [operations](operations.md#container-image).",
  },
  {
    name: 'CI',
    where: 'all',
    file: 'packages/platform/src/config.ts',
    default: 'unset',
    meaning: 'When set (and not `false`), logs stay JSON even on a terminal (see `LOG_FORMAT`).',
  },
  {
    name: 'GATEWAY_URL',
    where: '`npm run dev:web`',
    file: 'examples/web/vite.config.ts',
    default: '`http://localhost:4000`',
    meaning: "Where the example web app's dev server proxies `/graphql`.",
  },
  {
    name: 'TEST_POSTGRES_URL',
    where: 'tests, bench',
    file: 'packages/test-support/src/postgres.ts',
    default: '`postgresql://postgres@127.0.0.1:5432/postgres`',
    meaning: 'Server on which tests create and drop their databases.',
  },
  {
    name: 'TEST_REDIS_URL',
    where: 'tests, bench',
    file: 'packages/test-support/src/redis.ts',
    default: '`redis://127.0.0.1:6379`',
    meaning: 'Redis the tests use, each under its own key prefix.',
  },
  {
    name: 'TEST_LOG_LEVEL',
    where: 'tests',
    file: 'packages/test-support/src/supergraph.ts',
    default: '`silent`',
    meaning: 'Log level of services started in-process by tests.',
  },
  {
    name: 'ROLLING_RESTART_BUILD',
    where: 'tests',
    file: 'test/rolling-restart.test.ts',
    default: 'unset (the compiled build)',
    meaning: '`source` runs the rolling-restart test on the sources through tsx.',
  },
  {
    name: 'IMAGE_STAGE_DIR',
    where: 'tests',
    file: 'test/build.test.ts',
    default: 'unset',
    meaning: "A folder laid out by `npm run image:stage`: the build test then runs the services from the image's runtime stage.",
  },
  {
    name: 'CI_LOG_DIR',
    where: 'tests, `.ci/run`',
    file: 'test/web-app.test.ts',
    default: '`.ci/logs`',
    meaning: "Where the jest log and the web app's screenshots are written.",
  },
];

interface Setting {
  name: string;
  services: ServiceDefinition['name'][];
  description: SettingDescription;
  /** The read as the code makes it (kind, bounds); the first one seen. */
  read: SettingRead;
  defaultText: string;
  /** The one value the code falls back to in every scenario, when there is one. */
  constantDefault: string | null;
}

function formatValue(value: SettingRead['fallback']): string | null {
  if (value === null) return null;
  if (Array.isArray(value)) return value.length === 0 ? null : value.join(',');
  return String(value);
}

function describeDefault(name: string, description: SettingDescription, fallbacks: Map<string, string | null>, problems: string[]): string {
  const distinct = [...new Set([...fallbacks.values()].filter((value): value is string => value !== null))];
  if (description.default !== undefined) {
    for (const value of distinct) {
      if (!description.default.includes(`\`${value}\``)) {
        problems.push(`${name}: the code falls back to "${value}", which its written default "${description.default}" does not quote`);
      }
    }
    return description.default;
  }
  if (distinct.length === 0) return 'unset';
  if (distinct.length === 1 && new Set(fallbacks.values()).size === 1) return `\`${distinct[0]}\``;
  const development = fallbacks.get('development');
  const production = fallbacks.get('production');
  if (fallbacks.size === SCENARIOS.length && [...fallbacks].every(([label, value]) => label === 'production' || value === development)) {
    return `\`${production ?? 'unset'}\` in production, else \`${development ?? 'unset'}\``;
  }
  problems.push(
    `${name}: its default depends on more than NODE_ENV (${[...fallbacks].map(([l, v]) => `${l}: ${v}`).join('; ')}); describe it in words`,
  );
  return 'unset';
}

/** Runs every reader in every scenario and joins what it read with what is written about it. */
export function collectSettings(services: readonly ServiceDefinition[] = SERVICE_DEFINITIONS): { settings: Setting[]; problems: string[] } {
  const problems: string[] = [];
  const rows = new Map<string, Setting>();
  for (const service of services) {
    const reads = new Map<string, { read: SettingRead; fallbacks: Map<string, string | null> }>();
    for (const scenario of SCENARIOS) {
      const observe = (read: SettingRead): void => {
        const override = PER_SUBGRAPH_OVERRIDE.exec(read.name);
        const key = override ? PER_SUBGRAPH_KEY : read.name;
        const entry = reads.get(key) ?? { read, fallbacks: new Map() };
        if (!override) entry.fallbacks.set(scenario.label, formatValue(read.fallback));
        reads.set(key, entry);
      };
      try {
        service.read(scenario.env, { observe, stdoutIsTTY: false });
      } catch (error) {
        // Production without its secrets is refused; what was read before that still counts.
        if (!(error instanceof ConfigError)) throw error;
      }
    }
    for (const name of reads.keys()) {
      if (!(name in service.settings)) problems.push(`${name}: read by the ${service.name} configuration but not described in ${service.source}`);
    }
    for (const [name, description] of Object.entries(service.settings)) {
      const read = reads.get(name);
      if (read === undefined) {
        problems.push(`${name}: described for the ${service.name} but its configuration never reads it (${service.source})`);
        continue;
      }
      const defaultText =
        name === PER_SUBGRAPH_KEY
          ? (description.default ?? 'unset')
          : describeDefault(`${service.name} ${name}`, description, read.fallbacks, problems);
      const values = new Set(read.fallbacks.values());
      const constantDefault = values.size === 1 && description.default === undefined ? ([...values][0] ?? null) : null;
      const key = `${name}\n${JSON.stringify(description)}\n${defaultText}`;
      const existing = rows.get(key);
      if (existing) existing.services.push(service.name);
      else rows.set(key, { name, services: [service.name], description, read: read.read, defaultText, constantDefault });
    }
  }
  for (const outside of OUTSIDE_SETTINGS) {
    const text = readFileSync(path.join(REPO_ROOT, outside.file), 'utf8');
    if (!text.includes(outside.name)) problems.push(`${outside.name}: documented as read by ${outside.file}, which does not mention it`);
    for (const value of outside.default.matchAll(/`([^`]+)`/g)) {
      if (!text.includes(value[1]!)) problems.push(`${outside.name}: default "${value[1]}" not found in ${outside.file}`);
    }
  }
  const order = (setting: Setting) => SETTING_GROUPS.indexOf(setting.description.group);
  const settings = [...rows.values()].map((row, index) => ({ row, index }));
  settings.sort((a, b) => order(a.row) - order(b.row) || a.index - b.index);
  return { settings: settings.map(({ row }) => row), problems };
}

function serviceLabel(services: Setting['services']): string {
  if (services.length === SERVICE_DEFINITIONS.length) return 'all';
  if (services.length === 2 && services.includes('customer') && services.includes('reservation')) return 'subgraphs';
  return services.join(', ');
}

function valuesText(setting: Setting): string {
  const { read, description } = setting;
  if (description.format) return description.format;
  const range = (min?: number, max?: number) => (min !== undefined && max !== undefined ? `${min}-${max}` : '');
  switch (read.kind) {
    case 'integer':
      return setting.name.endsWith('_PORT') ? 'port' : `integer ${range(read.min, read.max)}`;
    case 'fraction':
      return 'number 0-1';
    case 'boolean':
      return '`true`, `false`';
    case 'choice':
      return (read.allowed ?? []).map((value) => `\`${value}\``).join(', ');
    case 'url':
      return `${(read.allowed ?? []).join('/')} URL`;
    case 'list':
      return 'comma-separated list';
    case 'secret':
      return `secret, ${read.minLength ?? 0}+ characters${read.requiredIn ? `, required in ${read.requiredIn}` : ''}`;
    case 'text':
      return 'text';
  }
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

const GENERATED_NOTE =
  'Generated by `npm run docs` from the config definitions (`*/config.ts`: what each service reads, with its bounds and defaults, and the `*_SETTINGS` describing it); `npm run docs:check` (CI) fails when this file or a `.env.example` drifts from them. Edit the definitions, not this file.';

export function renderConfigurationDoc(settings: readonly Setting[]): string {
  const lines = [
    '# Configuration',
    '',
    `<!-- ${GENERATED_NOTE} -->`,
    '',
    'Each service reads and validates its environment once at start-up; every invalid value is',
    'reported together, naming the variable, and the process exits 1. A service also loads an',
    'optional `.env` beside its `package.json` (copy its `.env.example`, generated from the same',
    'definitions as this page); variables already set in the environment win.',
    '',
    'This page is generated from the code that reads each variable (`npm run docs`), so its',
    "defaults and bounds are the code's; CI's `npm run docs:check` fails when it drifts.",
    '',
    'Service: `all` is the gateway and both subgraphs; `subgraphs` the customer and reservation',
    'subgraphs. Default: what the service uses when the variable is unset or empty.',
    '',
  ];
  for (const group of SETTING_GROUPS) {
    const rows = settings.filter((setting) => setting.description.group === group);
    if (rows.length === 0) continue;
    lines.push(`## ${group}`, '', '| variable | service | default | values | meaning |', '|---|---|---|---|---|');
    for (const row of rows) {
      lines.push(
        `| \`${row.name}\` | ${serviceLabel(row.services)} | ${cell(row.defaultText)} | ${cell(valuesText(row))} | ${cell(row.description.meaning)} |`,
      );
    }
    lines.push('');
  }
  lines.push(
    '## Outside the services',
    '',
    'Read by scripts, tests and tools rather than by a service:',
    '',
    '| variable | read by | default | meaning |',
    '|---|---|---|---|',
    ...OUTSIDE_SETTINGS.map((s) => `| \`${s.name}\` | ${s.where} | ${cell(s.default)} | ${cell(s.meaning)} |`),
    '',
  );
  return lines.join('\n');
}

/** Markdown to plain comment text: links become their text and target, relative to the repository root. */
function plain(text: string): string {
  return text.replace(/\[([^\]]+)\]\(([^)#]*)(#[^)]*)?\)/g, (_, label: string, target: string) => `${label}: docs/${target}`).replace(/`/g, '');
}

function wrap(text: string, width = 96): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

export function renderEnvExample(service: ServiceDefinition, settings: readonly Setting[]): string {
  const lines = [
    `# ${service.title}. Copy to .env (beside this file) to use; variables set in the environment`,
    '# win over this file. Uncommented values are the defaults.',
    `# Generated by \`npm run docs\` from ${service.source}; docs/configuration.md explains every setting.`,
  ];
  for (const group of SETTING_GROUPS) {
    const rows = settings.filter((setting) => setting.description.group === group && setting.services.includes(service.name));
    if (rows.length === 0) continue;
    lines.push('', `# --- ${group}`);
    for (const row of rows) {
      const note = `${plain(row.description.meaning)} Values: ${plain(valuesText(row))}. Default: ${plain(row.defaultText)}.`;
      lines.push(...wrap(note).map((line) => `# ${line}`));
      if (row.name === PER_SUBGRAPH_KEY) lines.push('# RESERVATION_SERVICE_TIMEOUT=2000');
      else if (row.constantDefault !== null) lines.push(`${row.name}=${row.constantDefault}`);
      else lines.push(`# ${row.name}=${row.description.example ?? ''}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Every generated file, by path relative to the repository root. */
export function generatedFiles(): { files: Map<string, string>; problems: string[] } {
  const { settings, problems } = collectSettings();
  const files = new Map<string, string>([['docs/configuration.md', renderConfigurationDoc(settings)]]);
  for (const service of SERVICE_DEFINITIONS) files.set(`${service.dir}/.env.example`, renderEnvExample(service, settings));
  return { files, problems };
}
