import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCorpus, type Manifest } from '../scripts/generate-corpus.ts';
import type { Dataset } from '../src/dicom/Dataset.ts';
import { readDicom } from '../src/dicom/read.ts';
import { setString } from '../src/dicom/values.ts';
import { writePart10 } from '../src/dicom/write.ts';
import { PYDICOM_DIR, pydicomFiles } from './corpus.ts';
import {
  dciodvfy,
  dciodvfyNewErrors,
  dcmdump,
  metaTransferSyntax,
  normaliseError,
  phiLeaks,
  pydicomRead,
} from './validators.ts';

/**
 * The judges must pass a known good file and catch a known bad one, or every test built on them
 * proves nothing. Good: a generated CT slice and pydicom's CT_small.dcm. Bad: pydicom's truncated
 * MR, and the generated CT with a Type 1 attribute removed.
 */

let dir: string;
let manifest: Manifest;
let goodCt: string;
let deflated: string;
let noRows: string;
let renamed: string;
const truncated = join(PYDICOM_DIR, 'test_files', 'MR_truncated.dcm');
const ctSmall = join(PYDICOM_DIR, 'test_files', 'CT_small.dcm');

/** Rewrites a DICOM file through the repo's reader and writer with a change applied. */
const variant = (from: string, to: string, change: (ds: Dataset, meta: Dataset) => void) => {
  const r = readDicom(new Uint8Array(readFileSync(from)));
  if (!r.ok) throw new Error(r.error.message);
  change(r.value.dataset, r.value.meta);
  writeFileSync(
    to,
    writePart10({ meta: r.value.meta, dataset: r.value.dataset, transferSyntax: r.value.transferSyntax }),
  );
  return to;
};

beforeAll(() => {
  pydicomFiles(); // fails loudly when the real pydicom files have not been fetched
  dir = mkdtempSync(join(tmpdir(), 'veil-validators-'));
  manifest = generateCorpus(join(dir, 'corpus'), 3);
  const cd = join(dir, 'corpus', manifest.root);
  const ct = manifest.files.find((f) => f.path.includes('CT_HEAD'))!;
  goodCt = join(cd, ct.path);
  deflated = join(cd, manifest.files.find((f) => f.transferSyntaxUid === '1.2.840.10008.1.2.1.99')!.path);
  noRows = variant(goodCt, join(dir, 'no-rows.dcm'), (ds) => ds.delete(0x00280010));
  // What de-identification legitimately does: new UIDs, new names. No new IOD errors follow.
  renamed = variant(goodCt, join(dir, 'renamed.dcm'), (ds, meta) => {
    setString(meta, 0x00020003, '2.25.1234567890123456789');
    setString(ds, 0x00080018, '2.25.1234567890123456789');
    setString(ds, 0x0020000d, '2.25.98765432109876543210');
    setString(ds, 0x00100010, 'ANON^PATIENT');
    setString(ds, 0x00100020, 'ANON0001');
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dcmdump', () => {
  it('passes a good file', () => {
    expect(dcmdump(goodCt).errors).toEqual([]);
    expect(dcmdump(ctSmall).errors).toEqual([]);
    expect(dcmdump(goodCt).dump).toContain('(0010,0010) PN');
  });
  it('catches a truncated file', () => {
    expect(dcmdump(truncated).errors.length).toBeGreaterThan(0);
  });
});

describe('dciodvfy', () => {
  it('passes a good file', () => expect(dciodvfy(goodCt)).toEqual([]));
  it('verifies a Deflated file (inflated by dcmconv first)', () => {
    expect(metaTransferSyntax(readFileSync(deflated))).toBe('1.2.840.10008.1.2.1.99');
    expect(dciodvfy(deflated)).toEqual([]);
  });
  it('catches a missing Type 1 attribute', () => {
    expect(dciodvfy(noRows).join('\n')).toMatch(/Rows/);
  });
  it('catches a truncated file', () => expect(dciodvfy(truncated).length).toBeGreaterThan(0));
});

describe('dciodvfyNewErrors', () => {
  it('reports nothing for changed UIDs and names', () => expect(dciodvfyNewErrors(goodCt, renamed)).toEqual([]));
  it('reports what the output broke', () => {
    const fresh = dciodvfyNewErrors(goodCt, noRows);
    expect(fresh.length).toBeGreaterThan(0);
    expect(fresh.join('\n')).toMatch(/Rows/);
  });
  it('does not blame the output for the input’s own errors', () =>
    expect(dciodvfyNewErrors(noRows, noRows)).toEqual([]));
  it('normalises values, lengths and UIDs but keeps the attribute and the error kind', () => {
    const a = normaliseError(
      "Error - Value invalid for this VR - (0x0008,0x0094) SH Referring Physician's Telephone Numbers  SH [1] = <+49 89 4400-12345> - Length invalid for this VR = 17, expected <= 16",
    );
    const b = normaliseError(
      "Error - Value invalid for this VR - (0x0008,0x0094) SH Referring Physician's Telephone Numbers  SH [2] = <ANON 0000 0000 000> - Length invalid for this VR = 19, expected <= 16",
    );
    expect(a).toBe(b);
    expect(a).toContain('(0x0008,0x0094)');
    expect(
      normaliseError('Error - Missing attribute Type 2C Conditional Element=<Laterality> Module=<GeneralSeries>'),
    ).toBe('Error - Missing attribute Type 2C Conditional Element=<Laterality> Module=<GeneralSeries>');
  });
});

describe('pydicomRead', () => {
  it('reads good files, pixels and a DICOMDIR in one run', () => {
    const cd = join(dir, 'corpus', manifest.root);
    const report = pydicomRead([goodCt, ctSmall, deflated, join(cd, 'DICOMDIR')]);
    expect(report.failures).toEqual([]);
    expect(report.files[0]!.notes).toContain('pixels [64, 64]');
    expect(report.files[0]!.warnings).toEqual([]);
    expect(report.files[3]!.notes.join()).toMatch(/DICOMDIR with \d+ instances/);
  });
  it('reports a truncated file and a non-DICOM file as failures', () => {
    const photo = join(dir, 'corpus', manifest.root, 'PHOTO.JPG');
    const report = pydicomRead([truncated, photo, goodCt]);
    expect(report.failures.map((f) => f.file)).toEqual([truncated, photo]);
  });
});

describe('phiLeaks', () => {
  it('finds the patient in an original and nothing in a file without them', () => {
    const hits = phiLeaks(new Uint8Array(readFileSync(goodCt)), manifest.identities);
    expect(hits.map((h) => h.value)).toContain('MÜLLER^JÖRG');
    const other = manifest.identities.filter((i) => i.patient !== 'mueller');
    expect(phiLeaks(new Uint8Array(readFileSync(goodCt)), other)).toEqual([]);
  });
});

describe('a missing tool', () => {
  it('throws saying what to install instead of skipping', () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      expect(() => dcmdump(join(dir, 'renamed.dcm'))).toThrow(/dcmtk/);
    } finally {
      process.env.PATH = path;
    }
  });
});
