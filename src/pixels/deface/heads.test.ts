import { describe, expect, it } from 'vitest';
import { rotate } from '../geometry/testSeries.ts';
import { assembleVolume, voxelToPatient } from '../geometry/Volume.ts';
import type { Vec3 } from '../geometry/vec3.ts';
import { planDeface } from './deface.ts';
import { applyCut } from './fill.ts';
import { copyFrames, expectBrainUntouched } from './testCheck.ts';
import { faceProfile } from './testFace.ts';
import { HEADS, headsPresent, readHead } from './testHeads.ts';
import { otsu } from './threshold.ts';
import { type Voxels, voxelsOf } from './Voxels.ts';

/**
 * The real heads of ../shared/data/heads: the UNC cadaver CT (113 axial slices, full face) and the
 * sagittal T1 of a volunteer (35 slices 4.8 mm apart; the face runs off the field of view's front edge). They are read from there, never copied into the repo.
 */

/**
 * The facial profile of an axial head CT: for each slice from the nose tip down `below` mm, the
 * most anterior tissue voxel (> −300 HU) within 15 mm of the nose tip's left-right position.
 */
const profile = (v: Voxels, below: number): { slice: number; row: number; column: number }[] => {
  const [nx, ny, nz] = v.dims;
  let tip = { slice: 0, row: ny, column: 0 };
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++)
        if (v.data[i + nx * (j + ny * k)]! > -300 && j < tip.row) {
          // Anterior is up (row 0) in this CT; the couch is at the bottom rows.
          tip = { slice: k, row: j, column: i };
        }
  const out = [tip];
  for (let k = tip.slice - 1; k >= 0 && tip.slice - k <= below / v.volume.sliceSpacing; k--) {
    let best = { slice: k, row: ny, column: 0 };
    for (let j = 0; j < ny / 2; j++)
      for (let i = Math.max(0, tip.column - 15); i < Math.min(nx, tip.column + 15); i++)
        if (v.data[i + nx * (j + ny * k)]! > -300 && j < best.row) best = { slice: k, row: j, column: i };
    if (best.row < ny) out.push(best);
  }
  return out;
};

describe.skipIf(!headsPresent)(
  headsPresent ? 'deface the real heads' : `deface the real heads: ${HEADS} is absent, skipped`,
  () => {
    it('CT: the face profile from nose tip to chin becomes air; 10 mm around the intracranial space is bit-identical', () => {
      const { voxels: v, frames } = readHead('ct-unc-cthead');
      const plan = planDeface(v);
      expect(plan.verdict.kind).toBe('defaced');
      if (plan.verdict.kind !== 'defaced') return;
      const { verdict } = plan;
      expect(verdict.brainMl).toBeGreaterThan(1100);
      expect(verdict.brainMl).toBeLessThan(1700);
      expect(verdict.removedMl).toBeGreaterThan(100);
      expect(verdict.removedMl).toBeLessThan(800);
      expect(verdict.fill).toEqual({ physical: -1000, stored: 24 });
      const face = profile(v, 90);
      expect(face.length).toBeGreaterThan(40);
      const before = copyFrames(frames);
      const after = copyFrames(frames);
      applyCut(v, verdict.cut, after, verdict.fill.stored);
      const nx = v.dims[0];
      // Nose tip, lips and chin: every point of the profile, 90 mm down from the nose tip, is air now.
      const kept = face.filter((p) => after[p.slice]![p.column + nx * p.row] !== 24);
      expect(kept).toEqual([]);
      expect(expectBrainUntouched(v, plan.mask, before, after, 10)).toBeGreaterThan(1_000_000);
    });

    it('CT turned 20° in yaw and 20° in pitch (its geometry rotated): still defaced, the brain spared', () => {
      const { voxels, frames } = readHead('ct-unc-cthead');
      const turn = (x: Vec3) => rotate(rotate(x, [0, 0, 1], 20), [1, 0, 0], 20);
      const turned = assembleVolume(
        voxels.volume.frames.map((f) => ({
          ...f,
          imagePositionPatient: turn(f.imagePositionPatient),
          rowCosines: turn(f.rowCosines),
          columnCosines: turn(f.columnCosines),
          normal: turn(f.normal),
        })),
      );
      if (!turned.ok) throw new Error(turned.error.message);
      const v = voxelsOf(turned.value, frames, 'CT', voxels.rescale);
      const plan = planDeface(v);
      expect(plan.verdict.kind).toBe('defaced');
      if (plan.verdict.kind !== 'defaced') return;
      const face = profile(voxels, 90); // the same voxels: the anatomy turned with the geometry
      const before = copyFrames(frames);
      const after = copyFrames(frames);
      applyCut(v, plan.verdict.cut, after, plan.verdict.fill.stored);
      const kept = face.filter((p) => after[p.slice]![p.column + v.dims[0] * p.row] !== 24);
      expect(kept).toEqual([]);
      expectBrainUntouched(v, plan.mask, before, after, 10);
      // The nose tip really is elsewhere in patient space now.
      const tip = face[0]!;
      expect(voxelToPatient(v.volume, tip.column, tip.row, tip.slice)).not.toEqual(
        voxelToPatient(voxels.volume, tip.column, tip.row, tip.slice),
      );
    });

    it('MR (sagittal T1, 4.8 mm slices): nose, lips and chin become background; 10 mm around the brain mask is bit-identical', () => {
      const { voxels: v, frames } = readHead('mr-decubitus-hfs');
      const plan = planDeface(v);
      expect(plan.verdict.kind).toBe('defaced');
      if (plan.verdict.kind !== 'defaced') return;
      const { verdict } = plan;
      // Brain, brainstem and upper cord with their CSF: 1.64 L measured (the refused mask took 2.7 L).
      expect(verdict.brainMl).toBeGreaterThan(1300);
      expect(verdict.brainMl).toBeLessThan(1900);
      // Face, eyes and the front of the jaw and neck: 601 mL measured.
      expect(verdict.removedMl).toBeGreaterThan(200);
      expect(verdict.removedMl).toBeLessThan(1000);
      // The face runs off the field of view's anterior edge: the profile is where it meets it.
      const face = faceProfile(v, otsu(v.data), 60);
      expect(face.length).toBeGreaterThan(25);
      const before = copyFrames(frames);
      const after = copyFrames(frames);
      applyCut(v, verdict.cut, after, verdict.fill.stored);
      const nx = v.dims[0];
      const kept = face.filter((p) => after[p.slice]![p.column + nx * p.row] !== verdict.fill.stored);
      expect(kept).toEqual([]);
      expect(expectBrainUntouched(v, plan.mask, before, after, 10)).toBeGreaterThan(500_000);
      // The brain mask lies in the upper head: nothing of it in the face's levels in front of the brain's centre.
      const tip = face[0]!;
      const tipAt = voxelToPatient(v.volume, tip.column, tip.row, tip.slice);
      expect(tipAt[2]).toBeLessThan(verdict.axes.centre[2]);
    });
  },
);
