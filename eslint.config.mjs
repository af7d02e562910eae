// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * ESLint's and typescript-eslint's recommended rules, without type information (a type-aware
 * run would type-check the whole tree a second time; `npm run typecheck` already does), plus
 * a few rules the code already follows. Layout is Prettier's (`npm run format:check`).
 */
export default tseslint.config(
  {
    ignores: ['**/node_modules/', '**/dist/', '**/generated/', 'examples/web/src/gql/', 'coverage/', '.data/', 'bench/results/'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `_` marks what a signature or a destructuring must name but the code does not use.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // `typeof import('...')` stays allowed: it types what is loaded lazily with require().
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      // Off: the build is CommonJS, and require() is how the code loads a module only when it is
      // needed (Sentry with a DSN), by a computed name (Kubernetes models by apiVersion), or where
      // a package's declarations are ES-module only (PGlite's contrib extensions).
      '@typescript-eslint/no-require-imports': 'off',
      // Module augmentation (Apollo Client's default options) is written as a namespace declaration.
      '@typescript-eslint/no-namespace': ['error', { allowDeclarations: true }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-var': 'error',
      'object-shorthand': 'error',
    },
  },
  {
    // CommonJS configuration files (jest reads jest.config.js with require).
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly' } },
  },
);
