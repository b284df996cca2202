/**
 * What a decoded frame looks like, whatever it was stored as: interleaved samples (colour-by-pixel,
 * PS3.3 C.7.6.3.1.3 Planar Configuration 0) in a typed array that matches Bits Allocated and
 * Pixel Representation, every value already reduced to its Bits Stored (masked, sign-extended).
 */

/** The typed arrays a frame can come back in: 8, 16 or 32 bits, unsigned or two's complement. */
export type Samples = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;

/**
 * One decoded frame.
 *
 * `photometric` is what the samples are *after* decoding, which is not always what the file says:
 * - JPEG lossy (libjpeg-turbo) colour comes back `RGB`: the decoder undoes the YCbCr transform that
 *   YBR_FULL and YBR_FULL_422 declare (and upsamples the chroma of 4:2:2);
 * - JPEG 2000 and HTJ2K declared YBR_RCT or YBR_ICT come back `RGB`: the inverse component
 *   transform is part of decoding (PS3.5 §8.2.4);
 * - native YBR_FULL_422 comes back `YBR_FULL`: each pair's chroma is given to both pixels;
 * - everything else (RLE, JPEG Lossless, JPEG-LS, deflated and native frames) keeps the file's
 *   Photometric Interpretation, YBR_FULL included: those codecs apply no colour transform.
 */
export interface DecodedFrame {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  /** Pixel Representation 1: two's complement samples (Int8/Int16/Int32Array). */
  signed: boolean;
  photometric: string;
  planar: false;
  pixels: Samples;
}

/** Whether typed arrays on this machine are little-endian, as DICOM's encapsulated and LE syntaxes are. */
export const HOST_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** A typed array of `length` samples over existing bytes (a view: nothing is copied). */
export const samplesView = (
  buffer: ArrayBufferLike,
  byteOffset: number,
  length: number,
  bitsAllocated: number,
  signed: boolean,
): Samples => {
  if (bitsAllocated === 8)
    return signed ? new Int8Array(buffer, byteOffset, length) : new Uint8Array(buffer, byteOffset, length);
  if (bitsAllocated === 16)
    return signed ? new Int16Array(buffer, byteOffset, length) : new Uint16Array(buffer, byteOffset, length);
  return signed ? new Int32Array(buffer, byteOffset, length) : new Uint32Array(buffer, byteOffset, length);
};

/** A new, zeroed typed array for `length` samples. */
export const newSamples = (length: number, bitsAllocated: number, signed: boolean): Samples =>
  samplesView(new ArrayBuffer(length * (bitsAllocated / 8)), 0, length, bitsAllocated, signed);

/**
 * Reduces samples to Bits Stored (PS3.5 §8.1.1): the bits above High Bit and below the stored
 * range are not pixel data (old overlays lived there), and signed values are sign-extended from
 * the stored top bit. Samples already in that form are returned as they are, so a native frame
 * stays a view of the file; otherwise `owned` samples are fixed in place and borrowed ones copied.
 */
export const fitStoredBits = (
  px: Samples,
  bitsAllocated: number,
  bitsStored: number,
  highBit: number,
  signed: boolean,
  owned: boolean,
): Samples => {
  const shift = highBit + 1 - bitsStored;
  if (bitsStored >= bitsAllocated && shift === 0) return px;
  const span = 2 ** bitsStored;
  const lo = signed ? -span / 2 : 0;
  const hi = signed ? span / 2 : span;
  if (shift === 0) {
    let canonical = true;
    for (let i = 0; i < px.length; i++) {
      const v = px[i]!;
      if (v < lo || v >= hi) {
        canonical = false;
        break;
      }
    }
    if (canonical) return px;
  }
  const out = owned ? px : px.slice();
  if (bitsAllocated <= 16) {
    // Bit operations suffice below 32 bits: mask to the word, drop the low bits, keep the stored ones.
    const wordMask = (1 << bitsAllocated) - 1;
    const keep = (1 << bitsStored) - 1;
    const up = 32 - bitsStored;
    for (let i = 0; i < out.length; i++) {
      const v = ((out[i]! & wordMask) >> shift) & keep;
      out[i] = signed ? (v << up) >> up : v;
    }
    return out;
  }
  const word = 2 ** bitsAllocated;
  for (let i = 0; i < out.length; i++) {
    let v = out[i]!;
    if (v < 0) v += word; // the stored bit pattern, as unsigned
    v = Math.floor(v / 2 ** shift) % span;
    if (signed && v >= hi) v -= span;
    out[i] = v;
  }
  return out;
};
