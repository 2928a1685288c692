// Lint rules, including the house plan's import boundaries (architecture.md §1):
// `electron` only in the adapters, and the shared core free of node:*, DOM and services.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'net', 'http', 'https', 'stream', 'url', 'util', 'buffer'];

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'docs/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-empty-function': 'off',
    },
  },
  {
    // Everything except the Electron adapters: no electron.
    files: ['**/*.{ts,tsx,js,mjs}'],
    ignores: ['src-main/index.ts', 'src-main/window.ts', 'src-main/preload/**', 'src-main/platform/**', 'test/e2e/electron*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Only the adapters (src-main/index.ts, window.ts, preload/, platform/) may import electron.' }], patterns: [{ group: ['electron/*'], message: 'Only the adapters may import electron.' }] }],
    },
  },
  {
    files: ['src-main/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'The shared core is pure: no electron.' }],
        patterns: [
          { group: nodeBuiltins, message: 'The shared core is pure: no Node built-ins (it also runs in the renderer).' },
          { group: ['**/services/**', '**/platform/**', '**/bridge/**', '**/cli/**', 'react', 'react-dom'], message: 'The shared core depends on nothing outside itself.' },
        ],
      }],
      'no-restricted-globals': ['error', { name: 'window', message: 'No DOM in the shared core.' }, { name: 'document', message: 'No DOM in the shared core.' }, { name: 'Buffer', message: 'No Node Buffer in the shared core.' }, { name: 'process', message: 'No process in the shared core.' }],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'The renderer talks only to window.api.' }],
        patterns: [
          { group: nodeBuiltins, message: 'The renderer runs in a sandboxed page: no Node built-ins.' },
          { group: ['**/src-main/services/**', '**/src-main/platform/**', '**/src-main/bridge/**', '**/src-main/cli/**'], message: 'The renderer may import only src-main/shared.' },
        ],
      }],
    },
  },
);
