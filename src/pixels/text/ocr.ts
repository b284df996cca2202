/**
 * The OCR engine: tesseract.js (LSTM only, English), loaded once per worker from our own files
 * (./assets.ts) and reused for every frame. tesseract.js runs the recognizer in a worker of its
 * own (worker_threads in Node, a nested dedicated Worker in the browser, at our URL); Veil talks
 * to it through createWorker and gets word boxes back as TSV.
 */

import { fail, ok, type Result } from '../../dicom/ReadError.ts';
import { type OcrAssets, ocrAssets, ocrWorkerOptions } from './assets.ts';

/** An 8-bit grey picture for the recognizer: dark text on a light ground reads best. */
export interface GreyImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** One word the recognizer read, in the picture's pixel coordinates. */
export interface Word {
  text: string;
  /** Tesseract's confidence, 0–100. */
  confidence: number;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Words sharing this key sit on one text line (block.paragraph.line). */
  line: string;
}

/** The part of tesseract.js's worker Veil uses. */
interface TesseractWorker {
  setParameters(params: Record<string, string>): Promise<unknown>;
  recognize(
    image: Uint8Array,
    options?: Record<string, unknown>,
    output?: Record<string, boolean>,
  ): Promise<{ data: { tsv: string | null } }>;
  terminate(): Promise<unknown>;
}

/**
 * Recognizer settings. PSM 11 (sparse text): device annotations are scattered words and numbers,
 * not paragraphs. We hand over dark-on-light pictures ourselves, so Tesseract's own trial
 * inversion of every line is skipped (it roughly doubles the time).
 */
const PARAMETERS: Record<string, string> = {
  tessedit_pageseg_mode: '11',
  tessedit_do_invert: '0',
  user_defined_dpi: '300',
};

let loading: Promise<Result<TesseractWorker>> | undefined;
/** How many times the engine was loaded in this worker (the bench and tests check it stays 1). */
let loads = 0;

/** How many times the OCR engine has been loaded in this worker. */
export const ocrLoadCount = (): number => loads;

const load = async (assets?: OcrAssets): Promise<Result<TesseractWorker>> => {
  const where = assets ? ok(assets) : await ocrAssets();
  if (!where.ok) return where;
  const options = ocrWorkerOptions(where.value);
  if (!options.ok) return options;
  try {
    const mod = (await import('tesseract.js')) as unknown as {
      createWorker?: (l: string, oem: number, o: object) => Promise<TesseractWorker>;
      default?: { createWorker: (l: string, oem: number, o: object) => Promise<TesseractWorker> };
    };
    const createWorker = mod.createWorker ?? mod.default?.createWorker;
    if (!createWorker) return fail('unsupported', 'tesseract.js has no createWorker');
    loads++;
    // OEM 1: LSTM only, which matches the lstm cores and the best_int traineddata we ship.
    const worker = await createWorker('eng', 1, {
      ...options.value,
      errorHandler: () => {},
      logger: () => {},
    });
    await worker.setParameters(PARAMETERS);
    return ok(worker);
  } catch (e) {
    return fail('unsupported', `the OCR engine could not be loaded (${e instanceof Error ? e.message : String(e)})`);
  }
};

/**
 * The OCR engine of this worker, loaded on first use and shared afterwards. A failed load is
 * forgotten so the next call tries again. `assets` overrides where the files come from (tests).
 */
export const recognizer = (assets?: OcrAssets): Promise<Result<TesseractWorker>> => {
  if (!loading) {
    loading = load(assets);
    void loading.then((r) => {
      if (!r.ok) loading = undefined;
    });
  }
  return loading;
};

/** Stops the OCR engine of this worker (tests, bench; a worker that ends needs none). */
export const closeRecognizer = async (): Promise<void> => {
  const r = await loading;
  loading = undefined;
  if (r?.ok) await r.value.terminate();
};

/** A binary PGM (P5): the cheapest picture format Leptonica reads, a header and the bytes. */
export const toPgm = (img: GreyImage): Uint8Array => {
  const header = new TextEncoder().encode(`P5\n${img.width} ${img.height}\n255\n`);
  const out = new Uint8Array(header.length + img.data.length);
  out.set(header);
  out.set(img.data, header.length);
  return out;
};

/** Parses Tesseract's TSV: level 5 rows are words (PS: level, page, block, par, line, word, box, conf, text). */
export const parseTsv = (tsv: string): Word[] => {
  const words: Word[] = [];
  for (const row of tsv.split('\n')) {
    const c = row.split('\t');
    if (c[0] !== '5' || c.length < 12) continue;
    const text = c.slice(11).join('\t').trim();
    if (!text) continue;
    words.push({
      text,
      confidence: Number(c[10]),
      x: Number(c[6]),
      y: Number(c[7]),
      width: Number(c[8]),
      height: Number(c[9]),
      line: `${c[2]}.${c[3]}.${c[4]}`,
    });
  }
  return words;
};

/** Reads the words of one picture. */
export const recognizeWords = async (img: GreyImage, assets?: OcrAssets): Promise<Result<Word[]>> => {
  const engine = await recognizer(assets);
  if (!engine.ok) return engine;
  try {
    const r = await engine.value.recognize(toPgm(img), {}, { text: false, tsv: true });
    return ok(parseTsv(r.data.tsv ?? ''));
  } catch (e) {
    return fail('malformed', `OCR failed (${e instanceof Error ? e.message : String(e)})`);
  }
};
