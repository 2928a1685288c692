import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

// Unit and integration tests run under plain Node. Component tests opt into happy-dom with
// a `// @vitest-environment happy-dom` comment at the top of the file.
export default defineConfig({
  root,
  plugins: [react()],
  test: {
    include: ['test/unit/**/*.test.{ts,tsx}', 'test/integration/**/*.test.{ts,tsx}'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One real Docker engine for the suites that install (test/fixtures/engine).
    globalSetup: ['test/fixtures/engine/globalSetup.ts'],
    reporters: ['default'],
  },
});
