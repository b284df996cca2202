import type { Plugin } from 'vite';

/**
 * Veil's one Content-Security-Policy: scripts, workers, styles, images and WASM come from this
 * origin only, and nothing may connect anywhere else. No 'unsafe-inline', no external host.
 * 'wasm-unsafe-eval' lets the codecs, the OCR engine and the face detector compile their own
 * WebAssembly; it allows no JavaScript eval.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "img-src 'self' blob: data:",
  "style-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "media-src 'none'",
  "object-src 'none'",
  "frame-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/**
 * Puts the policy in two places, both needed:
 * - a `<meta>` in index.html, so the page is covered wherever the built files are hosted;
 * - a response header on every file the dev and preview servers send. A worker does not inherit
 *   the page's policy: it takes the one its own script arrives with (HTML, "run a worker"), so
 *   without the header the engine, zip, OCR and 3D workers could fetch from anywhere.
 * Hosting `dist/` elsewhere should send the same header (README, "Nothing leaves").
 */
export const contentSecurityPolicy = (): Plugin => {
  const header = (_req: unknown, res: { setHeader(name: string, value: string): void }, next: () => void) => {
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    next();
  };
  return {
    name: 'veil-content-security-policy',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY },
        injectTo: 'head-prepend',
      },
    ],
    configureServer: (server) => {
      server.middlewares.use(header);
    },
    configurePreviewServer: (server) => {
      server.middlewares.use(header);
    },
  };
};
