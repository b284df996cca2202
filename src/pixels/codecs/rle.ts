/**
 * RLE Lossless (PS3.5 Annex G), written here rather than taken from a library: it is PackBits
 * over byte planes, some sixty lines, and a library would add a dependency and a WebAssembly
 * load for what decodes straight into the output in one pass.
 */
import { fail, ok, type Result } from '../../dicom/ReadError.ts';
import { type ImagePixel, joinFragments } from '../frames.ts';
import type { CodecOutput } from './codec.ts';
import { newSamples } from './DecodedFrame.ts';

/** Decodes one RLE frame (one fragment per frame, PS3.5 §A.4.2; several are joined). */
export const decode = async (fragments: Uint8Array[], px: ImagePixel): Promise<Result<CodecOutput>> => {
  const data = joinFragments(fragments);
  if (data.length < 64) return fail('malformed', `the RLE Header needs 64 bytes; the frame has ${data.length}`);
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  // G.5: the header is 16 little-endian 32-bit values: the segment count, then 15 offsets.
  const count = dv.getUint32(0, true);
  const size = px.bitsAllocated / 8;
  const spp = px.samplesPerPixel;
  if (count !== spp * size)
    return fail(
      'malformed',
      `the RLE Header lists ${count} segments; ${spp} sample(s) of ${px.bitsAllocated} bits need ${spp * size}`,
    );
  const pixels = px.rows * px.columns;
  const out = newSamples(pixels * spp, px.bitsAllocated, false);
  const bytes = new Uint8Array(out.buffer);
  const stride = spp * size;
  for (let k = 0; k < count; k++) {
    const start = dv.getUint32(4 + k * 4, true);
    const end = k + 1 < count ? dv.getUint32(8 + k * 4, true) : data.length;
    if (start < 64 || end < start || end > data.length)
      return fail(
        'malformed',
        `RLE segment ${k + 1} has offsets ${start}–${end} outside the ${data.length}-byte frame`,
      );
    // G.2: segments go sample by sample, most significant byte first; output is host (LE) order.
    const sample = Math.floor(k / size);
    const byte = size - 1 - (k % size);
    const got = unpackBits(data, start, end, bytes, sample * size + byte, stride, pixels);
    if (got < pixels)
      return fail('malformed', `RLE segment ${k + 1} decodes to ${got} bytes; the frame needs ${pixels}`);
  }
  return ok({
    rows: px.rows,
    columns: px.columns,
    samplesPerPixel: spp,
    bitsPerSample: px.bitsAllocated,
    samples: out,
    photometric: px.photometric,
  });
};

/**
 * PackBits (G.3.1): a header byte n, then n+1 literal bytes (n ≥ 0) or one byte repeated 1−n
 * times (−127 ≤ n ≤ −1); −128 is a no-op. Writes every `stride`-th byte from `at`; stops at
 * `want` bytes (segments are padded to an even length). Returns how many bytes it wrote.
 */
const unpackBits = (
  src: Uint8Array,
  start: number,
  end: number,
  dst: Uint8Array,
  at: number,
  stride: number,
  want: number,
): number => {
  let p = start;
  let n = 0;
  let o = at;
  while (p < end && n < want) {
    const h = src[p++]!;
    if (h < 128) {
      const run = Math.min(h + 1, want - n, end - p);
      for (let i = 0; i < run; i++, o += stride) dst[o] = src[p + i]!;
      p += h + 1;
      n += run;
    } else if (h > 128) {
      if (p >= end) break;
      const v = src[p++]!;
      const run = Math.min(257 - h, want - n);
      for (let i = 0; i < run; i++, o += stride) dst[o] = v;
      n += run;
    }
  }
  return n;
};
