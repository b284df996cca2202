/**
 * Burned-in text: find it with OCR, black it out, prove it gone by reading the result back.
 * The pieces, for the engine (cleanBurnedInText), the app (findText, redactFrames for
 * user-edited boxes) and the bundler (where the OCR files are served from).
 */

export {
  OCR_CORE_FILES,
  OCR_LANG_DIR,
  OCR_LANG_FILE,
  OCR_PUBLIC_DIR,
  OCR_WORKER_FILE,
  type OcrAssets,
  ocrWorkerOptions,
  servedOcrAssets,
  setOcrAssets,
} from './assets.ts';
export { type Box, mergeBoxes, type Rect } from './Box.ts';
export { isAllowed, isIdLike, PixelIdentity, type Risk, type RiskKind, risksIn } from './classify.ts';
export { type CleanedText, type CleanOptions, cleanBurnedInText, type TextVerdict, withheldText } from './clean.ts';
export { type FindOptions, type FoundText, findText, readFrame } from './findText.ts';
export { closeRecognizer, ocrLoadCount, recognizer } from './ocr.ts';
export { type EmbeddedOverlay, embeddedOverlays, maskOverlayBits } from './overlays.ts';
export { blackOf, redactFrame, redactFrames } from './redact.ts';
export { type Verification, verifyClean } from './verify.ts';
