import { readFileSync } from 'node:fs';
import { VitePWA } from 'vite-plugin-pwa';
import { viteStaticCopy } from 'vite-plugin-static-copy';
import { defineConfig } from 'vitest/config';
import { contentSecurityPolicy } from './vite/csp.ts';
import { faceAssetTargets } from './vite/faceAssets.ts';
import { ocrAssetTargets } from './vite/ocrAssets.ts';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

// Everything is served from our own origin; the CSP (vite/csp.ts, in the page and as a header)
// forbids anything else.
// The service worker precaches the whole app (and the sample CD) so that after one visit Veil
// loads and works with the network switched off.
export default defineConfig({
  worker: { format: 'es' },
  // The version the report names, from package.json (as the CLI's report does).
  define: { __VEIL_VERSION__: JSON.stringify(version) },
  build: { target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 600 },
  preview: { port: 4173, strictPort: true },
  plugins: [
    contentSecurityPolicy(),
    // The face detector's weights and TensorFlow.js's WebAssembly (face-check/), and tesseract.js's
    // worker, core and English data (ocr/): copied from node_modules into the build, so they are
    // served from our own origin like everything else (src/pixels/faceCheck/browser.ts,
    // src/pixels/text/assets.ts). Flat: the loaders ask for file names under those folders.
    viteStaticCopy({
      targets: [...faceAssetTargets, ...ocrAssetTargets].map((t) => ({ ...t, rename: { stripBase: true } })),
    }),
    VitePWA({
      // 'prompt': a new version never reloads the page by itself (it could be in the middle of a run).
      registerType: 'prompt',
      // The app registers the worker itself (src/ui/offline.ts) so it can say when it is ready
      // offline; an inline registration script would also break the CSP.
      injectRegister: false,
      // The icons are matched by globPatterns below; listing them twice would duplicate entries.
      includeManifestIcons: false,
      manifest: {
        name: 'Veil — DICOM de-identifier',
        short_name: 'Veil',
        description: 'De-identify DICOM images on your own computer. Nothing is uploaded.',
        start_url: '.',
        scope: '.',
        display: 'standalone',
        background_color: '#f7f7f4',
        theme_color: '#1d3b53',
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: 'icon.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
      },
      workbox: {
        // Sample files have no extension (like a real CD), so match everything under sample/.
        // bin and gz: the face detector's weights and the OCR language data, so both checks work offline.
        globPatterns: ['**/*.{js,css,html,svg,png,json,wasm,bin,gz}', 'sample/**/*'],
        globIgnores: ['**/*.map', 'sample/.gitignore'],
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
        navigateFallback: 'index.html',
        cleanupOutdatedCaches: true,
      },
    }),
  ],
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'workers/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
