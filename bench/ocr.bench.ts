/**
 * `npx tsx bench/ocr.bench.ts`: burned-in text, found and cleaned (decode, OCR passes, redaction,
 * read-back verification) in one worker. Targets (issue 5): one 640×480 frame < 1 s, a 100-frame
 * cine < 10 s, the OCR assets loaded once per worker. Prints figures; asserts nothing.
 */
import { readDicom } from '../src/dicom/read.ts';
import { cleanBurnedInText, closeRecognizer, ocrLoadCount, recognizer } from '../src/pixels/text/index.ts';
import { dicomImage, ground, paint, rendererMissing, renderMasks, type TextItem } from '../test/text/render.ts';

const missing = rendererMissing();
if (missing) {
  console.log(`ocr bench skipped: ${missing}`);
  process.exit(0);
}

const W = 640;
const H = 480;
const items: TextItem[] = [
  { text: 'MÜLLER, JÖRG', x: 12, y: 8, font: 'sans', size: 15, colour: [255, 255, 255] },
  { text: 'PID4471182', x: 12, y: 30, font: 'mono', size: 13, colour: [255, 255, 0] },
  { text: '01.03.2024 12:34:56', x: 470, y: 8, font: 'sans', size: 13, colour: [0, 255, 255] },
  { text: '5.0cm 12MHz', x: 540, y: 450, font: 'mono', size: 12, colour: [255, 255, 255] },
];
const masks = renderMasks(items, W, H);
const identity = ['MÜLLER', 'JÖRG', 'PID4471182'];

/**
 * The ultrasound image region: it holds the generated speckle sector whole, as a device's region
 * holds its live image, so the annotation around it is static from frame to frame (as the read-back
 * of a static cine checks, src/pixels/text/changed.ts).
 */
const SECTOR = [[60, 20, 580, 412]] as [number, number, number, number][];

const image = (count: number, kind: 'speckle' | 'black') => {
  const frames = Array.from({ length: count }, (_, k) => paint(ground(kind, W, H, 11 + k), masks, items));
  const f = readDicom(dicomImage({ width: W, height: H, frames, photometric: 'RGB', regions: SECTOR }));
  if (!f.ok) throw new Error(f.error.message);
  return f.value;
};

const time = async (label: string, file: ReturnType<typeof image>, runs: number) => {
  const ms: number[] = [];
  let verdict = '';
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = await cleanBurnedInText(file, identity);
    ms.push(performance.now() - t);
    verdict = r.verdict.ok ? `clean, ${r.boxes[0]?.length ?? 0} boxes${r.static ? ', static' : ''}` : r.verdict.reason;
  }
  ms.sort((a, b) => a - b);
  console.log(`${label.padEnd(44)} median ${(ms[ms.length >> 1]! / 1000).toFixed(2)} s  (${verdict})`);
};

let t = performance.now();
const engine = await recognizer();
if (!engine.ok) throw new Error(engine.error.message);
console.log(`${'OCR engine load (once per worker)'.padEnd(44)} ${((performance.now() - t) / 1000).toFixed(2)} s`);
await time('640×480 RGB, black ground, found + cleaned', image(1, 'black'), 5);
await time('640×480 RGB ultrasound speckle, found + cleaned', image(1, 'speckle'), 5);
t = performance.now();
await time('100-frame 640×480 cine (speckle), static', image(100, 'speckle'), 1);
console.log(`engine loads in this worker: ${ocrLoadCount()}`);
await closeRecognizer();
