import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TextCleaning } from '../src/deid/Outcome.ts';
import { readDicom } from '../src/dicom/read.ts';
import { ExplicitVRLittleEndian } from '../src/dicom/TransferSyntax.ts';
import { getString } from '../src/dicom/values.ts';
import { decodeFrame } from '../src/pixels/codecs/index.ts';
import { PYDICOM_DIR } from './corpus.ts';
import {
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
  traces,
} from './text/render.ts';

/**
 * Burned-in text through the CLI: a folder with an ultrasound and a secondary capture that carry
 * the patient's name, ID and birth date in their pixels, and a CT slice. By default the two
 * images are scanned, cleaned and anonymized (Debian's tesseract reads the strings on the inputs
 * and none on the outputs), the report lists their boxes without PHI, the CT goes through
 * unscanned, and the CLI exits (the OCR's own worker threads end with the pool). With
 * --no-text-scan the two images are withheld as before; --scan-series scans the CT too.
 */

const ROOT = join(import.meta.dirname, '..');
const CT_SMALL = join(PYDICOM_DIR, 'test_files', 'CT_small.dcm');
const missing =
  rendererMissing() ??
  (hasCommand('tesseract') ? undefined : 'the tesseract CLI is not installed') ??
  (existsSync(CT_SMALL) ? undefined : 'pydicom test files missing (scripts/fetch-pydicom-testfiles.sh)');
if (missing) console.warn(`CLI burned-in text tests skipped: ${missing}`);

const W = 640;
const H = 480;
const WHITE = [255, 255, 255] as const;
const SECRETS = ['MÜLLER, JÖRG', 'PID4471182', '14.03.1962'];
const ITEMS: TextItem[] = [
  { text: SECRETS[0]!, x: 12, y: 8, font: 'sans', size: 15, colour: WHITE },
  { text: SECRETS[1]!, x: 12, y: 30, font: 'mono', size: 13, colour: [255, 255, 0] },
  { text: SECRETS[2]!, x: 520, y: 8, font: 'sans', size: 13, colour: [0, 255, 255] },
];

interface Report {
  files: { input: string; status: string; output?: string; reason?: string; text?: TextCleaning }[];
  settings: Record<string, unknown>;
}

let dir: string;
let input: string;
let ctSeries: string;

/** The header a DICOMDIR needs, per generated image. */
const header = (n: number) => ({
  524312: `2.25.99100${n}`,
  2097165: '2.25.99000',
  2097166: `2.25.9910${n}`,
  2097171: '1',
  2097169: String(n),
  2097168: 'S1',
  524320: '20240301',
});

/** The CLI from the sources (tsx), or as `npm run cli` runs it (the esbuild bundle). */
const cli = (out: string, extra: string[] = [], bundle = false) => {
  const entry = bundle
    ? ['--single-threaded', join(ROOT, 'scripts/cli.mjs')]
    : ['--import', 'tsx', join(ROOT, 'src/cli/main.ts')];
  const r = spawnSync(
    process.execPath,
    [...entry, input, out, '--key', join(dir, 'key.json'), '--quiet', '--workers', '2', ...extra],
    { cwd: ROOT, encoding: 'utf8', timeout: 300_000 },
  );
  const report = JSON.parse(readFileSync(`${out}.report.json`, 'utf8')) as Report;
  const text = readFileSync(`${out}.report.txt`, 'utf8');
  return { status: r.status, signal: r.signal, stderr: r.stderr, report, text, out };
};

/** What Debian's tesseract reads on a file's first frame (RGB as is, grey as is). */
const readPixels = async (bytes: Uint8Array): Promise<string> => {
  const r = readDicom(bytes);
  if (!r.ok) throw new Error(r.error.message);
  const f = await decodeFrame(r.value, 0);
  if (!f.ok) throw new Error(f.error.message);
  const spp = f.value.samplesPerPixel === 3 ? 3 : 1;
  return squeeze(tesseractCli(f.value.pixels as Uint8Array, f.value.columns, f.value.rows, spp));
};

const byInput = (r: Report, name: string) => r.files.find((f) => f.input === name)!;

let on: ReturnType<typeof cli>;

beforeAll(() => {
  if (missing) return;
  dir = mkdtempSync(join(tmpdir(), 'veil-cli-text-'));
  input = join(dir, 'in');
  mkdirSync(join(input, 'us'), { recursive: true });
  mkdirSync(join(input, 'sc'));
  mkdirSync(join(input, 'ct'));
  const rgb = paint(ground('speckle', W, H), renderMasks(ITEMS, W, H), ITEMS);
  writeFileSync(
    join(input, 'us', 'IM1'),
    dicomImage({
      width: W,
      height: H,
      frames: [rgb],
      photometric: 'RGB',
      regions: [[100, 60, 539, 429]],
      extra: header(1),
    }),
  );
  const grey = paint(ground('black', W, H), renderMasks(ITEMS, W, H), ITEMS);
  writeFileSync(
    join(input, 'sc', 'IM1'),
    dicomImage({ width: W, height: H, frames: [toGrey(grey)], photometric: 'MONOCHROME2', extra: header(2) }),
  );
  copyFileSync(CT_SMALL, join(input, 'ct', 'IM1'));
  const ct = readDicom(new Uint8Array(readFileSync(CT_SMALL)), { headerOnly: true });
  if (!ct.ok) throw new Error(ct.error.message);
  ctSeries = getString(ct.value.dataset, 0x0020000e)!;
  on = cli(join(dir, 'out'));
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(missing)('the CLI on burned-in text', () => {
  it('anonymizes all three and exits cleanly (the OCR threads end with the pool)', () => {
    expect(on.signal, on.stderr).toBeNull();
    expect(on.status, on.stderr).toBe(0);
    expect(on.report.files.map((f) => [f.input, f.status])).toEqual([
      ['ct/IM1', 'anonymized'],
      ['sc/IM1', 'anonymized'],
      ['us/IM1', 'anonymized'],
    ]);
    expect(on.report.settings.textScan).toBe(true);
  });

  it('lists the boxes of each cleaned image, with PHI flagged and never written', () => {
    for (const name of ['us/IM1', 'sc/IM1']) {
      const t = byInput(on.report, name).text!;
      expect(t, name).toBeDefined();
      expect(t.phiFound).toBe(true);
      const boxes = t.frameBoxes.flatMap((f) => f.boxes);
      expect(boxes.filter((b) => b.blackedOut && b.phi).length).toBeGreaterThan(0);
      for (const b of boxes) expect(b.width * b.height).toBeGreaterThan(0);
    }
    expect(byInput(on.report, 'ct/IM1').text).toBeUndefined();
    expect(on.text).toMatch(/Burned-in text/);
    expect(on.text).toMatch(/us\/IM1 → DICOM\/.*PHI found in pixels/);
    expect(on.text).toMatch(/\d+×\d+ at \(\d+,\d+\) blacked out: PHI found in pixels/);
    // Neither report carries the text that was read out of the pixels.
    const reports = squeeze(
      JSON.stringify(on.report.files.map((f) => f.text ?? null)) + on.text.split('Burned-in text')[1],
    );
    for (const s of SECRETS) for (const t of traces(s)) expect(reports).not.toContain(t);
  });

  it('writes cleaned pixels that Debian’s tesseract cannot read the secrets from, and did on the inputs', async () => {
    for (const name of ['us/IM1', 'sc/IM1']) {
      const out = new Uint8Array(readFileSync(join(on.out, byInput(on.report, name).output!)));
      const r = readDicom(out);
      if (!r.ok) throw new Error(r.error.message);
      expect(r.value.transferSyntax.uid).toBe(ExplicitVRLittleEndian);
      expect(getString(r.value.dataset, 0x00280301)).toBe('NO');
      const codes = (r.value.dataset.get(0x00120064)?.items ?? []).map((i) => getString(i, 0x00080100));
      expect(codes).toContain('113101');
      const before = await readPixels(new Uint8Array(readFileSync(join(input, name))));
      const after = await readPixels(out);
      for (const s of SECRETS) {
        expect(
          traces(s).some((t) => before.includes(t)),
          `${name}: "${s}" on the input: ${before}`,
        ).toBe(true);
        expect(
          traces(s).filter((t) => after.includes(t)),
          `${name}: "${s}" on the output`,
        ).toEqual([]);
      }
    }
  });

  it('does the same from the bundle `npm run cli` runs (tesseract.js loaded from node_modules)', () => {
    const b = cli(join(dir, 'bundle'), [], true);
    expect(b.status, b.stderr).toBe(0);
    for (const name of ['us/IM1', 'sc/IM1']) expect(byInput(b.report, name).text?.phiFound).toBe(true);
  });

  it('with --no-text-scan, withholds the images at risk as before', () => {
    const off = cli(join(dir, 'off'), ['--no-text-scan']);
    expect(off.status).toBe(1);
    expect(byInput(off.report, 'ct/IM1').status).toBe('anonymized');
    for (const name of ['us/IM1', 'sc/IM1']) {
      const f = byInput(off.report, name);
      expect(f.status).toBe('withheld');
      expect(f.reason).toMatch(/withheld until it is checked \(scan it for text, or clear the series/);
    }
  });

  it('with --scan-series, scans the CT too', () => {
    const ct = cli(join(dir, 'ct-scan'), ['--scan-series', ctSeries]);
    expect(ct.status, ct.stderr).toBe(0);
    const f = byInput(ct.report, 'ct/IM1');
    expect(f.status).toBe('anonymized');
    expect(f.text).toBeDefined();
    const out = readDicom(new Uint8Array(readFileSync(join(ct.out, f.output!))));
    if (!out.ok) throw new Error(out.error.message);
    const codes = (out.value.dataset.get(0x00120064)?.items ?? []).map((i) => getString(i, 0x00080100));
    expect(codes).toContain('113101');
    expect(out.value.transferSyntax.uid).toBe(ExplicitVRLittleEndian);
  });
});
