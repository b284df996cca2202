import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PYDICOM_DIR } from '../../test/corpus.ts';
import {
  dcmtk,
  dicomImage,
  ground,
  hasCommand,
  paint,
  rendererMissing,
  renderMasks,
  squeeze,
  type TextItem,
  tesseractCli,
  toGrey,
  toYbrFull,
  traces,
} from '../../test/text/render.ts';
import type { Plan } from '../deid/anonymize.ts';
import type { Outcome, TextBox } from '../deid/Outcome.ts';
import { RESEARCH } from '../deid/options.ts';
import { type DicomFile, readDicom } from '../dicom/read.ts';
import { ExplicitVRLittleEndian } from '../dicom/TransferSyntax.ts';
import { getString, numberOf } from '../dicom/values.ts';
import { decodeFrame, type Samples } from '../pixels/codecs/index.ts';
import { type CleanedText, type CleanOptions, cleanBurnedInText, withheldText } from '../pixels/text/clean.ts';
import { closeRecognizer, ocrLoadCount } from '../pixels/text/ocr.ts';
import { ybrFullToRgb } from '../pixels/write/toRgb.ts';
import { processFile } from './processFile.ts';

/**
 * The single-file pipeline on generated images with text burned in (test/text/render.ts: glyphs by
 * Pillow, judged by Debian's tesseract CLI): images at risk are scanned, cleaned and written native
 * RGB/grey with 113101 and Burned In Annotation NO; what cannot be shown clean is withheld; CT
 * slices never meet the OCR; scanning off and cleared series behave as before.
 */

const missing = rendererMissing() ?? (hasCommand('tesseract') ? undefined : 'the tesseract CLI is not installed');
if (missing) console.warn(`pipeline text tests skipped: ${missing}`);

const W = 640;
const H = 480;
const WHITE = [255, 255, 255] as const;
const key = Uint8Array.from({ length: 32 }, (_, i) => i * 7);
const plan: Plan = { options: RESEARCH, key };

/** The cleaner, counted: how many images met the OCR. */
let cleanerCalls = 0;
const counted = (file: DicomFile, identity: readonly string[], options?: CleanOptions): Promise<CleanedText> => {
  cleanerCalls++;
  return cleanBurnedInText(file, identity, options);
};

const read = (bytes: Uint8Array): DicomFile => {
  const r = readDicom(bytes);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

const frame0 = async (file: DicomFile) => {
  const f = await decodeFrame(file, 0);
  if (!f.ok) throw new Error(f.error.message);
  return f.value;
};

/** 8-bit pixels for Debian's tesseract: RGB as is; YBR as its Y; grey as is. */
const forCli = (px: Samples, spp: number, photometric: string): { px: Uint8Array; spp: 1 | 3 } => {
  if (spp === 3 && photometric.startsWith('YBR'))
    return { px: Uint8Array.from({ length: px.length / 3 }, (_, p) => px[p * 3]!), spp: 1 };
  return { px: px as Uint8Array, spp: spp === 3 ? 3 : 1 };
};

const readByCli = (px: Samples, spp: number, photometric: string): string => {
  const c = forCli(px, spp, photometric);
  return squeeze(tesseractCli(c.px, W, H, c.spp));
};

const inside = (boxes: readonly TextBox[], x: number, y: number) =>
  boxes.some((b) => b.blackedOut && x >= b.x && x < b.x + b.width && y >= b.y && y < b.y + b.height);

/** An image made of painted text over a ground, in the given form. */
const image = (
  items: TextItem[],
  g: 'black' | 'noise' | 'speckle',
  form: 'rgb' | 'ybr422' | 'grey',
  extra: Parameters<typeof dicomImage>[0]['extra'] = {},
  regions?: [number, number, number, number][],
): Uint8Array => {
  const rgb = paint(ground(g, W, H), renderMasks(items, W, H), items);
  if (form === 'grey')
    return dicomImage({ width: W, height: H, frames: [toGrey(rgb)], photometric: 'MONOCHROME2', extra });
  if (form === 'rgb') return dicomImage({ width: W, height: H, frames: [rgb], photometric: 'RGB', regions, extra });
  // YBR_FULL_422 (PS3.3 C.7.6.3.1.2): Y0 Y1 Cb Cr per pair of pixels, chroma averaged over the pair.
  const ybr = toYbrFull(rgb);
  const packed = new Uint8Array(W * H * 2);
  for (let p = 0, o = 0; p < W * H; p += 2, o += 4) {
    packed[o] = ybr[p * 3]!;
    packed[o + 1] = ybr[(p + 1) * 3]!;
    packed[o + 2] = Math.round((ybr[p * 3 + 1]! + ybr[(p + 1) * 3 + 1]!) / 2);
    packed[o + 3] = Math.round((ybr[p * 3 + 2]! + ybr[(p + 1) * 3 + 2]!) / 2);
  }
  return dicomImage({
    width: W,
    height: H,
    frames: [packed],
    photometric: 'YBR_FULL',
    regions,
    extra: { 2621444: 'YBR_FULL_422', ...extra },
  });
};

const anonymized = (o: Outcome) => {
  if (o.status !== 'anonymized') throw new Error(`expected anonymized, got ${JSON.stringify(o).slice(0, 400)}`);
  return o;
};

/**
 * The checks every cleaned image must pass: native Explicit VR LE, the photometric expected,
 * 113101 and Burned In Annotation NO, boxes reported without PHI, the independent reader finding
 * every secret on the input and none on the output, every pixel outside the boxes as it was
 * (after the YBR → RGB conversion for YBR input).
 */
const checkCleaned = async (input: Uint8Array, o: Outcome, secrets: string[], photometric: string) => {
  const a = anonymized(o);
  const out = read(a.bytes);
  expect(out.transferSyntax.uid).toBe(ExplicitVRLittleEndian);
  expect(getString(out.dataset, 0x00280004)).toBe(photometric);
  expect(getString(out.dataset, 0x00280301)).toBe('NO');
  const codes = (out.dataset.get(0x00120064)?.items ?? []).map((i) => getString(i, 0x00080100));
  expect(codes).toContain('113101');
  if (photometric === 'RGB') expect(numberOf(out.dataset.get(0x00280006), true)).toBe(0);

  const text = a.text!;
  expect(text).toBeDefined();
  expect(text.phiFound).toBe(true);
  const boxes = text.frameBoxes.flatMap((f) => f.boxes);
  expect(boxes.filter((b) => b.blackedOut).length).toBeGreaterThan(0);
  // No PHI in the record: no box carries text unless kept, and nothing of the secrets appears.
  const record = squeeze(JSON.stringify(text));
  for (const s of secrets) for (const t of traces(s)) expect(record).not.toContain(t);
  for (const b of boxes) if (b.blackedOut) expect(b.kept).toBeUndefined();

  const before = await frame0(read(input));
  const after = await frame0(out);
  const spp = before.samplesPerPixel;
  const inputReading = readByCli(before.pixels, spp, before.photometric);
  const outputReading = readByCli(after.pixels, spp, after.photometric);
  for (const s of secrets) {
    expect(
      traces(s).some((t) => inputReading.includes(t)),
      `the CLI reads "${s}" on the input: ${inputReading}`,
    ).toBe(true);
    expect(
      traces(s).filter((t) => outputReading.includes(t)),
      `the CLI reads "${s}" on the output`,
    ).toEqual([]);
  }
  // Outside the boxes every sample is what the input had (converted to RGB where it was YBR).
  const expected = before.photometric === 'YBR_FULL' ? ybrFullToRgb(before.pixels, 8) : before.pixels;
  let black = 0;
  if (photometric !== 'RGB') {
    black = Number.POSITIVE_INFINITY;
    for (let i = 0; i < before.pixels.length; i++) black = Math.min(black, before.pixels[i]!);
  }
  let changedOutside = 0;
  let blackInside = 0;
  let insideCount = 0;
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * spp;
      const boxed = inside(boxes, x, y);
      for (let s = 0; s < spp; s++) {
        if (!boxed && after.pixels[i + s] !== expected[i + s]) changedOutside++;
        if (boxed) {
          insideCount++;
          if (after.pixels[i + s] === black) blackInside++;
        }
      }
    }
  expect(changedOutside).toBe(0);
  expect(blackInside).toBe(insideCount);
  return a;
};

describe.skipIf(missing)('processFile: burned-in text on generated images', () => {
  afterAll(async () => {
    expect(ocrLoadCount()).toBe(1); // one OCR engine for every image of this worker
    await closeRecognizer();
  });

  const usItems: TextItem[] = [
    { text: 'MÜLLER, JÖRG', x: 12, y: 8, font: 'sans', size: 15, colour: WHITE },
    { text: 'PID4471182', x: 12, y: 30, font: 'mono', size: 13, colour: [255, 255, 0] },
    { text: '14.03.1962', x: 520, y: 8, font: 'sans', size: 13, colour: [0, 255, 255] },
  ];
  const usSecrets = ['MÜLLER, JÖRG', 'PID4471182', '14.03.1962'];
  const regions: [number, number, number, number][] = [[100, 60, 539, 429]];

  it('an RGB ultrasound: name, ID and birth date blacked out, written RGB with 113101', async () => {
    const input = image(usItems, 'speckle', 'rgb', {}, regions);
    const calls = cleanerCalls;
    const o = await processFile(input, plan, 'US/IM1', { cleaner: counted });
    expect(cleanerCalls).toBe(calls + 1);
    await checkCleaned(input, o, usSecrets, 'RGB');
  });

  it('a YBR_FULL_422 ultrasound: cleaned and written as RGB, Planar Configuration 0', async () => {
    const input = image(usItems, 'speckle', 'ybr422', {}, regions);
    expect(getString(read(input).dataset, 0x00280004)).toBe('YBR_FULL_422');
    const o = await processFile(input, plan, 'US/IM2', { cleaner: counted });
    await checkCleaned(input, o, usSecrets, 'RGB');
  });

  it('a grey secondary capture with a name, an ID and a date', async () => {
    const items: TextItem[] = [
      { text: 'MÜLLER JÖRG', x: 200, y: 100, font: 'sans', size: 18, colour: WHITE },
      { text: 'PID4471182', x: 40, y: 300, font: 'mono', size: 16, colour: [230, 230, 230] },
      { text: '01.03.2024', x: 400, y: 400, font: 'sans', size: 16, colour: WHITE },
    ];
    const input = image(items, 'black', 'grey');
    const o = await processFile(input, plan, 'SC/IM1', { cleaner: counted });
    await checkCleaned(input, o, ['MÜLLER JÖRG', 'PID4471182', '01.03.2024'], 'MONOCHROME2');
  });

  it.skipIf(!hasCommand('dcmcjpeg'))(
    'an image whose pixels cannot be decoded (12-bit JPEG Extended) is withheld, not let through',
    async () => {
      const items: TextItem[] = [{ text: 'MÜLLER JÖRG', x: 100, y: 100, font: 'sans', size: 20, colour: WHITE }];
      const rgb = paint(ground('black', W, H), renderMasks(items, W, H), items);
      const grey12 = Uint16Array.from(toGrey(rgb), (v) => v * 16);
      const native = dicomImage({ width: W, height: H, frames: [grey12], photometric: 'MONOCHROME2', bitsStored: 12 });
      const jpeg12 = dcmtk('dcmcjpeg', ['+ee'], native);
      const o = await processFile(jpeg12, plan, 'SC/J12', { cleaner: counted });
      expect(o.status).toBe('withheld');
      if (o.status === 'withheld') {
        expect(o.reason).toMatch(/^SC\/J12: a secondary capture/);
        expect(o.reason).toMatch(/could not be decoded to look for text/);
        expect(o.original?.sopClassUID).toBe('1.2.840.10008.5.1.4.1.1.7');
      }
    },
  );
});

describe('processFile: which images meet the OCR', () => {
  const ct = new Uint8Array(readFileSync(join(PYDICOM_DIR, 'test_files', 'CT_small.dcm')));
  const us = () =>
    dicomImage({
      width: 8,
      height: 8,
      frames: [new Uint8Array(8 * 8 * 3)],
      photometric: 'RGB',
      regions: [[0, 0, 7, 7]],
      extra: { 2097166: '2.25.777' },
    });
  /** A cleaner that must not be called, or one whose read-back failed. */
  const never = async (): Promise<CleanedText> => {
    throw new Error('the OCR was called');
  };
  const stillReadable = async (file: DicomFile): Promise<CleanedText> => {
    cleanerCalls++;
    void file;
    return withheldText('text is still readable in the cleaned pixels: a name ("DOE")');
  };

  it('CT slices are de-identified as before, never scanned', async () => {
    const o = await processFile(ct, plan, 'CT/IM1', { cleaner: never });
    const a = anonymized(o);
    expect(a.text).toBeUndefined();
    const out = read(a.bytes);
    expect(getString(out.dataset, 0x00280301)).toBeUndefined();
    expect((out.dataset.get(0x00120064)?.items ?? []).map((i) => getString(i, 0x00080100))).not.toContain('113101');
  });

  it('a CT series named by the user is scanned', async () => {
    const uid = getString(read(ct).dataset, 0x0020000e)!;
    const calls = cleanerCalls;
    const o = await processFile(ct, { ...plan, scanSeries: [uid] }, 'CT/IM1', { cleaner: stillReadable });
    expect(cleanerCalls).toBe(calls + 1);
    expect(o).toMatchObject({ status: 'withheld', reason: expect.stringMatching(/chosen to be scanned/) });
  });

  it('an image whose text is still readable after cleaning is withheld with the reason', async () => {
    const o = await processFile(us(), plan, 'US/IM9', { cleaner: stillReadable });
    expect(o.status).toBe('withheld');
    if (o.status !== 'withheld') return;
    expect(o.reason).toBe(
      'US/IM9: an ultrasound image: its pixels usually carry the patient’s name, ID and date; text is still readable in the cleaned pixels: a name ("DOE"); withheld (fail closed)',
    );
  });

  it('with scanning off, an image at risk is withheld as before, unscanned', async () => {
    const o = await processFile(us(), { ...plan, scanText: false }, 'US/IM3', { cleaner: never });
    expect(o).toMatchObject({
      status: 'withheld',
      reason: expect.stringMatching(/^US\/IM3: an ultrasound image.*withheld until it is checked \(scan it for text/),
    });
  });

  it('a series the user cleared goes out unscanned, pixels as they were', async () => {
    const input = us();
    const uid = getString(read(input).dataset, 0x0020000e)!;
    expect(uid).toBe('2.25.777');
    const o = await processFile(input, { ...plan, allowBurnedInSeries: [uid] }, 'US/IM4', { cleaner: never });
    const a = anonymized(o);
    expect(a.text).toBeUndefined();
    expect(getString(read(a.bytes).dataset, 0x00280301)).toBeUndefined();
  });
});
