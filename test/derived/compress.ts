import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import factory from '@cornerstonejs/codec-openjph/wasmjs';
import { fileMeta } from '../../src/dicom/FileMeta.ts';
import { readDicom } from '../../src/dicom/read.ts';
import { transferSyntax } from '../../src/dicom/TransferSyntax.ts';
import { getString } from '../../src/dicom/values.ts';
import { writePart10 } from '../../src/dicom/write.ts';
import { imagePixelOf, nativeFrameBytes } from '../../src/pixels/frames.ts';
import { encapsulate } from '../../src/pixels/references.test-helper.ts';

/** The codecs a derived series can be compressed with, and what writes each. */
export type Codec = 'jpeg-lossless' | 'jpeg-ls' | 'rle' | 'j2k' | 'htj2k' | 'jpeg-baseline';

/** Per codec: the transfer syntax it produces, whether it loses information, and the encoder. */
export const CODECS: Readonly<Record<Codec, { uid: string; lossy: boolean; encoder: string }>> = {
  'jpeg-lossless': { uid: '1.2.840.10008.1.2.4.70', lossy: false, encoder: 'DCMTK dcmcjpeg +e1 (Process 14, SV1)' },
  'jpeg-ls': { uid: '1.2.840.10008.1.2.4.80', lossy: false, encoder: 'DCMTK dcmcjpls +el' },
  rle: { uid: '1.2.840.10008.1.2.5', lossy: false, encoder: 'DCMTK dcmcrle' },
  j2k: { uid: '1.2.840.10008.1.2.4.90', lossy: false, encoder: 'GDCM gdcmconv --j2k' },
  htj2k: { uid: '1.2.840.10008.1.2.4.201', lossy: false, encoder: 'OpenJPH (@cornerstonejs/codec-openjph)' },
  'jpeg-baseline': { uid: '1.2.840.10008.1.2.4.50', lossy: true, encoder: 'DCMTK dcmcjpeg +eb (8-bit only)' },
};

const TOOLS: Partial<Record<Codec, [string, string[]]>> = {
  'jpeg-lossless': ['dcmcjpeg', ['+e1']],
  'jpeg-ls': ['dcmcjpls', ['+el']],
  rle: ['dcmcrle', []],
  j2k: ['gdcmconv', ['--j2k']],
  'jpeg-baseline': ['dcmcjpeg', ['+eb']],
};

/** Where generated series are kept for inspection and reuse (never committed: .cache is ignored). */
export const DERIVED_DIR = join(import.meta.dirname, '..', '..', '.cache', 'derived');

/**
 * Compresses a native series file by file with the codec's encoder. The results are kept in
 * `.cache/derived/<name>/` with a stamp (a hash of the native files and the codec): a later run
 * with the same input reads them back instead of running the encoders again.
 */
export const compressSeries = async (
  name: string,
  files: readonly Uint8Array[],
  codec: Codec,
): Promise<Uint8Array[]> => {
  const dir = join(DERIVED_DIR, name);
  const hash = createHash('sha256').update(codec);
  for (const f of files) hash.update(f);
  const stamp = hash.digest('hex');
  const stampFile = join(dir, 'stamp');
  const names = files.map((_, k) => `${String(k + 1).padStart(4, '0')}.dcm`);
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp)
    return names.map((n) => new Uint8Array(readFileSync(join(dir, n))));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'native'), { recursive: true });
  const out: Uint8Array[] = [];
  for (const [k, f] of files.entries()) {
    const target = join(dir, names[k]!);
    const tool = TOOLS[codec];
    if (tool) {
      const input = join(dir, 'native', names[k]!);
      writeFileSync(input, f);
      const r = spawnSync(tool[0], [...tool[1], input, target], { encoding: 'utf8' });
      if (r.error || r.status !== 0)
        throw new Error(`${tool[0]} failed on ${name} slice ${k + 1}: ${r.error?.message ?? r.stderr}`);
      out.push(new Uint8Array(readFileSync(target)));
    } else {
      const bytes = await htj2kFile(f);
      writeFileSync(target, bytes);
      out.push(bytes);
    }
  }
  rmSync(join(dir, 'native'), { recursive: true, force: true });
  for (const n of readdirSync(dir)) if (!names.includes(n)) rmSync(join(dir, n), { force: true });
  writeFileSync(stampFile, stamp);
  return out;
};

/**
 * One native file as HTJ2K Lossless (1.2.840.10008.1.2.4.201): its frame encoded reversibly by
 * OpenJPH, one fragment, an empty Basic Offset Table, a new File Meta naming the syntax.
 */
const htj2kFile = async (bytes: Uint8Array): Promise<Uint8Array> => {
  const r = readDicom(bytes);
  if (!r.ok) throw new Error(r.error.message);
  const file = r.value;
  const px = imagePixelOf(file);
  if (!px.ok) throw new Error(px.error.message);
  const frame = nativeFrameBytes(file, px.value, 0);
  if (!frame.ok) throw new Error(frame.error.message);
  const M = await factory();
  const e = new M.HTJ2KEncoder();
  e.getDecodedBuffer({
    width: px.value.columns,
    height: px.value.rows,
    bitsPerSample: px.value.bitsAllocated,
    componentCount: 1,
    isSigned: px.value.signed,
    isUsingColorTransform: false,
  }).set(frame.value);
  e.setQuality(true, 0);
  e.encode();
  const codestream = e.getEncodedBuffer().slice();
  e.delete();
  const uid = CODECS.htj2k.uid;
  const ds = file.dataset;
  ds.set({ tag: 0x7fe00010, vr: 'OB', value: encapsulate([[codestream]], false), undefinedLength: true });
  const sop = getString(ds, 0x00080018) ?? '';
  const meta = fileMeta(getString(ds, 0x00080016) ?? '', sop, uid);
  return writePart10({ meta, dataset: ds, transferSyntax: transferSyntax(uid) });
};
