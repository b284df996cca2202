import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PYDICOM_DIR, walkFiles } from '../../test/corpus.ts';
import { readDicom } from '../dicom/read.ts';
import { getString, setString } from '../dicom/values.ts';
import { writePart10 } from '../dicom/write.ts';
import type { RunReport } from '../output/report.ts';

/**
 * End to end: a small "patient CD" with PHI in its folder names, run through the real CLI as a
 * child process: from the TypeScript sources (`node --import tsx src/cli/main.ts`), and once as
 * `npm run cli` runs it (the command in package.json: scripts/cli.mjs and the esbuild bundle).
 */

const ROOT = join(import.meta.dirname, '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'veil-cli-'));
const input = join(tmp, 'cd');
const output = join(tmp, 'out');
const key = join(tmp, 'config', 'veil', 'key.json');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const testFile = (name: string) => new Uint8Array(readFileSync(join(PYDICOM_DIR, 'test_files', name)));

/** A real file re-written with our writer, with the patient's identity put into it. */
const withPatient = (name: string, changes: Record<number, string> = {}) => {
  const r = readDicom(testFile(name));
  if (!r.ok) throw new Error(r.error.message);
  const { meta, dataset, transferSyntax } = r.value;
  setString(dataset, 0x00100010, 'MUELLER^JOERG');
  setString(dataset, 0x00100020, 'MJ-4711');
  for (const [t, v] of Object.entries(changes)) setString(dataset, Number(t), v);
  if (changes[0x00080018]) setString(meta, 0x00020003, changes[0x00080018]);
  return writePart10({ meta, dataset, transferSyntax });
};

const put = (rel: string, bytes: Uint8Array | string) => {
  const p = join(input, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, bytes);
};

const DICOM_INPUTS = [
  'MUELLER_JOERG/CT/IM1',
  'MUELLER_JOERG/CT/IM2',
  'MUELLER_JOERG/CT/KOPIE_IM1',
  'MUELLER_JOERG/MR/IM1',
];
const SKIPPED: Record<string, RegExp> = {
  'MUELLER_JOERG/Befund_Mueller.pdf': /PDF/,
  'autorun.inf': /autorun\.inf/,
  'VIEWER/viewer.exe': /Windows program/,
  DICOMDIR: /DICOMDIR/,
  link_to_outside: /outside the input folder/,
};

const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, encoding: 'utf8' });

beforeAll(() => {
  const ct2 = withPatient('CT_small.dcm', { 524312: '1.2.826.0.1.3680043.8.498.4711.2', 2097171: '2' });
  put('MUELLER_JOERG/CT/IM1', withPatient('CT_small.dcm'));
  put('MUELLER_JOERG/CT/IM2', ct2);
  put('MUELLER_JOERG/CT/KOPIE_IM1', withPatient('CT_small.dcm')); // the same instance twice, as on some CDs
  put('MUELLER_JOERG/MR/IM1', withPatient('MR_small.dcm'));
  put('MUELLER_JOERG/Befund_Mueller.pdf', '%PDF-1.4\n1 0 obj << /Title (Befund Mueller) >> endobj\n');
  put('autorun.inf', '[autorun]\r\nopen=VIEWER\\viewer.exe\r\n');
  put('VIEWER/viewer.exe', Uint8Array.from([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff]));
  copyFileSync(join(PYDICOM_DIR, 'test_files', 'dicomdirtests', 'DICOMDIR'), join(input, 'DICOMDIR'));
  writeFileSync(join(tmp, 'secret.txt'), 'outside the CD');
  symlinkSync(join(tmp, 'secret.txt'), join(input, 'link_to_outside'));
});

describe('veil CLI, end to end', () => {
  let status: number | null;
  let stdout: string;
  let stderr: string;
  let report: RunReport;

  beforeAll(() => {
    const r = cli(input, output, '--key', key, '--workers', '2');
    ({ status, stdout, stderr } = r);
    report = JSON.parse(readFileSync(`${output}.report.json`, 'utf8')) as RunReport;
  });

  it('exits 0 only if nothing was withheld, else 1', () => {
    expect(stderr).not.toMatch(/unexpected error|at .*\.ts:\d+/); // no stack traces
    expect(status).toBe(report.counts.withheld > 0 || report.problems.length > 0 ? 1 : 0);
    expect(stdout).toMatch(/anonymized, \d+ withheld, \d+ skipped/);
  });

  it('creates the key file when missing and says so', () => {
    expect(existsSync(key)).toBe(true);
    expect(stderr).toMatch(/created a new key/);
  });

  it('accounts for every input file in the report beside the output', () => {
    expect(existsSync(`${output}.report.txt`)).toBe(true);
    const inputs = [...walkFiles(input).map((p) => relative(input, p)), 'link_to_outside'];
    expect(report.files.map((f) => f.input).sort()).toEqual([...new Set(inputs)].sort());
    for (const f of report.files) {
      if (DICOM_INPUTS.includes(f.input)) {
        expect(['anonymized', 'withheld', 'skipped']).toContain(f.status);
        if (f.status === 'withheld') expect(f.reason.length).toBeGreaterThan(10);
      } else {
        expect(f.status).toBe('skipped');
        if (f.status === 'skipped') expect(f.what).toMatch(SKIPPED[f.input]!);
      }
    }
    // The same instance twice is written at most once.
    const copies = report.files.filter((f) => f.input.endsWith('IM1') && f.input.includes('/CT/'));
    expect(copies.filter((f) => f.status === 'anonymized').length).toBeLessThanOrEqual(1);
  });

  it('writes no input name into the output tree, and no report into it', () => {
    const names = walkFiles(output).map((p) => relative(output, p));
    const inputParts = new Set(
      walkFiles(input)
        .flatMap((p) => relative(input, p).split(/[/._]/))
        .filter((s) => s.length >= 3 && s !== 'DICOMDIR'),
    );
    for (const n of names) {
      for (const part of inputParts) expect(n.toLowerCase()).not.toContain(part.toLowerCase());
      expect(n).toMatch(/^(DICOMDIR|DICOM(\/[A-Z0-9_]{1,8}){4})$/);
    }
  });

  it('writes a DICOMDIR that references exactly the anonymized outputs, which re-read cleanly', () => {
    const dir = readDicom(new Uint8Array(readFileSync(join(output, 'DICOMDIR'))));
    expect(dir.ok).toBe(true);
    if (!dir.ok) return;
    const refs = dir.value.dataset
      .get(0x00041220)!
      .items!.map((d) => getString(d, 0x00041500))
      .filter((x): x is string => !!x)
      .map((x) => x.split('\\').join('/'))
      .sort();
    const anonymized = report.files.flatMap((f) => (f.status === 'anonymized' ? [f.output] : []));
    expect(refs).toEqual([...anonymized].sort());
    const v = spawnSync('dciodvfy', [join(output, 'DICOMDIR')], { encoding: 'utf8' });
    expect(`${v.stdout}${v.stderr}`.split('\n').filter((l) => /^Error/.test(l))).toEqual([]);
    for (const rel of anonymized) {
      const r = readDicom(new Uint8Array(readFileSync(join(output, rel))));
      expect(r.ok, rel).toBe(true);
      if (!r.ok) continue;
      expect(getString(r.value.dataset, 0x00100010) ?? '').not.toMatch(/MUELLER|JOERG/i);
      expect(getString(r.value.dataset, 0x00100020) ?? '').not.toContain('MJ-4711');
    }
  });

  it('does the same when run as `npm run cli` runs it: from the bundle scripts/cli.mjs builds', () => {
    const out = join(tmp, 'out-bundle');
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const [node, ...command] = pkg.scripts.cli!.split(/\s+/);
    expect(node).toBe('node');
    const r = spawnSync(process.execPath, [...command, input, out, '--key', key, '--quiet', '--timing'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(r.stderr).toMatch(/veil: timing: startup [\d.]+ s .* total [\d.]+ s/);
    expect(r.status).toBe(status);
    expect(walkFiles(out).map((p) => relative(out, p))).toEqual(walkFiles(output).map((p) => relative(output, p)));
    const again = JSON.parse(readFileSync(`${out}.report.json`, 'utf8')) as RunReport;
    expect(again.counts).toEqual(report.counts);
  });

  it('gives the same names on a rerun with the same key (--force)', () => {
    const before = walkFiles(output).map((p) => relative(output, p));
    const r = cli(input, output, '--key', key, '--workers', '1', '--force', '--quiet');
    expect(r.status).toBe(status);
    expect(walkFiles(output).map((p) => relative(output, p))).toEqual(before);
  });
});

describe('veil CLI usage errors exit 2', () => {
  it('refuses an output folder inside the input', () => {
    const r = cli(input, join(input, 'out'), '--key', key);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/must not be inside the input/);
    expect(existsSync(join(input, 'out'))).toBe(false);
  });

  it('refuses a non-empty output folder without --force', () => {
    const full = join(tmp, 'full');
    mkdirSync(full, { recursive: true });
    writeFileSync(join(full, 'keep.txt'), 'mine');
    const r = cli(input, full, '--key', key);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/not empty.*--force/);
  });

  it('rejects unknown options and prints help on --help', () => {
    expect(cli(input, output, '--bogus').status).toBe(2);
    const help = cli('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--retain-safe-private/);
  });
});
