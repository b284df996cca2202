/**
 * The OCR files the app must serve from its own origin, as vite-plugin-static-copy targets:
 *
 *   /ocr/worker.min.js                              tesseract.js's browser worker script
 *   /ocr/core/tesseract-core{,-simd,-relaxedsimd}-lstm.wasm.js   the WebAssembly core (wasm inlined)
 *   /ocr/lang/eng.traineddata.gz                    the English LSTM model (best_int)
 *
 * Use: `viteStaticCopy({ targets: ocrAssetTargets })` in vite.config.ts, and in the engine worker
 * `setOcrAssets(servedOcrAssets(import.meta.env.BASE_URL))` (src/pixels/text/assets.ts) before the
 * first scan. Together these are the only places the OCR engine loads anything from.
 */

import {
  OCR_CORE_FILES,
  OCR_LANG_DIR,
  OCR_LANG_FILE,
  OCR_PUBLIC_DIR,
  OCR_WORKER_FILE,
} from '../src/pixels/text/assets.ts';

/** One file to copy: `src` (from the project root) into `dest` (relative to the build output). */
export interface OcrCopyTarget {
  src: string;
  dest: string;
  /** Keep the file name, drop node_modules' folders. */
  rename: { stripBase: true };
}

const target = (src: string, dest: string): OcrCopyTarget => ({ src, dest, rename: { stripBase: true } });

/** The vite-plugin-static-copy targets for tesseract.js, its core and the English data. */
export const ocrAssetTargets: OcrCopyTarget[] = [
  target(`node_modules/tesseract.js/dist/${OCR_WORKER_FILE}`, OCR_PUBLIC_DIR),
  ...OCR_CORE_FILES.map((f) => target(`node_modules/tesseract.js-core/${f}`, `${OCR_PUBLIC_DIR}/core`)),
  target(`node_modules/@tesseract.js-data/eng/${OCR_LANG_DIR}/${OCR_LANG_FILE}`, `${OCR_PUBLIC_DIR}/lang`),
];
