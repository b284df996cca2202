import { describe, expect, it } from 'vitest';
import { build } from '../../../test/build.ts';
import { pixelToPatient } from './FrameGeometry.ts';
import { instanceFrames } from './readFrames.ts';
import { surveyStack } from './stack.ts';
import {
  AXIAL,
  CORONAL,
  close,
  ds,
  framesOf,
  normalOf,
  type Orientation,
  positions,
  regularSeries,
  rotate,
  rotateOrientation,
  SAGITTAL,
  series,
  shuffled,
  sliceHeader,
  us,
  volumeOf,
} from './testSeries.ts';
import { assembleVolume, patientToVoxel, type Volume, voxelToPatient } from './Volume.ts';
import { angleDegrees, scale, type Vec3 } from './vec3.ts';

/** Voxel → LPS → voxel at a spread of voxels, fractional ones included. */
const expectRoundTrips = (v: Volume) => {
  const n = v.frames.length;
  for (const [c, r, k] of [
    [0, 0, 0],
    [v.columns - 1, v.rows - 1, n - 1],
    [12.5, 40.25, 3],
    [31, 7, Math.floor(n / 2)],
    [5, 60, n - 2],
  ] as const) {
    const at = patientToVoxel(v, voxelToPatient(v, c, r, k));
    expect([at.frame, at.slice]).toEqual([k, expect.closeTo(k, 6)]);
    expect(at.column).toBeCloseTo(c, 6);
    expect(at.row).toBeCloseTo(r, 6);
    expect(at.distance).toBeCloseTo(0, 6);
    expect(at.inside).toBe(true);
  }
};

describe('assembleVolume: orientations', () => {
  it('orders an axial series along its normal whatever the file order', () => {
    const v = volumeOf(shuffled(regularSeries(AXIAL, 40, 2.5)), { label: 'series 2' });
    expect(v.frames.map((f) => f.imagePositionPatient[2])).toEqual(
      Array.from({ length: 40 }, (_, k) => -48.75 + 2.5 * k),
    );
    expect(v.plane).toEqual({ name: 'axial', obliqueDegrees: 0 });
    expect([v.sliceSpacing, v.extent, v.gantryTiltDegrees, v.gaps, v.notes]).toEqual([2.5, 97.5, 0, [], []]);
    expect(v.stackDirection).toEqual([0, 0, 1]);
    expectRoundTrips(v);
  });

  it.each([
    ['coronal', CORONAL, 'coronal', [0, 1, 0]],
    ['sagittal', SAGITTAL, 'sagittal', [-1, 0, 0]],
  ] as const)('assembles a %s series', (_, o, name, normal) => {
    const v = volumeOf(regularSeries(o, 30, 3));
    expect(v.plane.name).toBe(name);
    close(v.normal, normal as unknown as Vec3, 12);
    expect(v.sliceSpacing).toBeCloseTo(3, 9);
    expect(v.extent).toBeCloseTo(87, 9);
    expectRoundTrips(v);
  });

  it('assembles an oblique series (rotated 25° and 20°) and names it so', () => {
    const o = rotateOrientation(rotateOrientation(AXIAL, [1, 0, 0], 25), [0, 0, 1], 20);
    const v = volumeOf(regularSeries(o, 50, 1.5));
    expect(v.plane.name).toBe('axial');
    expect(v.plane.obliqueDegrees).toBeCloseTo(25, 6);
    expect(v.gantryTiltDegrees).toBeCloseTo(0, 6);
    expect(v.sliceSpacing).toBeCloseTo(1.5, 6);
    expectRoundTrips(v);
  });
});

describe('assembleVolume: gantry tilt, gaps', () => {
  // A CT tilted 15°: axial planes tilted about x, positions advancing straight along z (the table).
  const tilt = 15;
  const o = rotateOrientation(AXIAL, [1, 0, 0], tilt);
  const step: Vec3 = [0, 0, 3];
  const tilted = series(o, positions(40, [-32, -32, -60], step));

  it('measures the tilt and places each slice by its own position', () => {
    const v = volumeOf(tilted, { label: 'series 4' });
    expect(v.gantryTiltDegrees).toBeCloseTo(tilt, 6);
    expect(angleDegrees(v.stackDirection, v.normal)).toBeCloseTo(tilt, 6);
    close(v.stackDirection, [0, 0, 1], 9);
    // Planes are 3·cos 15° apart along their normal; the origins 3 mm apart along z.
    expect(v.sliceSpacing).toBeCloseTo(3 * Math.cos((tilt * Math.PI) / 180), 9);
    expect(v.notes).toEqual(['gantry tilt 15°: each slice is placed by its own ImagePositionPatient']);
    // Voxel (c, r, k) is pixel (c, r) of frame k, through frame k's own origin: no orthogonal grid.
    for (const k of [0, 17, 39]) close(voxelToPatient(v, 20, 30, k), pixelToPatient(v.frames[k]!, 20, 30), 9);
    expectRoundTrips(v);
    // Between two slices the origin is interpolated along the table, not along the normal.
    close(voxelToPatient(v, 0, 0, 2.5), [-32, -32, -60 + 7.5], 9);
  });

  it('lists irregular gaps and still maps through each slice’s position', () => {
    const zs = [
      ...Array.from({ length: 30 }, (_, k) => 2 * k),
      64,
      66,
      69,
      ...Array.from({ length: 10 }, (_, k) => 71 + 2 * k),
    ];
    const v = volumeOf(
      shuffled(
        series(
          AXIAL,
          zs.map((z): Vec3 => [0, 0, z]),
        ),
      ),
      { label: 'series 5' },
    );
    expect(v.sliceSpacing).toBe(2);
    expect(v.gaps).toEqual([
      { from: 58, to: 64, gap: 6, expected: 2, missingSlices: 2 },
      { from: 66, to: 69, gap: 3, expected: 2, missingSlices: 0 },
    ]);
    expect(v.notes).toEqual([
      'irregular gaps (2 mm elsewhere): 6 mm between 58 and 64 mm, 2 slices missing; 3 mm between 66 and 69 mm; each slice is placed by its own ImagePositionPatient',
    ]);
    expectRoundTrips(v);
    // z = 61 is halfway across the 6 mm gap: slice 29.5, nearest frame either side.
    const at = patientToVoxel(v, [3, 4, 61]);
    expect(at.slice).toBeCloseTo(29.5, 9);
    expect(Math.abs(at.distance)).toBeCloseTo(3, 9);
    close(voxelToPatient(v, 0, 0, 29.5), [0, 0, 61], 9);
    close(voxelToPatient(v, 0, 0, 30), [0, 0, 64], 9);
  });

  it('treats positions rounded to 0.1 mm as regular', () => {
    const zs = Array.from({ length: 40 }, (_, k) => Math.round(6.25 * k) / 10);
    expect(
      volumeOf(
        series(
          AXIAL,
          zs.map((z): Vec3 => [0, 0, z]),
        ),
        { minExtentMm: 10 },
      ).gaps,
    ).toEqual([]);
  });
});

describe('assembleVolume: not a volume', () => {
  const fail = (headers: ReturnType<typeof series>, label = 'series 3', options = {}) => {
    const r = assembleVolume(framesOf(headers), { label, ...options });
    if (r.ok) throw new Error('assembled');
    return r.error;
  };

  it('refuses a localizer among axials', () => {
    const axials = regularSeries(AXIAL, 120, 2);
    const localizer = sliceHeader({
      position: [-128, 0, 128],
      orientation: CORONAL,
      instanceNumber: 121,
      rows: 64,
      columns: 64,
    });
    const e = fail([...axials, localizer]);
    expect(e.kind).toBe('mixed-orientations');
    expect(e.message).toBe('series 3: 2 orientations among 121 slices (120 axial, 1 coronal): not a volume');
    // The survey still tells the axials apart, so a caller can say what the volume would be.
    expect(e.survey.orientations.map((g) => g.frames.length)).toEqual([120, 1]);
    expect(e.survey.stack?.distinctPositions).toBe(120);
  });

  it('names oblique orientations as such', () => {
    const o = rotateOrientation(SAGITTAL, [0, 0, 1], 20);
    const e = fail([...regularSeries(SAGITTAL, 25, 4), ...regularSeries(o, 25, 4)]);
    expect(e.message).toBe('series 3: 2 orientations among 50 slices (25 sagittal, 25 oblique sagittal): not a volume');
  });

  it('tells apart two stacks in one plane whose rows run different ways', () => {
    const turned: Orientation = [0, 1, 0, -1, 0, 0];
    const e = fail([...regularSeries(AXIAL, 20, 4), ...regularSeries(turned, 20, 4)]);
    expect(e.message).toBe(
      'series 3: 2 orientations among 40 slices (20 axial with rows left, 20 axial with rows posterior): not a volume',
    );
  });

  it('refuses a repeated slice, naming the instances', () => {
    const zs = [...Array.from({ length: 30 }, (_, k) => 2 * k), 20];
    const e = fail(
      series(
        AXIAL,
        zs.map((z): Vec3 => [0, 0, z]),
      ),
    );
    expect(e.kind).toBe('duplicate-positions');
    expect(e.message).toBe(
      'series 3: instance 11 and instance 31 are at the same position (20 mm along the normal): not one volume',
    );
    expect(e.survey.stack?.duplicates).toEqual([{ position: 20, frames: [10, 30] }]);
  });

  it('refuses interleaved echoes (every position twice)', () => {
    const at = positions(30, [0, 0, 0], [0, 0, 3]);
    const e = fail(series(AXIAL, [...at, ...at]));
    expect(e.message).toBe(
      'series 3: 60 slices at 30 positions, 2 at each (echoes, phases or repeats): not one volume',
    );
  });

  it('refuses mixed frames of reference and mixed sizes', () => {
    const a = series(AXIAL, positions(15, [0, 0, 0], [0, 0, 3]));
    const b = series(AXIAL, positions(15, [0, 0, 45], [0, 0, 3]), { frameOfReferenceUID: '2.25.78' });
    expect(fail([...a, ...b]).message).toBe(
      'series 3: 2 frames of reference among 30 slices: positions cannot be compared, not a volume',
    );
    const c = series(AXIAL, positions(15, [0, 0, 45], [0, 0, 3]), { rows: 128, columns: 128 });
    expect(fail([...a, ...c]).message).toBe('series 3: slices of 64×64 and 128×128 pixels: not one volume');
    const d = series(AXIAL, positions(15, [0, 0, 45], [0, 0, 3]), { pixelSpacing: [0.5, 0.5] });
    expect(fail([...a, ...d]).message).toBe('series 3: slices with PixelSpacing 1\\1 and 0.5\\0.5 mm: not one volume');
  });

  it('refuses too few slices or too short a stack', () => {
    expect(fail(regularSeries(AXIAL, 12, 5)).message).toBe('series 3: 12 slices: too few for a volume (at least 20)');
    const thin = fail(regularSeries(AXIAL, 40, 1));
    expect(thin.kind).toBe('too-short');
    expect(thin.message).toBe('series 3: the slices span 39 mm: too short for a volume (at least 60 mm)');
    expect(fail([], 'series 9').message).toBe('series 9: no image frames: not a volume');
    // The criteria are options.
    expect(assembleVolume(framesOf(regularSeries(AXIAL, 12, 1)), { minSlices: 10, minExtentMm: 10 }).ok).toBe(true);
  });
});

describe('assembleVolume: enhanced multi-frame', () => {
  // Sagittal frames written right to left, with a per-frame position each.
  const o: Orientation = SAGITTAL;
  const n = normalOf(o);
  const frameCount = 40;
  const header = build({
    524312: '2.25.901',
    2097171: '5',
    2097234: '2.25.77',
    2621448: String(frameCount),
    2621456: us(64),
    2621457: us(64),
    1375769129: [{ 2134294: [{ 2097207: ds(o) }], 2658576: [{ 2621488: ds([1, 1]) }] }],
    1375769136: Array.from({ length: frameCount }, (_, k) => ({
      2134291: [{ 2097202: ds(scale(n, 60 - 3 * k)) }],
    })),
  });

  it('orders the frames along the normal and keeps which frame of the instance each is', () => {
    const frames = instanceFrames(header);
    if (!frames.ok) throw new Error(frames.error.message);
    const r = assembleVolume(frames.value, { label: 'series 7' });
    if (!r.ok) throw new Error(r.error.message);
    const v = r.value;
    // Written with decreasing position along the normal, so slice k is frame 39 − k.
    expect(v.frames.map((f) => f.source.frame)).toEqual(
      Array.from({ length: frameCount }, (_, k) => frameCount - 1 - k),
    );
    expect(v.sliceSpacing).toBeCloseTo(3, 9);
    expect(v.extent).toBeCloseTo(117, 9);
    expectRoundTrips(v);
  });
});

describe('surveyStack', () => {
  it('reports without judging', () => {
    const s = surveyStack(framesOf(regularSeries(AXIAL, 3, 2)));
    expect(s.sliceCount).toBe(3);
    expect(s.orientations).toHaveLength(1);
    expect(s.stack?.positions).toEqual([-2, 0, 2]);
    expect(s.framesOfReference).toEqual(['2.25.77']);
  });

  it('finds tilt from positions alone, however they are ordered', () => {
    const o = rotateOrientation(CORONAL, [0, 0, 1], 10);
    const dir = rotate(normalOf(o), [0, 0, 1], 12);
    const s = surveyStack(framesOf(shuffled(series(o, positions(25, [0, 0, 0], scale(dir, 2))))));
    expect(s.stack?.gantryTiltDegrees).toBeCloseTo(12, 6);
  });
});
