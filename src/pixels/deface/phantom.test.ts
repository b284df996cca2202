import { describe, expect, it } from 'vitest';
import { type Orientation, rotate, series, volumeOf } from '../geometry/testSeries.ts';
import { voxelToPatient } from '../geometry/Volume.ts';
import { add, cross, dot, scale, sub, type Vec3 } from '../geometry/vec3.ts';
import { ctIntracranial } from './brainMask.ts';
import { planDeface } from './deface.ts';
import { applyCut } from './fill.ts';
import { headAxes } from './headAxes.ts';
import { copyFrames, expectBrainUntouched } from './testCheck.ts';
import { FACE, type Head, hu, STRAIGHT } from './testHead.ts';
import { type Voxels, voxelsOf } from './Voxels.ts';

/** A phantom sampled on slices of an orientation, 2 mm voxels, 120×120, `count` slices centred on `centre`. */
const phantom = (o: Orientation, h: Head = STRAIGHT, count = 120, centre: Vec3 = [0, 0, 0]): Voxels => {
  const row: Vec3 = [o[0], o[1], o[2]];
  const col: Vec3 = [o[3], o[4], o[5]];
  const normal = cross(row, col);
  const n = 120;
  const corner = add(centre, add(scale(row, -(n - 1)), scale(col, -(n - 1))));
  const at = Array.from({ length: count }, (_, k) => add(corner, scale(normal, 2 * (k - (count - 1) / 2))));
  const vol = volumeOf(series(o, at, { rows: n, columns: n, pixelSpacing: [2, 2] }));
  const frames = vol.frames.map((_, k) => {
    const px = new Uint16Array(n * n);
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) px[i + n * j] = hu(h, voxelToPatient(vol, i, j, k)) + 1024;
    return px;
  });
  return voxelsOf(vol, frames, 'CT', { slope: 1, intercept: -1024, storedMin: 0, storedMax: 4095 });
};

const framesOf = (v: Voxels): Uint16Array[] => {
  const plane = v.dims[0] * v.dims[1];
  return Array.from({ length: v.dims[2] }, (_, k) => {
    const f = new Uint16Array(plane);
    for (let i = 0; i < plane; i++) f[i] = v.data[k * plane + i]! + 1024;
    return f;
  });
};

/** The HU after the cut at a head-coordinate point. */
const huAfter = (v: Voxels, frames: Uint16Array[], h: Head, p: Vec3): number => {
  const lps = add(add(scale(h.a, p[0]), scale(h.l, p[1])), scale(h.s, p[2]));
  const vol = v.volume;
  // Nearest voxel, by brute force over the (small) phantom's slices.
  let best = { d: Number.POSITIVE_INFINITY, value: Number.NaN };
  vol.frames.forEach((f, k) => {
    const d = sub(lps, f.imagePositionPatient);
    const c = Math.round(dot(d, vol.rowCosines) / 2);
    const r = Math.round(dot(d, vol.columnCosines) / 2);
    const off = Math.abs(dot(d, vol.normal));
    if (c < 0 || r < 0 || c >= v.dims[0] || r >= v.dims[1] || off >= best.d) return;
    best = { d: off, value: frames[k]![c + v.dims[0] * r]! - 1024 };
  });
  return best.value;
};

const ORIENTATIONS: [string, Orientation][] = [
  ['axial HFS', [1, 0, 0, 0, 1, 0]],
  ['axial HFP', [-1, 0, 0, 0, -1, 0]],
  ['coronal', [1, 0, 0, 0, 0, -1]],
  ['sagittal', [0, 1, 0, 0, 0, -1]],
];

const defaceAndCheck = (v: Voxels, h: Head) => {
  const plan = planDeface(v);
  expect(plan.verdict.kind).toBe('defaced');
  if (plan.verdict.kind !== 'defaced') return;
  expect(plan.verdict.brainMl).toBeGreaterThan(1000);
  expect(plan.verdict.brainMl).toBeLessThan(1400);
  const before = framesOf(v);
  const after = copyFrames(before) as Uint16Array[];
  applyCut(v, plan.verdict.cut, after, plan.verdict.fill.stored);
  expect(plan.verdict.fill).toEqual({ physical: -1000, stored: 24 });
  for (const f of FACE.slice(0, 3)) expect([f.name, huAfter(v, after, h, f.at)]).toEqual([f.name, -1000]);
  // The brain's surface in every direction, and the skull over the forehead, are kept.
  for (const p of [
    [78, 0, 0],
    [0, 0, -53],
    [-78, 0, 0],
    [0, 63, 0],
    [40, 0, -45],
  ] as Vec3[])
    expect(huAfter(v, after, h, p)).toBe(30);
  expectBrainUntouched(v, plan.mask, before, after, 10);
  return plan.verdict;
};

describe('deface a synthetic head CT', () => {
  for (const [name, o] of ORIENTATIONS)
    it(`${name}: nose, lips and chin become air, the brain and 10 mm around it are bit-identical`, () => {
      const verdict = defaceAndCheck(phantom(o), STRAIGHT)!;
      expect(verdict.removedMl).toBeGreaterThan(20);
      expect(verdict.removedMl).toBeLessThan(300);
    });

  it('a head turned 20° in yaw and 20° in pitch is still defaced, the brain spared', () => {
    const turn = (x: Vec3) => rotate(rotate(x, [0, 0, 1], 20), [1, 0, 0], 20);
    const h: Head = { a: turn(STRAIGHT.a), l: turn(STRAIGHT.l), s: turn(STRAIGHT.s), face: true };
    const verdict = defaceAndCheck(phantom([1, 0, 0, 0, 1, 0], h), h)!;
    expect(verdict.axes.fromData).toBe(true);
    expect(verdict.axes.tiltDegrees).toBeGreaterThan(20);
  });

  it('a head pitched 50° chin-up is defaced along its own axes: its long axis is nearer a neutral head’s front-to-back than its up-down', () => {
    // The phantom's long axis is its anterior, so it points 50° above the header's anterior: 30°
    // from a neutral head's long axis (20° above it), 60° from its up-down.
    const up = (x: Vec3) => rotate(x, [1, 0, 0], -50);
    const h: Head = { a: up(STRAIGHT.a), l: up(STRAIGHT.l), s: up(STRAIGHT.s), face: true };
    const verdict = defaceAndCheck(phantom([1, 0, 0, 0, 1, 0], h), h)!;
    expect(verdict.axes.fromData).toBe(true);
    expect(verdict.axes.tiltDegrees).toBeCloseTo(50, 0);
  });

  it('a brain mask longer across than front to back (as a slab of the top of a head can be) is not taken for the front-to-back: the header’s axes', () => {
    const across = (x: Vec3) => rotate(x, [0, 0, 1], 90);
    const h: Head = { a: across(STRAIGHT.a), l: across(STRAIGHT.l), s: across(STRAIGHT.s), face: false };
    const v = phantom([1, 0, 0, 0, 1, 0], h);
    const mask = ctIntracranial(v);
    const axes = headAxes(v, mask.work, mask.brain);
    expect(axes.fromData).toBe(false);
    expect(axes.anterior).toEqual([0, -1, 0]);
  });

  it('a field of view cropped just in front of and below the skull: no face in view', () => {
    // Rows start 82 mm anterior of the brain's centre (the nose begins at 80), slices 45 mm below it
    // (the lips and jaw begin 49 mm below): skull and brain in view, the face out of it.
    const v = phantom([1, 0, 0, 0, 1, 0], STRAIGHT, 120, [0, 37, 74]);
    const plan = planDeface(v);
    expect(plan.verdict.kind).toBe('no-face');
    if (plan.verdict.kind === 'no-face') expect(plan.verdict.reason).toMatch(/^no face in view/);
  });

  it('an empty (air) volume is refused, with the reason', () => {
    const v = phantom([1, 0, 0, 0, 1, 0], STRAIGHT, 40, [0, 0, 400]);
    const plan = planDeface(v);
    expect(plan.verdict).toEqual({
      kind: 'refused',
      reason: 'no head was found: the volume is air (or empty), so it is not defaced',
    });
  });
});
