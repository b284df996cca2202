import { defineConfig } from 'vitest/config';

// Everything is served from our own origin; the CSP in index.html forbids anything else.
export default defineConfig({
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
