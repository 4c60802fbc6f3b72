// Lint rules: typescript-eslint's recommended type-aware set (every .ts and the console's .js are
// linted with their tsconfig's types), with `any` banned.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.sample/', 'build/'] },
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
    // TODO(lead: src/exec, bench): what the type-aware rules found in folders this change leaves
    // alone, listed one file at a time so that nothing else is let through; remove when fixed.
    files: ['src/exec/env.ts'],
    rules: { '@typescript-eslint/no-unsafe-argument': 'off' },
  },
  {
    files: ['src/exec/output-reader.ts', 'src/exec/run.ts'],
    rules: { '@typescript-eslint/await-thenable': 'off' },
  },
  {
    files: ['src/exec/prepare.ts', 'src/exec/run.ts', 'bench/run.ts'],
    rules: { '@typescript-eslint/unbound-method': 'off' },
  },
  {
    files: ['bench/run.ts'],
    rules: { '@typescript-eslint/require-await': 'off' },
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
