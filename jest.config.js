/**
 * One jest run covers every workspace. Tests are transpiled only (`npm run typecheck` does
 * the type checking); `module: commonjs` turns the dynamic `import()` calls in Prisma's
 * generated client into `require`, which jest's CommonJS runtime can execute.
 */
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: { module: 'commonjs', moduleResolution: 'node10', isolatedModules: true } }],
};

module.exports = {
  testEnvironment: 'node',
  transform,
  testMatch: [
    '<rootDir>/packages/*/test/**/*.test.ts',
    '<rootDir>/subgraphs/*/test/**/*.test.ts',
    '<rootDir>/gateway/test/**/*.test.ts',
    '<rootDir>/test/**/*.test.ts',
  ],
  moduleFileExtensions: ['ts', 'js', 'json', 'node'],
  testTimeout: 60000,
};
