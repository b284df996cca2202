import { zlibSync } from 'fflate';
import type { GreyImage } from './skin.ts';

/** CRC-32 (ISO 3309, the one PNG chunks carry), table-driven. */
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

const crc32 = (bytes: Uint8Array): number => {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};

/** One chunk: length, type, data, CRC of type and data (PNG spec §5.3). */
const chunk = (type: string, data: Uint8Array): Uint8Array => {
  const out = new Uint8Array(12 + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  dv.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
};

/**
 * A greyscale picture as an 8-bit greyscale PNG file (colour type 0, no filtering), for looking at
 * renders outside the app (tests and the bench save them under .cache/renders/).
 */
export const encodePng = (image: GreyImage): Uint8Array => {
  const { width, height, pixels } = image;
  const raw = new Uint8Array((width + 1) * height);
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  const header = new Uint8Array(13);
  const dv = new DataView(header.buffer);
  dv.setUint32(0, width);
  dv.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  const parts = [
    Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
    chunk('IHDR', header),
    chunk('IDAT', zlibSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** Places pictures side by side on one row (for a before/after sheet), the gap black. */
export const sideBySide = (images: readonly GreyImage[], gap = 4): GreyImage => {
  const height = Math.max(...images.map((i) => i.height));
  const width = images.reduce((w, i) => w + i.width, 0) + gap * Math.max(0, images.length - 1);
  const pixels = new Uint8ClampedArray(width * height);
  let x0 = 0;
  for (const img of images) {
    for (let y = 0; y < img.height; y++)
      pixels.set(img.pixels.subarray(y * img.width, (y + 1) * img.width), y * width + x0);
    x0 += img.width + gap;
  }
  return { width, height, pixels };
};
