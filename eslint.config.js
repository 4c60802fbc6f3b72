// Lint rules: typescript-eslint's recommended type-aware set (every .ts and the console's .js are
// linted with their tsconfig's types), with `any` banned.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.sample/', 'build/'] },
  // ajv's output, written by scripts/generate-validators.mjs: not ours to style.
  { ignores: ['src/protocol/request-validators.generated.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    // Each file is checked with the tsconfig.json nearest to it: the root one for src/, test/,
    // bench/; web/tsconfig.json for the console.
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // node:test runs every test/describe/it it is given and reports it; their promises are its.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] }] },
      ],
    },
  },
  {
    // The bench's scenario table: each scenario's start() is async by contract (most await, a few
    // answer at once) and hands over a webhook's methods; neither is a bug there.
    files: ['bench/run.ts'],
    rules: { '@typescript-eslint/require-await': 'off', '@typescript-eslint/unbound-method': 'off' },
  },
  {
    // The console's browser modules: typed by web/tsconfig.json (checkJs), which also knows the DOM's names.
    files: ['web/**/*.js'],
    languageOptions: { sourceType: 'module' },
    rules: { 'no-undef': 'off', '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }] },
  },
  {
    // Node scripts outside every tsconfig: linted without types.
    files: ['scripts/**/*.mjs', 'eslint.config.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
