/**
 * typescript-eslint over the whole tree (engine/, nodes/, credentials/, test/, bench/, scripts/, dashboard/),
 * with Prettier owning layout (eslint-config-prettier turns off the rules that would argue with it).
 * The n8n community-node lint is a separate config (eslint.config.mjs), run by `npm run lint:n8n`.
 */
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // bench/.build holds the bench's bundles while it runs (and after a run that was killed).
  { ignores: ['dist/**', 'dist-n8n/**', 'node_modules/**', 'coverage/**', 'bench/.build/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        Buffer: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        fetch: 'readonly',
        structuredClone: 'readonly',
        queueMicrotask: 'readonly',
        performance: 'readonly',
        Response: 'readonly',
        Request: 'readonly',
        Headers: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // The dashboard runs in the browser: its names (document, sessionStorage, EventSource …) are
    // checked by TypeScript against the DOM library (dashboard/tsconfig.json), not listed here.
    files: ['dashboard/**/*.ts', 'dashboard/**/*.tsx'],
    rules: { 'no-undef': 'off' },
  },
  prettier,
);
