import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { anonymize } from '../src/deid/anonymize.ts';
import type { Outcome } from '../src/deid/Outcome.ts';
import { RESEARCH } from '../src/deid/options.ts';
import { readDicom } from '../src/dicom/read.ts';
import { instanceInfo } from '../src/study/InstanceInfo.ts';
import { pydicomFiles } from './corpus.ts';
import { dciodvfyNewErrors, dcmdump, pydicomRead } from './validators.ts';

/**
 * Every real file of Debian's python3-pydicom test set is either anonymized and verified by
 * independent readers (dcmdump, dciodvfy with no error the input lacked, pydicom reading every
 * element and the pixels), or withheld with a reason that names a real defect of that file.
 * Burned-in-text withholding is cleared here (it has its own tests) so every image is exercised.
 */

/** The files that must be withheld, and the defect their reason has to name. */
const DEFECTS: Record<string, RegExp> = {
  'MR_truncated.dcm': /\(7FE0,0010\).*runs past the end/,
  'rtplan_truncated.dcm': /\(300A,012C\).*runs past the end/,
  'SC_rgb_jpeg.dcm': /Implicit VR/, // the File Meta says Explicit VR; the data set is Implicit
  'DICOMDIR-nooffset': /item 52|runs past|remain/, // offsets cut out without fixing the item length
  'nested_priv_SQ.dcm': /group 0001/, // group 0001 is neither standard nor private
  'meta_missing_tsyntax.dcm': /group 0001/, // no (0002,0010), and then the same group 0001 elements
  'no_meta.dcm': /stray byte/, // a stray 0x20 before the data set
  // Fragments of data sets made to test one feature: no SOP Class/Instance UID at all.
  'chrSQEncoding.dcm': /no SOP Instance UID/,
  'chrSQEncoding1.dcm': /no SOP Instance UID/,
  'UN_sequence.dcm': /no SOP Instance UID/,
  'empty_charset_LEI.dcm': /no SOP Instance UID/,
  'no_meta_group_length.dcm': /no SOP Instance UID/,
  'priv_SQ.dcm': /no SOP Instance UID/,
};
/** Same SOP Instance UID as another test file: fine to process on its own. */
const SKIPPED = /DICOMDIR|not a DICOM|no DICM marker/;

const key = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
const dir = mkdtempSync(join(tmpdir(), 'veil-pydicom-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const seriesOf = (bytes: Uint8Array): string[] => {
  const r = readDicom(bytes, { headerOnly: true });
  return r.ok ? [instanceInfo(r.value.dataset).seriesInstanceUID] : [];
};

const results = pydicomFiles().map((f, i) => {
  const bytes = new Uint8Array(readFileSync(f));
  const outcome: Outcome = anonymize(
    bytes,
    { options: RESEARCH, key, allowBurnedInSeries: seriesOf(bytes) },
    basename(f),
  );
  const out = join(dir, `${i}-${basename(f)}`);
  if (outcome.status === 'anonymized') writeFileSync(out, outcome.bytes);
  return { f, outcome, out };
});

describe('the pydicom test files', () => {
  it('are all accounted for, most of them anonymized', () => {
    const anonymized = results.filter((r) => r.outcome.status === 'anonymized');
    expect(anonymized.length).toBeGreaterThan(100);
  });

  for (const { f, outcome, out } of results) {
    const name = basename(f);
    it(`${name}: ${outcome.status}`, () => {
      if (outcome.status === 'skipped') {
        expect(outcome.what).toMatch(SKIPPED);
        return;
      }
      if (outcome.status === 'withheld') {
        const defect = DEFECTS[name];
        expect(defect, `${name} was withheld: ${outcome.reason}`).toBeDefined();
        expect(outcome.reason).toMatch(defect!);
        return;
      }
      expect(DEFECTS[name], `${name} has a known defect but was anonymized`).toBeUndefined();
      expect(dcmdump(out).errors).toEqual([]);
      expect(dciodvfyNewErrors(f, out)).toEqual([]);
    });
  }

  it('every output reads in pydicom, pixels included, unless its input did not either', () => {
    const done = results.filter((r) => r.outcome.status === 'anonymized');
    // pydicom here lacks some codecs (JPEG extended 12-bit, some JPEG 2000): a file whose input
    // pixels pydicom can't decode can't be judged on its pixels; everything else must read.
    const inputFailed = new Set(pydicomRead(done.map((r) => r.f)).failures.map((x) => x.file));
    const outputFailed = pydicomRead(done.map((r) => r.out)).failures;
    const byOut = new Map(done.map((r) => [r.out, r.f]));
    expect(outputFailed.filter((x) => !inputFailed.has(byOut.get(x.file)!))).toEqual([]);
    expect(inputFailed.size).toBeLessThan(done.length / 4);
  });
});
