import { defineConfig } from '@playwright/test';
import { CHROMIUM } from './e2e/chromium.ts';

/**
 * End-to-end tests: Debian's Chromium (no Playwright browser download) driving the built app as
 * `vite preview` serves it. Timeouts are only there to stop a hung run; no test measures time.
 */
const PORT = 4173;

export default defineConfig({
  testDir: 'e2e',
  testMatch: '*.spec.ts',
  timeout: 300_000,
  expect: { timeout: 60_000 },
  // One test at a time: each run already uses every core through the app's worker pool.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://localhost:${PORT}`,
    browserName: 'chromium',
    acceptDownloads: true,
    // A step that cannot happen fails within a minute instead of hanging until the test timeout.
    actionTimeout: 60_000,
    serviceWorkers: 'allow',
    launchOptions: {
      ...CHROMIUM,
    },
  },
  webServer: {
    command: `npx vite preview --port ${PORT} --strictPort`,
    url: `http://localhost:${PORT}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
