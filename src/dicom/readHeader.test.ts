import { open, readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PYDICOM_DIR, pydicomFiles } from '../../test/corpus.ts';
import type { Dataset } from './Dataset.ts';
import { readDicom } from './read.ts';
import { type ReadRange, readHeader } from './readHeader.ts';

/** A ReadRange over a Node file handle that also counts what it read. */
const fileRange = async (path: string) => {
  const fh = await open(path);
  const size = (await fh.stat()).size;
  const stats = { reads: 0, bytes: 0 };
  const read: ReadRange = async (start, end) => {
    const b = new Uint8Array(Math.max(0, Math.min(end, size) - start));
    const { bytesRead } = await fh.read(b, 0, b.length, start);
    stats.reads++;
    stats.bytes += bytesRead;
    return b.subarray(0, bytesRead);
  };
  return { read, size, stats, close: () => fh.close() };
};

const PIXEL_TAGS = new Set([0x7fe00008, 0x7fe00009, 0x7fe00010]);

/** "tag vr hex" lines of the elements before Pixel Data (what a header-only read promises). */
const header = (ds: Dataset, indent = ''): string[] => {
  const out: string[] = [];
  for (const e of ds.elements()) {
    if (!indent && (PIXEL_TAGS.has(e.tag) || e.tag > 0x7fe00010)) break;
    out.push(`${indent}${e.tag.toString(16)} ${e.vr} ${e.items ? '' : Buffer.from(e.value ?? []).toString('hex')}`);
    for (const item of e.items ?? []) out.push(`${indent} item`, ...header(item, `${indent}  `));
  }
  return out;
};

describe('readHeader reads just the header, from byte ranges', () => {
  const files = pydicomFiles();
  for (const chunk of [512, undefined]) {
    it(`matches a full read for every pydicom file (first chunk ${chunk ?? 'default'})`, async () => {
      const mismatches: string[] = [];
      for (const f of files) {
        const full = readDicom(new Uint8Array(await readFile(f)));
        const src = await fileRange(f);
        const r = await readHeader(src.read, src.size, chunk ? { firstChunk: chunk } : {});
        await src.close();
        const name = basename(f);
        if (full.ok) {
          if (!r.ok) mismatches.push(`${name}: ${r.error.message}`);
          else if (header(r.value.dataset).join('\n') !== header(full.value.dataset).join('\n')) {
            mismatches.push(`${name}: different elements`);
          } else if (header(r.value.meta).join('\n') !== header(full.value.meta).join('\n')) {
            mismatches.push(`${name}: different File Meta`);
          } else if (r.value.headerOnly !== full.value.dataset.elements().some((e) => PIXEL_TAGS.has(e.tag))) {
            mismatches.push(`${name}: headerOnly is ${r.value.headerOnly}`);
          }
        } else if (!r.ok) {
          if (r.error.message !== full.error.message) mismatches.push(`${name}: "${r.error.message}"`);
        } else if (!r.value.headerOnly) {
          // A file broken only in or after its Pixel Data has a readable header; anything else must fail.
          mismatches.push(`${name}: header read although the file fails with "${full.error.message}"`);
        }
      }
      expect(mismatches).toEqual([]);
    });
  }

  it('reads only a prefix of a file with large pixel data', async () => {
    const src = await fileRange(`${PYDICOM_DIR}/test_files/CT_small.dcm`);
    const r = await readHeader(src.read, src.size, { firstChunk: 1024 });
    await src.close();
    expect(r.ok && r.value.headerOnly).toBe(true);
    expect(src.stats.bytes).toBeLessThan(src.size / 2);
    expect(src.stats.reads).toBeGreaterThan(1); // the header did not fit in 1 KB: it grew
  });

  it('is settled by the first read when the header fits', async () => {
    const src = await fileRange(`${PYDICOM_DIR}/test_files/J2K_pixelrep_mismatch.dcm`);
    const r = await readHeader(src.read, src.size);
    await src.close();
    expect(r.ok && r.value.headerOnly).toBe(true);
    expect(src.stats.reads).toBe(1);
    expect(src.stats.bytes).toBeLessThan(src.size);
  });

  it('needs the whole of a file without Pixel Data (a waveform), and gets it', async () => {
    const src = await fileRange(`${PYDICOM_DIR}/test_files/waveform_ecg.dcm`);
    const r = await readHeader(src.read, src.size);
    await src.close();
    expect(r.ok && !r.value.headerOnly).toBe(true);
    expect(src.stats.bytes).toBe(src.size); // each byte read once
  });

  it('reads the whole of a deflated file at once', async () => {
    const src = await fileRange(`${PYDICOM_DIR}/test_files/image_dfl.dcm`);
    const r = await readHeader(src.read, src.size, { firstChunk: 1024 });
    await src.close();
    expect(r.ok && r.value.headerOnly).toBe(true);
    expect(src.stats.reads).toBe(2); // the first prefix shows the syntax; then the whole file
  });

  it('reports an empty file, a read error and a non-DICOM file as values', async () => {
    const empty = await readHeader(async () => new Uint8Array(0), 0);
    expect(!empty.ok && empty.error.message).toMatch(/empty/);
    const broken = await readHeader(async () => {
      throw new Error('NotReadableError');
    }, 100);
    expect(!broken.ok && broken.error.kind).toBe('io');
    const text = new TextEncoder().encode('hello '.repeat(50_000));
    let reads = 0;
    const r = await readHeader(async (s, e) => {
      reads++;
      return text.subarray(s, e);
    }, text.length);
    expect(!r.ok && r.error.kind).toBe('not-dicom');
    expect(reads).toBe(1);
  });

  it('copes with a file that is shorter than it was said to be', async () => {
    const bytes = new Uint8Array(await readFile(`${PYDICOM_DIR}/test_files/rtplan.dcm`));
    const r = await readHeader(async (s, e) => bytes.subarray(s, e), bytes.length + 10_000, { firstChunk: 512 });
    expect(r.ok).toBe(true);
  });
});
