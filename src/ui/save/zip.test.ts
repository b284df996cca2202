import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../../workers/crc32.ts';
import { ZipWriter } from './zip.ts';

const build = async (files: [string, Uint8Array][]) => {
  const chunks: Uint8Array[] = [];
  const zip = new ZipWriter(async (c) => {
    chunks.push(c.slice());
  });
  for (const [name, data] of files) await zip.add(name, data, crc32(data));
  const entries = await zip.finish();
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let p = 0;
  for (const c of chunks) {
    bytes.set(c, p);
    p += c.length;
  }
  return { bytes, entries };
};

describe('ZipWriter', () => {
  it('writes a zip other readers open, with UTF-8 names and empty files', async () => {
    const files: [string, Uint8Array][] = [
      ['DICOMDIR', new TextEncoder().encode('dir')],
      ['DICOM/P0001/S0001/SE0001/IM000001', Uint8Array.from({ length: 5000 }, (_, i) => i & 0xff)],
      ['Ünïcode/empty', new Uint8Array(0)],
    ];
    const { bytes } = await build(files);
    const back = unzipSync(bytes);
    expect(Object.keys(back)).toEqual(files.map(([n]) => n));
    for (const [name, data] of files) expect(back[name]).toEqual(data);
  });

  it('says where each entry’s bytes are, so the leak check can re-read them from the zip', async () => {
    const data = new TextEncoder().encode('hello, zip');
    const { bytes, entries } = await build([
      ['a', new Uint8Array(7)],
      ['b/c', data],
    ]);
    const e = entries[1]!;
    expect(bytes.subarray(e.dataOffset, e.dataOffset + e.size)).toEqual(data);
  });

  it('switches to Zip64 end records past 65,535 entries', async () => {
    const files: [string, Uint8Array][] = Array.from({ length: 70_000 }, (_, i) => [`f${i}`, Uint8Array.of(i & 0xff)]);
    const { bytes } = await build(files);
    // The Zip64 end-of-central-directory record and its locator precede the classic record.
    const tail = new DataView(bytes.buffer, bytes.length - 22 - 20 - 56);
    expect(tail.getUint32(0, true)).toBe(0x06064b50);
    expect(Number(tail.getBigUint64(32, true))).toBe(70_000);
    expect(Object.keys(unzipSync(bytes))).toHaveLength(70_000);
  });
});
