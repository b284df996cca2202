/**
 * Colour that native pixels should not keep as YBR: issue 5 writes cleaned colour images as RGB,
 * the form every viewer shows without a colour transform of its own. Decoded frames come back
 * YBR_FULL from native YBR_FULL and YBR_FULL_422 (chroma already widened) and from RLE; this turns
 * them into RGB with the inverse of the PS3.3 C.7.6.3.1.2 YBR_FULL equations.
 */

import type { Samples } from '../codecs/DecodedFrame.ts';

/** Frames and what they are, as a pixel step hands them to the writer. */
export interface ColourFrames {
  frames: readonly Samples[];
  /** Photometric Interpretation of the samples (undefined: the file's own). */
  photometric?: string;
}

/**
 * YBR_FULL samples (interleaved Y, Cb, Cr, unsigned, 8 or 16 bits) to RGB in a new array:
 * R = Y + 1.402 (Cr − m), G = Y − 0.344136 (Cb − m) − 0.714136 (Cr − m), B = Y + 1.772 (Cb − m),
 * where m is half the range (128 for 8 bits), rounded and clamped to the range. Y 0 with neutral
 * chroma (the black a box is filled with) gives RGB 0, 0, 0.
 */
export const ybrFullToRgb = (ybr: Samples, bits: number): Samples => {
  const out = new (ybr.constructor as new (n: number) => Samples)(ybr.length);
  const mid = 2 ** (bits - 1);
  const max = 2 ** bits - 1;
  const clamp = (v: number) => (v < 0 ? 0 : v > max ? max : Math.round(v));
  for (let p = 0; p + 2 < ybr.length; p += 3) {
    const y = ybr[p]!;
    const cb = ybr[p + 1]! - mid;
    const cr = ybr[p + 2]! - mid;
    out[p] = clamp(y + 1.402 * cr);
    out[p + 1] = clamp(y - 0.344136 * cb - 0.714136 * cr);
    out[p + 2] = clamp(y + 1.772 * cb);
  }
  return out;
};

/**
 * The frames as the writer should store them: YBR_FULL becomes RGB (Photometric Interpretation
 * RGB; the writer sets Planar Configuration 0). Anything else is returned as it is. Only unsigned
 * 8 and 16-bit colour is converted; other YBR frames are returned unchanged for the writer to judge.
 * `fileSays` is the file's Photometric Interpretation, `bitsStored` its Bits Stored.
 */
export const nativeColour = (c: ColourFrames, fileSays: string, bitsStored?: number): ColourFrames => {
  const photometric = (c.photometric ?? fileSays).trim().toUpperCase();
  if (photometric !== 'YBR_FULL') return c;
  const first = c.frames[0];
  if (!(first instanceof Uint8Array || first instanceof Uint16Array)) return c;
  // Decoded samples are reduced to Bits Stored: that range is the one whose middle is neutral chroma.
  const bits = Math.min(first.BYTES_PER_ELEMENT * 8, bitsStored || first.BYTES_PER_ELEMENT * 8);
  return { frames: c.frames.map((f) => ybrFullToRgb(f, bits)), photometric: 'RGB' };
};
