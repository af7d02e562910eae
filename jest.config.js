/**
 * One jest run covers every workspace. Tests are transpiled only (`npm run typecheck` does
 * the type checking); `module: commonjs` turns the dynamic `import()` calls in Prisma's
 * generated client into `require`, which jest's CommonJS runtime can execute. Workspace
 * packages resolve to their TypeScript sources through tsconfig.json's `paths`, as under tsc
 * and tsx, never to a compiled dist/ that may be stale or absent.
 */
const ts = require('typescript');
const { pathsToModuleNameMapper } = require('ts-jest');

const { config: tsconfig } = ts.readConfigFile(`${__dirname}/tsconfig.json`, ts.sys.readFile);

const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: { module: 'commonjs', moduleResolution: 'node10', isolatedModules: true } }],
};

module.exports = {
  testEnvironment: 'node',
  transform,
  moduleNameMapper: pathsToModuleNameMapper(tsconfig.compilerOptions.paths, { prefix: '<rootDir>/' }),
  testMatch: [
    '<rootDir>/packages/*/test/**/*.test.ts',
    '<rootDir>/subgraphs/*/test/**/*.test.ts',
    '<rootDir>/gateway/test/**/*.test.ts',
    '<rootDir>/test/**/*.test.ts',
  ],
  moduleFileExtensions: ['ts', 'js', 'json', 'node'],
  testTimeout: 60000,
};
