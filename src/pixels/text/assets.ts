/**
 * Where the OCR engine's files come from. tesseract.js fetches its worker script, its WebAssembly
 * core and the English traineddata from jsDelivr unless told otherwise; Veil never lets it: every
 * path is ours, and `ocrWorkerOptions` refuses any URL that is not on our own origin.
 *
 * - Browser: the app serves the files under `/ocr/` (vite/ocrAssets.ts copies them into dist/) and
 *   registers absolute URLs with `setOcrAssets` before the first scan. Nothing registered means
 *   no OCR (a reason, never a CDN fallback).
 * - Node (tests, CLI): tesseract.js runs its Node worker script from node_modules, the core is
 *   `require`d there, and the traineddata is read from @tesseract.js-data/eng on disk.
 */

import { fail, ok, type Result } from '../../dicom/ReadError.ts';

/** The public folder the app serves OCR files from, and its layout (see vite/ocrAssets.ts). */
export const OCR_PUBLIC_DIR = 'ocr';
/** tesseract.js's browser worker script, as served. */
export const OCR_WORKER_FILE = 'worker.min.js';
/** The LSTM-only cores (plain, SIMD, relaxed SIMD; the worker picks one) with the .wasm inlined. */
export const OCR_CORE_FILES = [
  'tesseract-core-lstm.wasm.js',
  'tesseract-core-simd-lstm.wasm.js',
  'tesseract-core-relaxedsimd-lstm.wasm.js',
] as const;
/** The integer-quantised "best" English model: the one tesseract.js uses for LSTM-only recognition. */
export const OCR_LANG_DIR = '4.0.0_best_int';
export const OCR_LANG_FILE = 'eng.traineddata.gz';

/** Where each OCR file is. In the browser every value is an absolute URL on our origin. */
export interface OcrAssets {
  /** tesseract.js's worker script (browser: dist/worker.min.js; Node: src/worker-script/node/index.js). */
  workerPath: string;
  /** Browser: the folder holding OCR_CORE_FILES. Node: unused (the core is `require`d). */
  corePath?: string;
  /** The folder holding eng.traineddata.gz. */
  langPath: string;
}

let registered: OcrAssets | undefined;

/** Registers where the app serves the OCR files (browser; call before the first scan). */
export const setOcrAssets = (assets: OcrAssets): void => {
  registered = { ...assets };
};

/** The URLs under an origin-relative base ("/", "/veil/"), as the app serves them. */
export const servedOcrAssets = (base: string): OcrAssets => {
  const root = `${base.replace(/\/?$/, '/')}${OCR_PUBLIC_DIR}/`;
  return { workerPath: `${root}${OCR_WORKER_FILE}`, corePath: `${root}core`, langPath: `${root}lang` };
};

const inBrowser = (): boolean =>
  typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined' ||
  typeof (globalThis as { document?: unknown }).document !== 'undefined';

/** The origin the page or worker was loaded from, if any. */
const ownOrigin = (): string | undefined => (globalThis as { location?: { origin?: string } }).location?.origin;

/**
 * Node only: the files in node_modules, found by module resolution from this file (works from the
 * sources and from the CLI bundle in .cache/cli/). The specifier is a variable so that bundlers
 * for the browser leave `node:module` alone.
 */
const nodeAssets = async (): Promise<OcrAssets> => {
  const specifier = 'node:module';
  const { createRequire } = (await import(/* @vite-ignore */ specifier)) as typeof import('node:module');
  const require = createRequire(import.meta.url);
  const dirOf = (p: string) => p.replace(/[\\/][^\\/]*$/, '');
  const tesseract = dirOf(require.resolve('tesseract.js/package.json'));
  const data = dirOf(require.resolve('@tesseract.js-data/eng/package.json'));
  return {
    workerPath: `${tesseract}/src/worker-script/node/index.js`,
    langPath: `${data}/${OCR_LANG_DIR}`,
  };
};

/** The assets to use here: the registered ones, else (Node only) node_modules. */
export const ocrAssets = async (): Promise<Result<OcrAssets>> => {
  if (registered) return ok(registered);
  if (inBrowser())
    return fail('unsupported', 'the OCR files are not registered (setOcrAssets): text in pixels cannot be read');
  try {
    return ok(await nodeAssets());
  } catch (e) {
    return fail('unsupported', `the OCR files are missing from node_modules (${e instanceof Error ? e.message : e})`);
  }
};

/** The options tesseract.js's createWorker gets: everything explicit, no cache, no blob worker. */
export interface OcrWorkerOptions {
  workerPath: string;
  corePath?: string;
  langPath: string;
  gzip: true;
  /** 'none': never read or write IndexedDB / disk caches; the file is served once per worker. */
  cacheMethod: 'none';
  /** A blob: worker would need `worker-src blob:`, which our CSP forbids. */
  workerBlobURL: false;
  legacyCore: false;
  legacyLang: false;
}

/** A URL (scheme://…) rather than a file path. */
const isUrl = (s: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(s) || s.startsWith('//');

/**
 * Builds createWorker's options from the assets, refusing any URL that leaves our origin (in Node
 * any URL at all: the files are on disk). This is the one gate every OCR load goes through.
 */
export const ocrWorkerOptions = (given: OcrAssets, origin = ownOrigin()): Result<OcrWorkerOptions> => {
  // In a worker, tesseract.js uses paths as given; a nested worker would resolve a relative one
  // against its own script, so paths on our origin are made absolute here.
  const href = (globalThis as { location?: { href?: string } }).location?.href;
  const absolute = (s: string | undefined) => (s && inBrowser() && href && !isUrl(s) ? new URL(s, href).href : s);
  const assets: OcrAssets = {
    workerPath: absolute(given.workerPath) ?? '',
    corePath: absolute(given.corePath),
    langPath: absolute(given.langPath) ?? '',
  };
  for (const [key, value] of Object.entries(assets)) {
    if (value === undefined) continue;
    if (typeof value !== 'string' || !value) return fail('unsupported', `the OCR ${key} is empty`);
    if (!isUrl(value)) continue;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return fail('unsupported', `the OCR ${key} "${value}" is not a valid URL`);
    }
    if (!origin || url.origin !== origin)
      return fail('unsupported', `the OCR ${key} "${value}" is not on Veil's own origin; nothing is fetched elsewhere`);
  }
  return ok({
    workerPath: assets.workerPath,
    ...(assets.corePath ? { corePath: assets.corePath } : {}),
    langPath: assets.langPath,
    gzip: true,
    cacheMethod: 'none',
    workerBlobURL: false,
    legacyCore: false,
    legacyLang: false,
  });
};
