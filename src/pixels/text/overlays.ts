/**
 * Overlays embedded in Pixel Data (retired, PS3.3 2004 C.9.2.1.1; still written by old devices):
 * an overlay group 60xx with no Overlay Data (60xx,3000), Overlay Bits Allocated (60xx,0100)
 * equal to Bits Allocated and an Overlay Bit Position (60xx,0102) above High Bit. The overlay's
 * graphics (often text: a name, a date) live in that bit of every pixel word.
 *
 * decodeFrame reduces samples to Bits Stored, so decoded frames carry no overlay bits; frames
 * written from them have none left anywhere. What remains to do is to read those overlays (they
 * may hold PHI that must be found and reported) and, for callers that keep the stored words,
 * to clear the bits inside boxes.
 */

import type { DicomFile } from '../../dicom/read.ts';
import { numberOf } from '../../dicom/values.ts';
import type { DecodedFrame } from '../codecs/DecodedFrame.ts';
import { type ImagePixel, nativeFrameBytes } from '../frames.ts';
import type { Rect } from './Box.ts';

/** One overlay embedded in the pixel words. */
export interface EmbeddedOverlay {
  /** The overlay group, 0x6000–0x601E (even). */
  group: number;
  /** The bit of each pixel word that holds it (0 = least significant). */
  bitPosition: number;
}

/** The overlays a file embeds in its Pixel Data (native, single-sample images only). */
export const embeddedOverlays = (file: DicomFile, px: ImagePixel): EmbeddedOverlay[] => {
  const ds = file.dataset;
  const le = file.transferSyntax.littleEndian;
  const out: EmbeddedOverlay[] = [];
  for (let group = 0x6000; group <= 0x601e; group += 2) {
    const at = (e: number) => ds.get(((group << 16) | e) >>> 0);
    if (at(0x3000)?.value) continue; // Overlay Data: a separate bit plane, not in the pixels
    const allocated = numberOf(at(0x0100), le);
    const position = numberOf(at(0x0102), le);
    if (allocated === undefined || position === undefined || allocated <= 1) continue;
    if (px.samplesPerPixel !== 1 || position >= px.bitsAllocated) continue;
    // Bits inside Bits Stored are pixel values, not an overlay.
    if (position <= px.highBit && position > px.highBit - px.bitsStored) continue;
    out.push({ group, bitPosition: position });
  }
  return out;
};

/**
 * One frame's embedded overlays drawn as a monochrome frame (255 where any overlay bit is set),
 * for OCR. Needs a native transfer syntax: compressed pixels keep no bits outside Bits Stored.
 */
export const overlayFrame = (
  file: DicomFile,
  px: ImagePixel,
  index: number,
  overlays: readonly EmbeddedOverlay[],
): DecodedFrame | undefined => {
  if (!overlays.length || file.transferSyntax.encapsulated || px.bitsAllocated !== 16) return undefined;
  const bytes = nativeFrameBytes(file, px, index);
  if (!bytes.ok) return undefined;
  const n = px.rows * px.columns;
  const dv = new DataView(bytes.value.buffer, bytes.value.byteOffset, bytes.value.byteLength);
  const le = file.transferSyntax.littleEndian;
  const mask = overlays.reduce((m, o) => m | (1 << o.bitPosition), 0);
  const pixels = new Uint8Array(n);
  let any = false;
  for (let p = 0; p < n; p++)
    if (dv.getUint16(p * 2, le) & mask) {
      pixels[p] = 255;
      any = true;
    }
  if (!any) return undefined;
  return {
    rows: px.rows,
    columns: px.columns,
    samplesPerPixel: 1,
    bitsAllocated: 8,
    signed: false,
    photometric: 'MONOCHROME2',
    planar: false,
    pixels,
  };
};

/**
 * Clears the overlay bits inside boxes in stored 16-bit pixel words (a copy of a native frame,
 * host order), for a writer that keeps stored words rather than decoded samples. Other bits of
 * those words, and every word outside the boxes, are left as they were.
 */
export const maskOverlayBits = (
  words: Uint16Array,
  columns: number,
  boxes: readonly Rect[],
  overlays: readonly EmbeddedOverlay[],
): Uint16Array => {
  const keep = ~overlays.reduce((m, o) => m | (1 << o.bitPosition), 0) & 0xffff;
  const rows = words.length / columns;
  for (const b of boxes) {
    const x0 = Math.max(0, Math.floor(b.x));
    const y0 = Math.max(0, Math.floor(b.y));
    const x1 = Math.min(columns, Math.ceil(b.x + b.width));
    const y1 = Math.min(rows, Math.ceil(b.y + b.height));
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) words[y * columns + x]! &= keep;
  }
  return words;
};
