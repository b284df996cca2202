import { describe, expect, it } from 'vitest';
import { dicomImage, random } from '../../../test/text/render.ts';
import { readDicom } from '../../dicom/read.ts';
import { decodeFrame } from '../codecs/index.ts';
import { imagePixelOf } from '../frames.ts';
import type { Rect } from './Box.ts';
import { embeddedOverlays, maskOverlayBits, overlayFrame } from './overlays.ts';
import { paletteOf } from './palette.ts';
import { passesOf } from './preprocess.ts';
import { blackOf, redactFrame, redactFrames } from './redact.ts';

const W = 40;
const H = 30;
const rnd = random(3);
const noise = (n: number) => Uint8Array.from({ length: n }, () => 1 + Math.floor(rnd() * 250));
const us = (n: number) => ({ vr: 'US' as const, bytes: new Uint8Array([n & 0xff, n >> 8]) });

const open = (bytes: Uint8Array) => {
  const f = readDicom(bytes);
  if (!f.ok) throw new Error(f.error.message);
  return f.value;
};
const decoded = async (bytes: Uint8Array) => {
  const d = await decodeFrame(open(bytes), 0);
  if (!d.ok) throw new Error(d.error.message);
  return d.value;
};

const inBox = (x: number, y: number, b: Rect) => x >= b.x && x < b.x + b.width && y >= b.y && y < b.y + b.height;

/** Every pixel outside the boxes equal, every pixel inside equal to `black`. */
const expectRedacted = (
  before: ArrayLike<number>,
  after: ArrayLike<number>,
  spp: number,
  boxes: Rect[],
  black: number[],
) => {
  let inside = 0;
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      for (let s = 0; s < spp; s++) {
        const i = (y * W + x) * spp + s;
        if (boxes.some((b) => inBox(x, y, b))) {
          inside++;
          expect(after[i]).toBe(black[s]);
        } else expect(after[i]).toBe(before[i]);
      }
  expect(inside).toBeGreaterThan(0);
};

const BOXES: Rect[] = [
  { x: 2, y: 3, width: 10, height: 4 },
  { x: 35, y: 25, width: 10, height: 10 }, // runs off the frame: clipped
];

describe('redaction', () => {
  it('blacks out RGB boxes and leaves the rest (and the input) untouched', async () => {
    const px = noise(W * H * 3);
    const f = await decoded(dicomImage({ width: W, height: H, frames: [px], photometric: 'RGB' }));
    const copy = f.pixels.slice();
    const out = redactFrame(f, BOXES);
    expectRedacted(copy, out.pixels, 3, BOXES, [0, 0, 0]);
    expect(f.pixels).toEqual(copy);
  });

  it('handles Planar Configuration 1: boxes land on the same pixels as colour-by-pixel', async () => {
    const px = noise(W * H * 3);
    const planar = await decoded(dicomImage({ width: W, height: H, frames: [px], photometric: 'RGB', planar: true }));
    expect(planar.pixels).toEqual(px); // decodeFrame interleaves
    expectRedacted(px, redactFrame(planar, BOXES).pixels, 3, BOXES, [0, 0, 0]);
  });

  it('fills YBR_FULL with Y 0 and neutral chroma (RGB black)', async () => {
    const f = await decoded(dicomImage({ width: W, height: H, frames: [noise(W * H * 3)], photometric: 'YBR_FULL' }));
    expect(blackOf(f)).toEqual([0, 128, 128]);
    expectRedacted(f.pixels, redactFrame(f, BOXES).pixels, 3, BOXES, [0, 128, 128]);
  });

  it('fills monochrome with the darkest stored value (the largest for MONOCHROME1)', async () => {
    const px = Uint16Array.from({ length: W * H }, () => 100 + Math.floor(rnd() * 3000));
    const m2 = await decoded(
      dicomImage({ width: W, height: H, frames: [px], photometric: 'MONOCHROME2', bitsStored: 12 }),
    );
    const min = Math.min(...px);
    const max = Math.max(...px);
    expectRedacted(px, redactFrame(m2, BOXES).pixels, 1, BOXES, [min]);
    const m1 = await decoded(
      dicomImage({ width: W, height: H, frames: [px], photometric: 'MONOCHROME1', bitsStored: 12 }),
    );
    expectRedacted(px, redactFrame(m1, BOXES).pixels, 1, BOXES, [max]);
  });

  it('fills PALETTE COLOR with the index of the darkest entry', async () => {
    // 256 entries, first mapped 0, 16 bits; entry 77 is the only black one.
    const lut = (c: number) => {
      const t = new Uint16Array(256).map((_, i) => (i === 77 ? 0 : ((i * 97 + c * 31) % 200) + 40) << 8);
      return { vr: 'OW' as const, bytes: new Uint8Array(t.buffer) };
    };
    const desc = { vr: 'US' as const, bytes: new Uint8Array(new Uint16Array([256, 0, 16]).buffer) };
    const bytes = dicomImage({
      width: W,
      height: H,
      frames: [noise(W * H)],
      photometric: 'PALETTE COLOR',
      extra: {
        2625793: desc,
        2625794: desc,
        2625795: desc,
        2626049: lut(0),
        2626050: lut(1),
        2626051: lut(2),
      },
    });
    const palette = paletteOf(open(bytes));
    if (!palette.ok) throw new Error(palette.error.message);
    const f = await decoded(bytes);
    expectRedacted(f.pixels, redactFrame(f, BOXES, { palette: palette.value }).pixels, 1, BOXES, [77]);
    // OCR sees the palette's colours, not the indices.
    expect(passesOf(f, { palette: palette.value, scale: 1 }).map((p) => p.name)).toContain('chroma');
  });

  it('keeps allow-listed boxes and applies per-frame lists', async () => {
    const a = await decoded(dicomImage({ width: W, height: H, frames: [noise(W * H * 3)], photometric: 'RGB' }));
    const b = await decoded(dicomImage({ width: W, height: H, frames: [noise(W * H * 3)], photometric: 'RGB' }));
    const kept = { ...BOXES[0]!, keep: true };
    const [ra, rb] = redactFrames([a, b], [[kept], [BOXES[1]!]]);
    expect(ra!.pixels).toEqual(a.pixels);
    expectRedacted(b.pixels, rb!.pixels, 3, [BOXES[1]!], [0, 0, 0]);
  });
});

describe('overlays embedded in Pixel Data', () => {
  it('finds the overlay bit, draws it for OCR, and masks it only inside boxes', async () => {
    // 12 bits stored in 16; overlay 6000 in bit 15 (PS3.3 2004 C.9.2.1.1), set on rows 10–12.
    const words = Uint16Array.from(
      { length: W * H },
      (_, p) => (Math.floor(p / W) >= 10 && Math.floor(p / W) <= 12 ? 0x8000 : 0) | (p % 4096),
    );
    const bytes = dicomImage({
      width: W,
      height: H,
      frames: [words],
      photometric: 'MONOCHROME2',
      bitsStored: 12,
      extra: { 1610612752: us(H), 1610612753: us(W), 1610612992: us(16), 1610612994: us(15) },
    });
    const file = open(bytes);
    const px = imagePixelOf(file);
    if (!px.ok) throw new Error(px.error.message);
    const overlays = embeddedOverlays(file, px.value);
    expect(overlays).toEqual([{ group: 0x6000, bitPosition: 15 }]);
    const plane = overlayFrame(file, px.value, 0, overlays);
    expect(plane?.pixels[11 * W]).toBe(255);
    expect(plane?.pixels[0]).toBe(0);
    // Decoded samples carry no overlay bit at all (reduced to Bits Stored).
    const f = await decoded(bytes);
    expect(Math.max(...f.pixels)).toBeLessThan(4096);
    const box = { x: 0, y: 9, width: 20, height: 5 };
    const masked = maskOverlayBits(words.slice(), W, [box], overlays);
    for (let p = 0; p < W * H; p++) {
      const inside = inBox(p % W, Math.floor(p / W), box);
      expect(masked[p]).toBe(inside ? words[p]! & 0x7fff : words[p]);
    }
  });
});
