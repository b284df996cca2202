import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDicom } from '../src/dicom/read.ts';
import { ExplicitVRLittleEndian } from '../src/dicom/TransferSyntax.ts';
import { getString, stringElement } from '../src/dicom/values.ts';
import { writePart10 } from '../src/dicom/write.ts';
import { PYDICOM_DIR } from './corpus.ts';
import { HEADS, headsPresent } from './heads.ts';
import { dciodvfyNewErrors, metaTransferSyntax } from './validators.ts';

/**
 * Defacing through the CLI: a folder with the real head CT, a localizer on its frame of reference
 * and an unrelated image. By default the head is defaced, the localizer withheld (it shows the
 * face in profile) and the other image anonymized; with --no-deface the pixels go out as they came.
 */

const ROOT = join(import.meta.dirname, '..');
const CT_SMALL = join(PYDICOM_DIR, 'test_files', 'CT_small.dcm');
const present = headsPresent && existsSync(CT_SMALL);

interface Report {
  files: { input: string; status: string; output?: string; reason?: string }[];
  defacing: {
    files: number;
    verdict: { kind: string; removedMl?: number; brainMl?: number; faceCheck?: { proves: boolean } };
  }[];
}

let dir: string;
let input: string;
const runs: Record<'on' | 'off', { status: number | null; stderr: string; report: Report; out: string }> = {} as never;

const cli = (out: string, extra: string[]) => {
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'src/cli/main.ts'),
      input,
      out,
      '--key',
      join(dir, 'key.json'),
      '--quiet',
      '--workers',
      '2',
      ...extra,
    ],
    { cwd: ROOT, encoding: 'utf8', timeout: 300_000 },
  );
  const report = JSON.parse(readFileSync(`${out}.report.json`, 'utf8')) as Report;
  return { status: r.status, stderr: r.stderr, report, out };
};

beforeAll(() => {
  if (!present) return;
  dir = mkdtempSync(join(tmpdir(), 'veil-cli-deface-'));
  input = join(dir, 'in');
  const ct = join(HEADS, 'ct-unc-cthead');
  mkdirSync(join(input, 'head'), { recursive: true });
  for (const f of readdirSync(ct).filter((n) => n.endsWith('.dcm'))) copyFileSync(join(ct, f), join(input, 'head', f));
  // A localizer on the head's frame of reference: one of its slices, re-labelled.
  const r = readDicom(new Uint8Array(readFileSync(join(ct, 'CT_0060.dcm'))));
  if (!r.ok) throw new Error(r.error.message);
  const { dataset: ds, meta, transferSyntax } = r.value;
  ds.set(stringElement(0x00080008, 'ORIGINAL\\PRIMARY\\LOCALIZER', 'CS'));
  ds.set(stringElement(0x0020000e, '2.25.4242424242', 'UI'));
  ds.set(stringElement(0x00080018, '2.25.4242424243', 'UI'));
  ds.set(stringElement(0x00200011, '99', 'IS'));
  mkdirSync(join(input, 'scout'));
  writeFileSync(join(input, 'scout', 'SCOUT1'), writePart10({ meta, dataset: ds, transferSyntax }));
  mkdirSync(join(input, 'other'));
  copyFileSync(CT_SMALL, join(input, 'other', 'CT_small.dcm'));
  runs.on = cli(join(dir, 'out-on'), []);
  runs.off = cli(join(dir, 'out-off'), ['--no-deface']);
}, 600_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const byInput = (report: Report, prefix: string) => report.files.filter((f) => f.input.startsWith(prefix));

describe.skipIf(!present)(
  present ? 'the CLI defaces a head CT' : `the CLI defaces a head CT: ${HEADS} or ${CT_SMALL} is absent, skipped`,
  () => {
    it('defaces the head series and says so in the report', () => {
      const { report, status } = runs.on;
      expect(status, runs.on.stderr).toBe(1); // the localizer is withheld
      expect(report.defacing).toHaveLength(1);
      expect(report.defacing[0]!.verdict.kind).toBe('defaced');
      expect(report.defacing[0]!.files).toBe(113);
      expect(report.defacing[0]!.verdict.removedMl).toBeGreaterThan(100);
      const head = byInput(report, 'head/');
      expect(head).toHaveLength(113);
      expect(head.every((f) => f.status === 'anonymized')).toBe(true);
      const text = readFileSync(`${runs.on.out}.report.txt`, 'utf8');
      expect(text).toMatch(/Defacing \(head CT and MR series\):[\s\S]*defaced: \d+ mL of tissue removed/);
      // The face check ran in the worker (through the bundle): a face on the original, none after.
      expect(text).toMatch(/Face check: a face was detected in [1-9]\d* of 18 views before, 0 of 18 after/);
      const verdict = report.defacing[0]!.verdict;
      expect(verdict.faceCheck?.proves).toBe(true);
    });

    it('writes the defaced slices in Explicit VR Little Endian with 113102 and Recognizable Visual Features NO, valid', () => {
      const { report, out } = runs.on;
      const f = byInput(report, 'head/CT_0050')[0]!;
      const path = join(out, f.output!);
      const bytes = new Uint8Array(readFileSync(path));
      expect(metaTransferSyntax(bytes)).toBe(ExplicitVRLittleEndian);
      const r = readDicom(bytes);
      if (!r.ok) throw new Error(r.error.message);
      expect(getString(r.value.dataset, 0x00280302)).toBe('NO');
      const codes = (r.value.dataset.get(0x00120064)?.items ?? []).map((i) => getString(i, 0x00080100));
      expect(codes).toContain('113102');
      expect(dciodvfyNewErrors(join(input, 'head', 'CT_0050.dcm'), path)).toEqual([]);
    });

    it('withholds the localizer on the defaced frame of reference, saying why; anonymizes the unrelated image', () => {
      const [scout] = byInput(runs.on.report, 'scout/');
      expect(scout!.status).toBe('withheld');
      expect(scout!.reason).toMatch(
        /a localizer \(scout\), a localizer or 2D image of a defaced head: it shows the face in profile/,
      );
      expect(byInput(runs.on.report, 'other/')[0]!.status).toBe('anonymized');
    });

    it('--no-deface: the head and the localizer are anonymized with their Pixel Data byte-identical', () => {
      const { report, out, status } = runs.off;
      expect(status, runs.off.stderr).toBe(0);
      expect(report.defacing).toEqual([]);
      expect(report.files.every((f) => f.status === 'anonymized')).toBe(true);
      for (const name of ['head/CT_0030.dcm', 'head/CT_0090.dcm', 'scout/SCOUT1']) {
        const f = byInput(report, name)[0]!;
        const a = readDicom(new Uint8Array(readFileSync(join(input, name))));
        const b = readDicom(new Uint8Array(readFileSync(join(out, f.output!))));
        if (!a.ok || !b.ok) throw new Error('unreadable');
        expect(Buffer.compare(a.value.dataset.get(0x7fe00010)!.value!, b.value.dataset.get(0x7fe00010)!.value!)).toBe(
          0,
        );
        expect(b.value.dataset.has(0x00280302)).toBe(false);
      }
    });
  },
);
