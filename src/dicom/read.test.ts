import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pydicomFiles } from '../../test/corpus.ts';
import type { Dataset } from './Dataset.ts';
import { readDicom } from './read.ts';
import { writeDataset, writePart10 } from './write.ts';

/** Flattens a data set into "tag vr hex" lines so two trees can be compared exactly. */
const fingerprint = (ds: Dataset, indent = ''): string[] =>
  ds.elements().flatMap((e) => {
    if ((e.tag & 0xffff) === 0) return []; // group lengths are dropped on writing
    const head = `${indent}${e.tag.toString(16)} ${e.vr}`;
    if (e.items)
      return [head, ...e.items.flatMap((it, i) => [`${indent} item ${i}`, ...fingerprint(it, `${indent}  `)])];
    return [`${head} ${Buffer.from(e.value ?? []).toString('hex')}`];
  });

describe('reading and writing the pydicom test files', () => {
  const files = pydicomFiles();
  it('has the real corpus', () => expect(files.length).toBeGreaterThan(80));

  for (const f of files) {
    it(`round-trips ${basename(f)} value for value`, () => {
      const r = readDicom(new Uint8Array(readFileSync(f)));
      if (!r.ok) {
        // Files that can't be read must say why in words.
        expect(r.error.message.length).toBeGreaterThan(10);
        return;
      }
      const { dataset, transferSyntax } = r.value;
      const bytes = writeDataset(
        dataset,
        transferSyntax.deflated ? { ...transferSyntax, deflated: false } : transferSyntax,
      );
      const again = readDicom(writePart10({ meta: r.value.meta, dataset, transferSyntax }));
      if (r.value.meta.size > 0) {
        expect(again.ok).toBe(true);
        if (again.ok) expect(fingerprint(again.value.dataset)).toEqual(fingerprint(dataset));
      }
      expect(bytes.length % 2).toBe(0);
    });
  }
});

describe('bad input', () => {
  it('rejects zero bytes with a reason', () => {
    const r = readDicom(new Uint8Array(0));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/empty/);
  });
  it('rejects random bytes as not DICOM', () => {
    const b = new Uint8Array(4096).map((_, i) => (i * 7919 + 13) & 0xff);
    const r = readDicom(b);
    expect(r.ok).toBe(false);
  });
});
