import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PYDICOM_DIR } from '../../test/corpus.ts';
import { generateKey } from '../deid/Key.ts';
import { RESEARCH } from '../deid/options.ts';
import { readDicom } from '../dicom/read.ts';
import { getString } from '../dicom/values.ts';
import { runJob } from './job.ts';

/** runJob is the whole per-file work of a CLI worker, tested here without a thread. */

const tmp = mkdtempSync(join(tmpdir(), 'veil-job-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const plan = { options: RESEARCH, key: generateKey() };
const put = (name: string, bytes: Uint8Array | string) => {
  const p = join(tmp, 'in', name);
  mkdirSync(join(tmp, 'in'), { recursive: true });
  writeFileSync(p, bytes);
  return p;
};
const stage = (name: string) => join(tmp, `${name}.out`);
const ct = join(tmp, 'CT_small');
copyFileSync(join(PYDICOM_DIR, 'test_files', 'CT_small.dcm'), ct);

describe('runJob', () => {
  it('reads a DICOM file, de-identifies it and writes the output to the staging path', async () => {
    const r = await runJob({ name: 'CD/CT_small', path: ct, stagePath: stage('ct') }, plan);
    expect(r.status).toBe('anonymized');
    if (r.status !== 'anonymized') return;
    expect(statSync(stage('ct')).size).toBe(r.outputBytes);
    const out = readDicom(new Uint8Array(readFileSync(stage('ct'))));
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(getString(out.value.dataset, 0x00080018)).toBe(r.info.sopInstanceUID);
    expect(r.info.sopInstanceUID).toMatch(/^2\.25\./);
    expect(r.identity.length).toBeGreaterThan(0);
  });

  it('skips what is not DICOM, reading only its start, and writes nothing', async () => {
    const pdf = put('Befund.pdf', `%PDF-1.4\n${'x'.repeat(100_000)}`);
    expect(await runJob({ name: 'Befund.pdf', path: pdf, stagePath: stage('pdf') }, plan)).toEqual({
      status: 'skipped',
      what: 'PDF document',
    });
    expect(await runJob({ name: 'empty', path: put('empty', ''), stagePath: stage('empty') }, plan)).toEqual({
      status: 'skipped',
      what: 'empty file',
    });
    expect(existsSync(stage('pdf'))).toBe(false);
  });

  it("skips the input's DICOMDIR", async () => {
    const r = await runJob(
      { name: 'DICOMDIR', path: join(PYDICOM_DIR, 'test_files', 'dicomdirtests', 'DICOMDIR'), stagePath: stage('dd') },
      plan,
    );
    expect(r).toMatchObject({ status: 'skipped', what: expect.stringMatching(/^DICOMDIR/) });
  });

  it('withholds, naming the file by its input name, what cannot be read or written', async () => {
    const missing = await runJob({ name: 'CD/IM1', path: join(tmp, 'nope'), stagePath: stage('nope') }, plan);
    expect(missing).toEqual({ status: 'withheld', reason: 'CD/IM1: cannot be read (ENOENT)' });
    const unwritable = await runJob({ name: 'CD/IM2', path: ct, stagePath: join(tmp, 'no-such-folder', 'x') }, plan);
    expect(unwritable).toEqual({ status: 'withheld', reason: 'CD/IM2: the output could not be written (ENOENT)' });
  });

  it('withholds a truncated DICOM file with the reason', async () => {
    const whole = readFileSync(ct);
    const path = put('cut', whole.subarray(0, whole.length - 1000));
    const r = await runJob({ name: 'cut', path, stagePath: stage('cut') }, plan);
    expect(r.status).toBe('withheld');
    if (r.status === 'withheld') expect(r.reason).toMatch(/^cut: /);
  });
});
