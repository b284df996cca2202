import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RESEARCH } from '../../deid/options.ts';
import { defaceSeries, inMemory, type SeriesInput } from '../../pixels/deface/defaceSeries.ts';
import { HEADS, headsPresent } from '../../pixels/deface/testHeads.ts';
import { nodeFaceDetector } from '../../pixels/faceCheck/node.ts';
import type { GreyImage } from '../../pixels/render/skin.ts';
import { checkFaces, openSkinSeries, renderPair, type SkinSeries, shrink } from './skinSeries.ts';

/**
 * The 3D view's series on the real cadaver CT (../shared/data/heads): the verdict is the run's
 * own, the "after" picture differs from "before" where the face was and nowhere near the top of
 * the head, and the face check finds the face before and none after, with the pictures it saw.
 */

const ctInputs = (): SeriesInput[] => {
  const dir = join(HEADS, 'ct-unc-cthead');
  return inMemory(
    readdirSync(dir)
      .filter((f) => f.endsWith('.dcm'))
      .sort()
      .map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(dir, name))) })),
  );
};

/** Mean absolute difference of two pictures over rows [y0, y1) and columns [x0, x1), as fractions of the size. */
const meanDiff = (a: GreyImage, b: GreyImage, y0: number, y1: number, x0: number, x1: number): number => {
  const s = a.width;
  let sum = 0;
  let n = 0;
  for (let y = Math.floor(y0 * s); y < Math.floor(y1 * s); y++)
    for (let x = Math.floor(x0 * s); x < Math.floor(x1 * s); x++) {
      sum += Math.abs(a.pixels[y * s + x]! - b.pixels[y * s + x]!);
      n++;
    }
  return sum / n;
};

const lit = (px: ArrayLike<number>): number => {
  let n = 0;
  for (let i = 0; i < px.length; i++) if (px[i]! > 0) n++;
  return n / px.length;
};

describe('shrink', () => {
  it('averages the pixels each target pixel covers', () => {
    const pixels = new Uint8ClampedArray([0, 100, 200, 255, 50, 50, 0, 0, 10, 20, 30, 40, 0, 0, 0, 0]);
    expect([...shrink({ width: 4, height: 4, pixels }, 2)]).toEqual([50, 114, 8, 18]);
  });
});

describe.skipIf(!headsPresent)('3D view of the real CT head', () => {
  let s: SkinSeries;
  beforeAll(async () => {
    const r = await openSkinSeries(ctInputs());
    if (!r.ok) throw new Error(r.reason);
    s = r.value;
  });

  it("plans the cut as the run's series call does", async () => {
    expect(s.summary.after).toBe('defaced');
    expect(s.summary.modality).toBe('CT');
    expect(s.summary.dims).toEqual([256, 256, 113]);
    const run = await defaceSeries(ctInputs(), { options: RESEARCH, key: new Uint8Array(32).fill(1) });
    expect(run.verdict.kind).toBe('defaced');
    expect(s.summary.verdict).toEqual(run.verdict);
  });

  it('draws the skin, and "after" differs where the face was, not at the top of the head', () => {
    const { before, after } = renderPair(s, 0, 0, 128);
    expect(after).toBeDefined();
    expect(before.width).toBe(128);
    expect(lit(before.pixels)).toBeGreaterThan(0.2);
    expect(lit(after!.pixels)).toBeGreaterThan(0.2);
    // The face check's framing: the face fills the lower middle, the crown the top.
    const face = meanDiff(before, after!, 0.45, 0.85, 0.3, 0.7);
    const crown = meanDiff(before, after!, 0.05, 0.25, 0.3, 0.7);
    expect(face).toBeGreaterThan(20);
    expect(crown).toBeLessThan(2);
  });

  it('turns: another yaw gives another picture', () => {
    const front = renderPair(s, 0, 0, 64).before;
    const side = renderPair(s, 60, 0, 64).before;
    expect(meanDiff(front, side, 0, 1, 0, 1)).toBeGreaterThan(10);
  });

  it('runs the face check as the run does and keeps the pictures it looked at', async () => {
    const r = await checkFaces(s, await nodeFaceDetector(), 32);
    if ('ok' in r) throw new Error(r.reason);
    expect(r.result.total).toBe(18);
    expect(r.result.detectedBefore).toBeGreaterThanOrEqual(1);
    expect(r.result.detectedAfter).toBe(0);
    expect(r.result.message).toMatch(/^Face check: a face was detected in \d+ of 18 views before, 0 of 18 after$/);
    expect(r.before.length).toBe(18 * 32 * 32);
    expect(r.after.length).toBe(18 * 32 * 32);
    // Each thumbnail is a picture of the head (the views are in the result's order).
    for (let i = 0; i < 18; i++) {
      expect(lit(r.before.subarray(i * 1024, (i + 1) * 1024))).toBeGreaterThan(0.1);
      expect(lit(r.after.subarray(i * 1024, (i + 1) * 1024))).toBeGreaterThan(0.1);
    }
  });
});

describe('3D view: what cannot be shown says why', () => {
  it('a file that is not DICOM', async () => {
    const r = await openSkinSeries(inMemory([{ name: 'notes.txt', bytes: new TextEncoder().encode('hello') }]));
    expect(r).toEqual({ ok: false, reason: 'no file of this series could be read' });
  });
});
