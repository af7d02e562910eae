/**
 * Runs `prisma generate` for the subgraph in the current directory without network access.
 * The Prisma 7 CLI insists on locating its schema-engine binary before any command, and
 * downloads it when absent; `generate` never runs that engine, so pointing the variable at
 * any existing file (here, node itself) lets the CLI start offline.
 */
import { spawnSync } from 'node:child_process';

const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath };
const result = spawnSync('prisma', ['generate'], { stdio: 'inherit', env, shell: process.platform === 'win32' });
process.exit(result.status ?? 1);
