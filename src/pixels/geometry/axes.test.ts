import { describe, expect, it } from 'vitest';
import { axisToward, patientAxes, patientToVoxelVector, voxelAxes } from './axes.ts';
import { describeDirection, describePlane, orientationLetters, PATIENT_DIRECTIONS, planeOf } from './orientation.ts';
import {
  AXIAL,
  CORONAL,
  close,
  type Orientation,
  positions,
  regularSeries,
  rotateOrientation,
  SAGITTAL,
  series,
  volumeOf,
} from './testSeries.ts';
import { voxelToPatient } from './Volume.ts';
import { add, scale, sub } from './vec3.ts';

/** Which axis runs left, anterior, superior, as "column+", "row−"… */
const summary = (o: Orientation) => {
  const p = patientAxes(volumeOf(regularSeries(o, 30, 3)));
  const s = (t: { axis: string; sign: number }) => `${t.axis}${t.sign > 0 ? '+' : '−'}`;
  return { left: s(p.left), anterior: s(p.anterior), superior: s(p.superior) };
};

describe('patient axes whatever the PatientPosition', () => {
  // Axial ImageOrientationPatient as a scanner writes it in each position: rows along the
  // gantry's x, columns towards the floor. The anatomy comes from these values alone.
  it.each([
    ['HFS', [1, 0, 0, 0, 1, 0], { left: 'column+', anterior: 'row−', superior: 'slice+' }],
    ['HFP', [-1, 0, 0, 0, -1, 0], { left: 'column−', anterior: 'row+', superior: 'slice+' }],
    ['FFS', [-1, 0, 0, 0, 1, 0], { left: 'column−', anterior: 'row−', superior: 'slice−' }],
    ['HFDL', [0, -1, 0, 1, 0, 0], { left: 'row+', anterior: 'column+', superior: 'slice+' }],
    ['HFDR', [0, 1, 0, -1, 0, 0], { left: 'row−', anterior: 'column−', superior: 'slice+' }],
  ] as const)('%s', (_, o, expected) => {
    expect(summary(o)).toEqual(expected);
  });

  it.each([
    ['coronal', CORONAL, { left: 'column+', anterior: 'slice−', superior: 'row−' }],
    ['sagittal', SAGITTAL, { left: 'slice−', anterior: 'column−', superior: 'row−' }],
  ] as const)('%s slices', (_, o, expected) => {
    expect(summary(o)).toEqual(expected);
  });
});

describe('voxelAxes', () => {
  it('gives each index axis its LPS direction, step, letters and words', () => {
    const [c, r, s] = voxelAxes(volumeOf(regularSeries(SAGITTAL, 30, 4)));
    expect([c.axis, c.words, c.letters]).toEqual(['column', 'posterior', 'P']);
    expect([r.axis, r.words, r.letters]).toEqual(['row', 'inferior', 'F']);
    expect([s.axis, s.words, s.letters]).toEqual(['slice', 'right', 'R']);
    close(s.step, [-4, 0, 0]);
  });

  it('describes an oblique volume in combined terms', () => {
    // Axial pitched 25° about x: columns run posterior-superior, slices superior-anterior.
    const v = volumeOf(regularSeries(rotateOrientation(AXIAL, [1, 0, 0], 25), 30, 3));
    const [c, r, s] = voxelAxes(v);
    expect([c.words, r.words, s.words]).toEqual(['left', 'posterior-superior', 'superior-anterior']);
    expect([r.letters, s.letters]).toEqual(['PH', 'HA']);
    const cos25 = Math.cos((25 * Math.PI) / 180);
    expect(axisToward(v, 'anterior')).toEqual({ axis: 'row', index: 1, sign: -1, cosine: expect.closeTo(cos25, 9) });
    expect(axisToward(v, 'superior')).toEqual({ axis: 'slice', index: 2, sign: 1, cosine: expect.closeTo(cos25, 9) });
  });

  it('uses the stack direction, not the normal, for the slice axis of a tilted stack', () => {
    const o = rotateOrientation(AXIAL, [1, 0, 0], 20);
    const v = volumeOf(series(o, positions(30, [0, 0, 0], [0, 0, 2.5])));
    const [, , s] = voxelAxes(v);
    close(s.direction, [0, 0, 1]);
    close(s.step, [0, 0, 2.5]);
    expect(s.words).toBe('superior');
  });
});

describe('patientToVoxelVector', () => {
  it('turns a patient-space offset into index offsets, tilt included', () => {
    const o = rotateOrientation(rotateOrientation(AXIAL, [1, 0, 0], 15), [0, 0, 1], 10);
    const v = volumeOf(series(o, positions(30, [-20, -30, -40], [0, 0, 3]), { pixelSpacing: [0.8, 0.6] }));
    const d = sub(voxelToPatient(v, 13, 8, 12), voxelToPatient(v, 10, 10, 7));
    close(patientToVoxelVector(v, d), [3, -2, 5]);
  });

  it('says how far "10 mm anterior-inferior" reaches in voxels', () => {
    const v = volumeOf(regularSeries(SAGITTAL, 30, 4));
    const ai = scale(add(PATIENT_DIRECTIONS.anterior, PATIENT_DIRECTIONS.inferior), 10 / Math.SQRT2);
    // Sagittal: columns run posterior (1 mm), rows inferior (1 mm), slices right (4 mm).
    close(patientToVoxelVector(v, ai), [-10 / Math.SQRT2, 10 / Math.SQRT2, 0]);
  });
});

describe('orientation words', () => {
  it('names directions dominant first and leaves out minor components', () => {
    expect(describeDirection([0, -Math.SQRT1_2, -Math.SQRT1_2])).toBe('anterior-inferior');
    expect(orientationLetters([0, -Math.SQRT1_2, -Math.SQRT1_2])).toBe('AF');
    expect(describeDirection([0.99, 0.1, 0])).toBe('left');
    expect(describeDirection([-0.5, 0.3, 0.81])).toBe('superior-right-posterior');
    expect(orientationLetters([-0.5, 0.3, 0.81])).toBe('HRP');
  });

  it('names planes, oblique when more than 1° off', () => {
    expect(describePlane(planeOf([0, 0, 1]))).toBe('axial');
    expect(describePlane(planeOf([0, -1, 0]))).toBe('coronal');
    expect(describePlane(planeOf([-1, 0, 0]))).toBe('sagittal');
    const tilted = planeOf([0, Math.sin(0.3), -Math.cos(0.3)]);
    expect(tilted.name).toBe('axial');
    expect(tilted.obliqueDegrees).toBeCloseTo((0.3 * 180) / Math.PI, 9);
    expect(describePlane(tilted)).toBe('oblique axial');
  });
});
