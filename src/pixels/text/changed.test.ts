import { describe, expect, it } from 'vitest';
import { random } from '../../../test/text/render.ts';
import type { DecodedFrame } from '../codecs/DecodedFrame.ts';
import type { Rect } from './Box.ts';
import { changedFrames, MIN_CHANGED_PIXELS } from './changed.ts';

const W = 64;
const H = 48;
/** The live image: a region in the middle of the frame, the annotation around it. */
const REGION: Rect = { x: 12, y: 8, width: 40, height: 30 };

/** An RGB cine of `count` frames: fresh speckle inside the region, a still grey margin around it. */
const cine = (count: number, photometric = 'RGB'): DecodedFrame[] => {
  const rnd = random(5);
  return Array.from({ length: count }, () => {
    const pixels = new Uint8Array(W * H * 3).fill(20);
    for (let y = REGION.y; y < REGION.y + REGION.height; y++)
      for (let x = REGION.x; x < REGION.x + REGION.width; x++)
        pixels.fill(Math.floor(rnd() * 256), (y * W + x) * 3, (y * W + x) * 3 + 3);
    return {
      rows: H,
      columns: W,
      samplesPerPixel: 3,
      bitsAllocated: 8,
      signed: false,
      photometric,
      planar: false,
      pixels,
    };
  });
};

/** Sets pixels of a frame to a value (every sample). */
const draw = (f: DecodedFrame, points: [number, number][], v = 255) => {
  for (const [x, y] of points) f.pixels.fill(v, (y * W + x) * 3, (y * W + x) * 3 + 3);
};

/** A glyph-like mark: an "E", 5 wide and 7 high (19 touching pixels), its top left at (x, y). */
const glyph = (x: number, y: number): [number, number][] => {
  const out: [number, number][] = [];
  for (let dy = 0; dy < 7; dy++) out.push([x, y + dy]);
  for (const dy of [0, 3, 6]) for (let dx = 1; dx < 5; dx++) out.push([x + dx, y + dy]);
  return out;
};

const READ = [0, 5, 10];

describe('changedFrames: the frames whose annotation differs from the frames read back next to them', () => {
  it('a still annotation around a live image: no frame to add', () => {
    expect(glyph(0, 0).length).toBeGreaterThan(MIN_CHANGED_PIXELS);
    expect(changedFrames(cine(11), READ, [], [REGION])).toEqual([]);
  });

  it('a mark in the margin on frames no one reads: those frames, and never one already read', () => {
    const frames = cine(11);
    for (const k of [2, 3, 8]) draw(frames[k]!, glyph(2, 40));
    expect(changedFrames(frames, READ, [], [REGION])).toEqual([2, 3, 8]);
    // Frame 2 read back as well: not returned, and frame 3 shows what it shows.
    expect(changedFrames(frames, [0, 2, 5, 10], [], [REGION])).toEqual([8]);
  });

  it('a frame that matches a frame read back next to it, before or after, is proved by it', () => {
    const frames = cine(11);
    for (const k of [2, 3, 4, 5]) draw(frames[k]!, glyph(56, 2));
    // 2 to 4 show what 5 shows, 1 what 0 shows, 6 to 9 what 10 shows.
    expect(changedFrames(frames, READ, [], [REGION])).toEqual([]);
    draw(frames[3]!, glyph(56, 30)); // something neither 0 nor 5 shows
    expect(changedFrames(frames, READ, [], [REGION])).toEqual([3]);
  });

  it('ignores what changes inside the regions and inside the redaction boxes', () => {
    const frames = cine(11);
    draw(frames[3]!, glyph(20, 20)); // inside the region
    draw(frames[7]!, glyph(2, 40)); // inside a box, blacked out on every frame
    const box = { x: 0, y: 38, width: 10, height: 10 };
    expect(changedFrames(frames, READ, [box], [REGION])).toEqual([]);
    expect(changedFrames(frames, READ, [], [REGION])).toEqual([7]);
  });

  it('codec noise is no text: small changes everywhere, and isolated specks, are not counted', () => {
    const frames = cine(11);
    // Every margin sample of frame 3 off by 30 of 255 (within an eighth of the range).
    const f = frames[3]!;
    for (let p = 0; p < W * H; p++) {
      const x = p % W;
      const y = (p - x) / W;
      const inRegion = x >= REGION.x && x < REGION.x + REGION.width && y >= REGION.y && y < REGION.y + REGION.height;
      if (!inRegion) f.pixels.fill(50, p * 3, p * 3 + 3);
    }
    // 40 specks on frame 7, far apart (no two touch), at full contrast.
    const specks: [number, number][] = Array.from({ length: 20 }, (_, i) => [3 * i + 1, 1] as [number, number]);
    specks.push(...specks.map(([x]) => [x, 44] as [number, number]));
    draw(frames[7]!, specks);
    expect(changedFrames(frames, READ, [], [REGION])).toEqual([]);
    // The same count of pixels as touching strokes is a change.
    draw(
      frames[7]!,
      Array.from({ length: 20 }, (_, i) => [i + 1, 2] as [number, number]),
    );
    expect(changedFrames(frames, READ, [], [REGION])).toEqual([7]);
  });

  it('a mark too small for a glyph is not counted; one glyph is', () => {
    const frames = cine(11);
    draw(frames[2]!, glyph(2, 40).slice(0, MIN_CHANGED_PIXELS - 1));
    expect(changedFrames(frames, READ, [], [REGION])).toEqual([]);
    draw(frames[2]!, glyph(2, 40));
    expect(changedFrames(frames, READ, [], [REGION])).toEqual([2]);
  });

  it('palette indices compare exactly', () => {
    const frames = cine(11, 'PALETTE COLOR');
    draw(frames[8]!, glyph(56, 2), 21); // index 21 beside 20 may be any colour
    expect(changedFrames(frames, READ, [], [REGION])).toEqual([8]);
  });

  it('without regions nothing tells the annotation from the live image: no frame is added', () => {
    const frames = cine(11);
    draw(frames[3]!, glyph(2, 40));
    expect(changedFrames(frames, READ, [], [])).toEqual([]);
    expect(changedFrames(frames, [], [], [REGION])).toEqual([]);
  });
});
