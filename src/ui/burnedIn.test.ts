import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCommand } from '../../test/text/render.ts';
import type { DicomEntry } from '../../workers/api.ts';
import type { Plan, TextBoxPlan } from '../deid/anonymize.ts';
import { RESEARCH } from '../deid/options.ts';
import { readDicom } from '../dicom/read.ts';
import { getString } from '../dicom/values.ts';
import type { FileRecord } from '../output/report.ts';
import { chosenBoxes, processFile, textDeviceKey, textDeviceKeyOf } from '../pipeline/processFile.ts';
import type { Box } from '../pixels/text/Box.ts';
import { type CleanedText, withheldText } from '../pixels/text/clean.ts';
import { closeRecognizer } from '../pixels/text/ocr.ts';
import { type InstanceInfo, instanceInfo } from '../study/InstanceInfo.ts';
import {
  commitBoxes,
  drawnBox,
  effectiveBoxes,
  type ImageKeys,
  resetBoxes,
  textPlanLine,
  textSummary,
  willScan,
} from './burnedIn.ts';
import { boxesOf, templateOf } from './textTemplates.ts';

/**
 * Burned-in text in the app: which series are scanned and what the tree says, how edits in the
 * preview land in the plan (and that the engine reads them the same way), the results' summary,
 * and, on the sample CD's screenshot with the real OCR, that the user's boxes are what is applied.
 */

const SC = '1.2.840.10008.5.1.4.1.1.7';
const info = (o: Partial<InstanceInfo>): InstanceInfo =>
  ({
    sopInstanceUID: '2.25.3.1',
    seriesInstanceUID: '2.25.2.1',
    sopClassUID: SC,
    modality: 'OT',
    rows: 100,
    columns: 200,
    numberOfFrames: undefined,
    ...o,
  }) as InstanceInfo;
const entry = (o: Omit<Partial<DicomEntry>, 'info'> & { info?: Partial<InstanceInfo> } = {}): DicomEntry => ({
  id: 1,
  kind: 'dicom',
  isDicomdir: false,
  anatomy: '',
  identity: [],
  burnedIn: 'maybe',
  nativePixels: true,
  hasPixels: true,
  ...o,
  info: info(o.info ?? {}),
});
const box = (x: number, o: Partial<Box> = {}): Box => ({
  x,
  y: 10,
  width: 30,
  height: 12,
  text: 'TEXT',
  confidence: 90,
  phi: false,
  risks: [],
  keep: false,
  ...o,
});
const none = new Set<string>();

const readOk = (bytes: Uint8Array) => {
  const f = readDicom(bytes);
  if (!f.ok) throw new Error(f.error.message);
  return f.value;
};
const sopOf = (bytes: Uint8Array): string => getString(readOk(bytes).dataset, 0x00080018)!;
const deviceOf = (bytes: Uint8Array): string => {
  const f = readOk(bytes);
  return textDeviceKeyOf(f.dataset, instanceInfo(f.dataset, f.meta, true));
};

describe('which series are scanned, in words', () => {
  const at = entry();
  const ct = entry({ burnedIn: 'no', info: { seriesInstanceUID: '2.25.2.9', modality: 'CT' } });
  it('scans images at risk by default, and says so', () => {
    const c = { scanText: true, allowed: none, scanSeries: none };
    expect(willScan(at, c)).toBe(true);
    expect(textPlanLine([at], c)).toMatchObject({ kind: 'scan', text: expect.stringContaining('blacked out') });
  });
  it('leaves a CT alone unless asked, and scans it when asked', () => {
    expect(willScan(ct, { scanText: true, allowed: none, scanSeries: none })).toBe(false);
    expect(textPlanLine([ct], { scanText: true, allowed: none, scanSeries: none })).toBeUndefined();
    const asked = { scanText: true, allowed: none, scanSeries: new Set(['2.25.2.9']) };
    expect(willScan(ct, asked)).toBe(true);
    expect(textPlanLine([ct], asked)?.kind).toBe('scan-asked');
  });
  it('holds images at risk back with scanning off, and says why', () => {
    const off = { scanText: false, allowed: none, scanSeries: none };
    expect(willScan(at, off)).toBe(false);
    expect(textPlanLine([at], off)).toMatchObject({ kind: 'held', text: expect.stringContaining('scanning is off') });
  });
  it('releases a cleared series unscanned, and says it skips the scan', () => {
    const cleared = { scanText: true, allowed: new Set(['2.25.2.1']), scanSeries: none };
    expect(willScan(at, cleared)).toBe(false);
    expect(textPlanLine([at], cleared)).toMatchObject({ kind: 'unscanned', text: expect.stringContaining('without') });
  });
  it('does not scan a head series that will be defaced, and says why', () => {
    const head = {
      scanText: true,
      allowed: none,
      scanSeries: new Set(['2.25.2.9']),
      defacedHeads: new Set(['2.25.2.9']),
    };
    expect(willScan(ct, head)).toBe(false);
    expect(textPlanLine([ct], head)).toMatchObject({ kind: 'held', text: expect.stringContaining('defaced') });
  });
  it('never scans an image without pixels', () => {
    expect(willScan(entry({ hasPixels: false }), { scanText: true, allowed: none, scanSeries: none })).toBe(false);
  });
});

describe('edits in the preview, and the engine reading them the same way', () => {
  const k: ImageKeys = { sop: '2.25.3.1', series: '2.25.2.1', device: textDeviceKey('ACME', 'Scope 1', 100, 200) };
  const found = [[box(0, { phi: true }), box(50)], [box(100)]];
  const two = info({ numberOfFrames: 2 });
  const engine = (plan: TextBoxPlan, i = two) => chosenBoxes(plan, i, k.device);

  it('shows what OCR found until the user changes something; the engine then leaves it to OCR', () => {
    const plan: TextBoxPlan = {};
    expect(effectiveBoxes(plan, k, 0, found)).toEqual({ boxes: found[0], source: 'ocr' });
    expect(engine(plan)).toBeUndefined();
  });

  it('"this frame": the frame edited changes, the other frames keep their boxes', () => {
    const plan: TextBoxPlan = {};
    commitBoxes(plan, k, 'image', 0, [found[0]![1]!], 2, found);
    expect(effectiveBoxes(plan, k, 0, found)).toEqual({ boxes: [found[0]![1]], source: 'image' });
    expect(effectiveBoxes(plan, k, 1, found).boxes).toEqual(found[1]);
    expect(engine(plan)).toEqual([[found[0]![1]], found[1]]);
  });

  it('"this series" and "this device" serve every frame of every image they reach; the narrower choice wins', () => {
    const plan: TextBoxPlan = {};
    commitBoxes(plan, k, 'image', 0, [], 2, found);
    commitBoxes(plan, k, 'series', 0, [box(7)], 2, found);
    // The broader choice replaces this image's own boxes, so it takes effect here.
    expect(plan.images?.[k.sop]).toBeUndefined();
    expect(engine(plan)).toEqual([[box(7)], [box(7)]]);
    const other = info({ sopInstanceUID: '2.25.3.2', numberOfFrames: 1 });
    expect(engine(plan, other)).toEqual([[box(7)]]);

    commitBoxes(plan, k, 'device', 0, [box(9)], 2, found);
    expect(plan.series?.[k.series]).toBeUndefined();
    const sameDevice = info({ sopInstanceUID: '2.25.3.3', seriesInstanceUID: '2.25.2.7' });
    expect(engine(plan, sameDevice)).toEqual([[box(9)]]);
    // Another series' own choice is more specific than the device's.
    plan.series = { '2.25.2.7': [box(3)] };
    expect(engine(plan, sameDevice)).toEqual([[box(3)]]);
    expect(effectiveBoxes(plan, { ...k, series: '2.25.2.7' }, 0, found).source).toBe('series');
    // A different device (or size) is not reached.
    expect(chosenBoxes({ devices: plan.devices }, sameDevice, textDeviceKey('ACME', 'Scope 1', 480, 640))).toBe(
      undefined,
    );
    resetBoxes(plan, k);
    expect(effectiveBoxes(plan, k, 0, found).source).toBe('ocr');
  });

  it('clips boxes to the frame in the engine, and drops what falls outside', () => {
    const plan: TextBoxPlan = { images: { [k.sop]: [[box(190, { width: 30 }), box(250)]] } };
    expect(engine(plan, info({}))).toEqual([[box(190, { width: 10 })]]);
  });

  it('a box drawn over a box flagged as PHI keeps the flag, for the report', () => {
    const b = drawnBox({ x: 2.4, y: 11, width: 20.2, height: 6 }, found[0]);
    expect(b).toMatchObject({ x: 2, y: 11, width: 20, height: 6, phi: true, keep: false, text: '' });
    expect(drawnBox({ x: 150, y: 80, width: 10, height: 10 }, found[0]).phi).toBe(false);
  });

  it('a device layout is remembered as rectangles only, never with what was read', () => {
    const t = templateOf('ACME Scope 1, 100×200', [box(0, { phi: true, text: 'MÜLLER' })], '2024-01-01T00:00:00Z');
    expect(JSON.stringify(t)).not.toContain('MÜLLER');
    expect(boxesOf(t)).toEqual([box(0, { text: '', confidence: 100 })]);
  });
});

describe('the engine hands the chosen boxes to the cleaner', () => {
  it('uses the plan’s boxes for the image instead of OCR’s', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'veil-ui-text-'));
    try {
      execFileSync('npx', ['tsx', 'scripts/generate-sample.ts', dir], { stdio: 'ignore' });
      const bytes = new Uint8Array(readFileSync(join(dir, 'DICOM/PA000001/ST000001/SE000002/IM000001')));
      const seen: (Box[][] | undefined)[] = [];
      const cleaner = async (_f: unknown, _i: readonly string[], o?: { boxes?: Box[][] }): Promise<CleanedText> => {
        seen.push(o?.boxes);
        return withheldText('stop here');
      };
      const plan: Plan = { options: RESEARCH, key: new Uint8Array(32) };
      await processFile(bytes, plan, 'sc', { cleaner });
      const mine = box(10, { y: 10, width: 20, height: 20 });
      await processFile(bytes, { ...plan, textBoxes: { series: { other: [box(1)] } } }, 'sc', { cleaner });
      const devices = { [deviceOf(bytes)]: [mine] };
      const r = await processFile(bytes, { ...plan, textBoxes: { devices } }, 'sc', { cleaner });
      expect(seen).toEqual([undefined, undefined, [[mine]]]);
      expect(r.status === 'withheld' && r.reason).toContain('with the boxes chosen in the preview');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('the results summary', () => {
  const rec = (text?: { phi: boolean; blacked: boolean }): FileRecord => ({
    status: 'anonymized',
    input: 'a',
    bytes: 1,
    output: 'b',
    outputBytes: 1,
    ...(text
      ? {
          text: {
            frames: 1,
            static: false,
            phiFound: text.phi,
            frameBoxes: text.blacked
              ? [{ frame: 1, boxes: [{ x: 0, y: 0, width: 1, height: 1, blackedOut: true, phi: text.phi, risks: [] }] }]
              : [],
          },
        }
      : {}),
  });
  it('counts images blacked out and those with PHI found in their pixels', () => {
    expect(
      textSummary([
        rec({ phi: true, blacked: true }),
        rec({ phi: true, blacked: true }),
        rec({ phi: false, blacked: true }),
        rec({ phi: false, blacked: false }),
        rec(),
      ]),
    ).toBe('Text blacked out in 3 images; PHI found in pixels in 2; 1 more image read and found clean.');
    expect(textSummary([rec()])).toBeUndefined();
  });
});

// The sample CD's screenshot with the real OCR: the boxes the user leaves are exactly what is applied.
const tesseractMissing = hasCommand('tesseract') ? undefined : 'the tesseract CLI is not installed';
describe.skipIf(tesseractMissing)('the sample screenshot with the real OCR', () => {
  let dir = '';
  let bytes = new Uint8Array();
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'veil-ui-text-'));
    execFileSync('npx', ['tsx', 'scripts/generate-sample.ts', dir], { stdio: 'ignore' });
    bytes = new Uint8Array(readFileSync(join(dir, 'DICOM/PA000001/ST000001/SE000002/IM000001')));
  }, 60_000);
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await closeRecognizer();
  });
  const plan: Plan = { options: RESEARCH, key: new Uint8Array(32) };

  it('by default finds the name and the birth date, blacks them out, and writes 113101', async () => {
    const r = await processFile(bytes, plan, 'sc');
    expect(r.status).toBe('anonymized');
    if (r.status !== 'anonymized') return;
    const out = readOk(r.bytes).dataset;
    expect(getString(out, 0x00280301)).toBe('NO'); // Burned In Annotation
    const codes = out.get(0x00120064)?.items?.map((i) => getString(i, 0x00080100));
    expect(codes).toContain('113101'); // Clean Pixel Data (CID 7050)
    expect(r.text?.phiFound).toBe(true);
    const phi = r.text!.frameBoxes.flatMap((f) => f.boxes).filter((b) => b.phi);
    // One box on the name's line (y 16..36), one on the birth date's (y 48..68).
    expect(phi.some((b) => b.y <= 16 && b.y + b.height >= 37)).toBe(true);
    expect(phi.some((b) => b.y <= 48 && b.y + b.height >= 69)).toBe(true);
  }, 120_000);

  it('a box removed over the name withholds the file with the reason; one drawn back over it cleans it', async () => {
    const date = box(10, { y: 44, width: 210, height: 30 });
    const uid = sopOf(bytes);
    const without: Plan = { ...plan, textBoxes: { images: { [uid]: [[date]] } } };
    const held = await processFile(bytes, without, 'sc');
    expect(held.status).toBe('withheld');
    expect(held.status === 'withheld' && held.reason).toMatch(
      /with the boxes chosen in the preview, text is still readable/,
    );
    const name = drawnBox({ x: 8, y: 10, width: 220, height: 32 });
    const back = await processFile(bytes, { ...plan, textBoxes: { images: { [uid]: [[name, date]] } } }, 'sc');
    expect(back.status).toBe('anonymized');
  }, 120_000);
});
