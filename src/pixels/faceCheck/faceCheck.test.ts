import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Samples } from '../codecs/DecodedFrame.ts';
import type { BrainMask } from '../deface/brainMask.ts';
import { planDeface } from '../deface/deface.ts';
import { applyCut } from '../deface/fill.ts';
import { copyFrames } from '../deface/testCheck.ts';
import { colinPresent, MRICRON, niftiVoxels, readNifti } from '../deface/testColin.ts';
import { HEADS, headsPresent, readHead } from '../deface/testHeads.ts';
import { type Voxels, voxelsOf } from '../deface/Voxels.ts';
import { patientFrame } from '../render/camera.ts';
import { encodePng, sideBySide } from '../render/png.ts';
import { balls, evenly, phantomCT } from '../render/testPhantom.ts';
import type { FaceDetector } from './detector.ts';
import { type FaceCheckResult, faceCheck, faceCheckScenes, faceCheckView, summarize } from './faceCheck.ts';
import { nodeFaceDetector } from './node.ts';

/** Where the renders are saved for people to look at (never committed). */
const RENDERS = join(import.meta.dirname, '..', '..', '..', '.cache', 'renders');

/** Defaces a head as the app will: plan, cut copies of the stored frames, read them back as voxels. */
const defaced = (v: Voxels, frames: Samples[]) => {
  const plan = planDeface(v);
  if (plan.verdict.kind !== 'defaced') throw new Error(`not defaced: ${JSON.stringify(plan.verdict)}`);
  const after = copyFrames(frames);
  applyCut(v, plan.verdict.cut, after, plan.verdict.fill.stored);
  return { plan, after: voxelsOf(v.volume, after, v.modality, v.rescale) };
};

/** Saves the pitch-0 row of views, before above after, as one PNG. */
const saveSheet = (name: string, before: Voxels, after: Voxels, options: Parameters<typeof faceCheckScenes>[2]) => {
  const scenes = faceCheckScenes(before, after, options);
  const row = (which: 'before' | 'after') =>
    sideBySide([-60, -30, 0, 30, 60].map((yaw) => faceCheckView(scenes[which], yaw, 0, 192)));
  mkdirSync(RENDERS, { recursive: true });
  writeFileSync(join(RENDERS, `${name}-before.png`), encodePng(row('before')));
  writeFileSync(join(RENDERS, `${name}-after.png`), encodePng(row('after')));
};

/** The frontal views (yaw −15…15) where a face was found on the original. */
const frontal = (r: FaceCheckResult) =>
  r.views.filter((v) => Math.abs(v.yaw) <= 15 && v.before !== undefined && v.before >= 0.5).length;

let detector: FaceDetector;

beforeAll(async () => {
  detector = await nodeFaceDetector();
});

describe('face check: the sentence', () => {
  const views = (n: number) => Array.from({ length: n }, (_, i) => ({ yaw: i, pitch: 0, before: 0.9, after: 0.1 }));
  it('says how many views showed a face before and after', () => {
    const r = summarize(views(9), 7, 0);
    expect(r.proves).toBe(true);
    expect(r.message).toBe('Face check: a face was detected in 7 of 9 views before, 0 of 9 after');
  });
  it('says plainly that it proves nothing when the original showed no face', () => {
    const r = summarize(views(9), 0, 0);
    expect(r.proves).toBe(false);
    expect(r.message).toContain('the face check found no face on the original either, so it proves nothing here');
  });
  it('says a face may remain when one is found after', () => {
    const r = summarize(views(9), 6, 1);
    expect(r.proves).toBe(false);
    expect(r.message).toContain('1 of 9 after');
  });
});

describe('face check on a phantom', () => {
  it('finds no face on a plain ball, before or after, and says the check proves nothing', async () => {
    const ball = phantomCT(balls([{ centre: [0, 0, 0], radius: 80 }]), {
      rowCosines: [1, 0, 0],
      columnCosines: [0, 1, 0],
      pixelSpacing: [1.2, 1.2],
      rows: 160,
      columns: 160,
      offsets: evenly(90, 2),
      centre: [0, 0, -89],
    });
    // No brain here: the frame and the mask are given (one cell covering the whole volume, all head).
    const mask = {
      work: { dims: [1, 1, 1], factors: [160, 160, 90], spacing: [1, 1, 1] },
      brain: new Uint8Array(1),
      head: Uint8Array.of(1),
      tissueAbove: -300,
    };
    const r = await faceCheck(ball, ball, detector, {
      frame: patientFrame([0, 0, 0]),
      mask: mask as unknown as BrainMask,
    });
    expect(r.total).toBe(18);
    expect(r.detectedBefore).toBe(0);
    expect(r.proves).toBe(false);
    expect(r.message).toContain('proves nothing');
  });
});

describe.skipIf(!headsPresent)(
  headsPresent ? 'face check on the real heads' : `face check on the real heads: ${HEADS} is absent, skipped`,
  () => {
    for (const name of ['ct-unc-cthead', 'mr-decubitus-hfs'] as const) {
      it(`${name}: a face in frontal views before, none in any view after defacing`, async () => {
        const { voxels, frames } = readHead(name);
        const { plan, after } = defaced(voxels, frames);
        if (plan.verdict.kind !== 'defaced') return;
        const options = { frame: plan.verdict.axes, mask: plan.mask };
        const r = await faceCheck(voxels, after, detector, options);
        saveSheet(name, voxels, after, options);
        expect(frontal(r)).toBeGreaterThanOrEqual(1);
        expect(r.detectedAfter).toBe(0);
        expect(r.proves).toBe(true);
        expect(r.message).toBe(
          `Face check: a face was detected in ${r.detectedBefore} of 18 views before, 0 of 18 after`,
        );
      });
    }
  },
);

describe.skipIf(!colinPresent)(
  colinPresent
    ? 'face check on Colin27'
    : `face check on Colin27: ${MRICRON} is absent (scripts/fetch-mricron.sh), skipped`,
  () => {
    it('Colin27: a face in frontal views before, none in any view after defacing', async () => {
      const { voxels, frames } = niftiVoxels(readNifti(`${MRICRON}/ch2.nii.gz`));
      const { plan, after } = defaced(voxels, frames);
      if (plan.verdict.kind !== 'defaced') return;
      const options = { frame: plan.verdict.axes, mask: plan.mask };
      const r = await faceCheck(voxels, after, detector, options);
      saveSheet('colin27', voxels, after, options);
      expect(frontal(r)).toBeGreaterThanOrEqual(1);
      expect(r.detectedAfter).toBe(0);
      expect(r.proves).toBe(true);
    });
  },
);
