import { describe, expect, it } from 'vitest';
import { HEADS, headsPresent, readHeadFiles } from '../../../test/heads.ts';
import type { DicomFile } from '../../dicom/read.ts';
import { numberOf } from '../../dicom/values.ts';
import { patientAxes, voxelAxes } from './axes.ts';
import { PATIENT_DIRECTIONS, type PatientDirection } from './orientation.ts';
import { seriesFrames } from './readFrames.ts';
import { assembleVolume, patientToVoxel, type Volume, voxelToPatient } from './Volume.ts';
import { dot, type Vec3 } from './vec3.ts';

/**
 * The real heads of ../shared/data/heads (never copied into the repo): a CT, 113 axial slices of
 * 2 mm, head first supine; an MR, 35 sagittal slices 4.8 mm apart. Geometry from the headers, and
 * a check against the pixels that "anterior" and "superior" point where the anatomy is.
 */
const volumeOf = (files: DicomFile[], label: string): Volume => {
  const frames = seriesFrames(files);
  if (!frames.ok) throw new Error(frames.error.message);
  const v = assembleVolume(frames.value, { label });
  if (!v.ok) throw new Error(v.error.message);
  return v.value;
};

/** The stored values of each slice, in volume order: native 16-bit unsigned Pixel Data, read directly. */
const slicesOf = (v: Volume, files: DicomFile[]): Uint16Array[] =>
  v.frames.map((f) => {
    const file = files[f.source.instance]!;
    const ds = file.dataset;
    expect(file.transferSyntax.encapsulated).toBe(false);
    expect([numberOf(ds.get(0x00280100)), numberOf(ds.get(0x00280103))]).toEqual([16, 0]);
    const bytes = ds.get(0x7fe00010)!.value!;
    return new Uint16Array(bytes.slice().buffer, 0, v.rows * v.columns);
  });

/** The LPS position of every voxel whose stored value is above `threshold` ("not air"). */
const tissue = (v: Volume, slices: Uint16Array[], threshold: number): Vec3[] => {
  const out: Vec3[] = [];
  slices.forEach((px, k) => {
    for (let r = 0; r < v.rows; r++)
      for (let c = 0; c < v.columns; c++) if (px[r * v.columns + c]! > threshold) out.push(voxelToPatient(v, c, r, k));
  });
  return out;
};

/** The tissue within `mm` of the head's extreme point in a patient direction. */
const capToward = (points: Vec3[], toward: PatientDirection, mm: number): Vec3[] => {
  const d = PATIENT_DIRECTIONS[toward];
  let max = Number.NEGATIVE_INFINITY;
  for (const p of points) max = Math.max(max, dot(p, d));
  return points.filter((p) => dot(p, d) > max - mm);
};

const widthLeftRight = (points: Vec3[]): number => {
  const xs = points.map((p) => p[0]);
  return Math.max(...xs) - Math.min(...xs);
};

/**
 * Anatomy agrees with the header: the 10 mm cap towards "anterior" is the nose (narrow, well
 * under 45 mm left to right; the back of the head, or a CT couch, is much wider), and the cap
 * towards "superior" is the top of the skull (a small dome, far less tissue than the cut through
 * face and neck at the other end). Left and right cannot be told apart from a head's anatomy.
 */
const expectAnatomy = (v: Volume, files: DicomFile[], threshold: number) => {
  const points = tissue(v, slicesOf(v, files), threshold);
  expect(widthLeftRight(capToward(points, 'anterior', 10))).toBeLessThan(45);
  expect(widthLeftRight(capToward(points, 'posterior', 10))).toBeGreaterThan(60);
  expect(capToward(points, 'superior', 10).length).toBeLessThan(0.4 * capToward(points, 'inferior', 10).length);
};

/** Voxel → LPS → voxel over a grid of the volume. */
const expectRoundTrips = (v: Volume) => {
  for (let k = 0; k < v.frames.length; k += 7)
    for (const [c, r] of [
      [0, 0],
      [255, 255],
      [100.5, 37.25],
    ] as const) {
      const at = patientToVoxel(v, voxelToPatient(v, c, r, k));
      expect(at.frame).toBe(k);
      expect(at.column).toBeCloseTo(c, 6);
      expect(at.row).toBeCloseTo(r, 6);
      expect(at.inside).toBe(true);
    }
};

describe.skipIf(!headsPresent)(headsPresent ? 'real heads' : `real heads: ${HEADS} is absent, skipped`, () => {
  it('CT: 113 axial slices of 2 mm, 224 mm, head first supine', () => {
    const files = readHeadFiles('ct-unc-cthead');
    const v = volumeOf(files, 'CT');
    expect(v.frames).toHaveLength(113);
    expect([v.plane.name, v.plane.obliqueDegrees, v.sliceSpacing, v.extent]).toEqual(['axial', 0, 2, 224]);
    expect([v.rows, v.columns, v.pixelSpacing]).toEqual([256, 256, [1, 1]]);
    expect([v.gantryTiltDegrees, v.gaps, v.notes]).toEqual([0, [], []]);
    // Ordered from the feet up: instance 113 (z = −112) first, instance 1 (z = 112) last.
    expect(v.frames[0]!.source.instanceNumber).toBe(113);
    expect(v.frames[0]!.imagePositionPatient).toEqual([-127.5, -127.5, -112]);
    expect(v.frames.at(-1)!.source.instanceNumber).toBe(1);
    // Columns run left, rows posterior (anterior is up in the image), slices superior.
    expect(voxelAxes(v).map((a) => a.words)).toEqual(['left', 'posterior', 'superior']);
    const p = patientAxes(v);
    expect([p.anterior.axis, p.anterior.sign, p.superior.axis, p.superior.sign, p.left.axis, p.left.sign]).toEqual([
      'row',
      -1,
      'slice',
      1,
      'column',
      1,
    ]);
    expect(voxelToPatient(v, 255, 255, 112)).toEqual([127.5, 127.5, 112]);
    expectRoundTrips(v);
    // HU = stored − 1024; −300 HU and up is not air.
    expectAnatomy(v, files, 1024 - 300);
  });

  it('MR: 35 sagittal slices 4.8 mm apart, 163.2 mm, from the left', () => {
    const files = readHeadFiles('mr-decubitus-hfs');
    const v = volumeOf(files, 'MR');
    expect(v.frames).toHaveLength(35);
    expect(v.plane).toEqual({ name: 'sagittal', obliqueDegrees: 0 });
    expect(v.sliceSpacing).toBeCloseTo(4.8, 4);
    expect(v.extent).toBeCloseTo(163.2, 4);
    expect(v.pixelSpacing).toEqual([1.015625, 1.015625]);
    expect([v.gantryTiltDegrees, v.gaps]).toEqual([0, []]);
    // The normal (0,1,0) × (0,0,−1) points right, so the volume starts at the left: x = 81.6.
    expect(v.frames[0]!.source.instanceNumber).toBe(35);
    expect(v.frames[0]!.imagePositionPatient[0]).toBeCloseTo(81.6, 4);
    expect(voxelAxes(v).map((a) => a.words)).toEqual(['posterior', 'inferior', 'right']);
    const p = patientAxes(v);
    expect([p.anterior.axis, p.anterior.sign, p.superior.axis, p.superior.sign, p.left.axis, p.left.sign]).toEqual([
      'column',
      -1,
      'row',
      -1,
      'slice',
      -1,
    ]);
    expectRoundTrips(v);
    // Background is below 25 in stored values; tissue well above.
    expectAnatomy(v, files, 150);
  });
});
