import { describe, expect, it } from 'vitest';
import { nearestFrame, patientToPixel, pixelToPatient } from './FrameGeometry.ts';
import { AXIAL, CORONAL, close, framesOf, rotateOrientation, sliceHeader } from './testSeries.ts';
import { formatNumber } from './vec3.ts';

describe('pixelToPatient (PS3.3 Equation C.7.6.2.1-1)', () => {
  // Non-square pixels: rows 0.5 mm apart, columns 0.8 mm apart.
  const [f] = framesOf([
    sliceHeader({ position: [10, 20, 30], orientation: AXIAL, rows: 100, columns: 120, pixelSpacing: [0.5, 0.8] }),
  ]);

  it('steps along the row direction by the column spacing, down a column by the row spacing', () => {
    expect(pixelToPatient(f!, 0, 0)).toEqual([10, 20, 30]);
    // Column 10 of row 0: 10 × PixelSpacing[1] along the row direction (+x).
    close(pixelToPatient(f!, 10, 0), [18, 20, 30]);
    // Row 10 of column 0: 10 × PixelSpacing[0] along the column direction (+y).
    close(pixelToPatient(f!, 0, 10), [10, 25, 30]);
  });

  it('is inverted by patientToPixel, with the distance off the plane', () => {
    const p = pixelToPatient(f!, 33.25, 71.5);
    const at = patientToPixel(f!, [p[0], p[1], p[2] + 4]);
    expect(at.column).toBeCloseTo(33.25, 9);
    expect(at.row).toBeCloseTo(71.5, 9);
    expect(at.distance).toBeCloseTo(4, 9);
    expect(at.inImage).toBe(true);
    expect(patientToPixel(f!, pixelToPatient(f!, 120, 0)).inImage).toBe(false);
  });

  it('round-trips on an oblique plane', () => {
    const o = rotateOrientation(rotateOrientation(CORONAL, [0, 0, 1], 25), [1, 0, 0], -20);
    const [g] = framesOf([sliceHeader({ position: [-80, 12, 95], orientation: o, pixelSpacing: [0.7, 1.1] })]);
    for (const [c, r] of [
      [0, 0],
      [63, 0],
      [17.5, 40.25],
      [63, 63],
    ] as const) {
      const at = patientToPixel(g!, pixelToPatient(g!, c, r));
      expect(at.column).toBeCloseTo(c, 9);
      expect(at.row).toBeCloseTo(r, 9);
      expect(at.distance).toBeCloseTo(0, 9);
    }
  });
});

describe('nearestFrame', () => {
  it('finds the localizer for a point in its plane among axial slices', () => {
    const frames = framesOf([
      ...[0, 5, 10].map((z, k) => sliceHeader({ position: [-32, -32, z], orientation: AXIAL, instanceNumber: k + 1 })),
      // A coronal localizer through y = 0, covering z from +20 down to −43.
      sliceHeader({ position: [-32, 0, 20], orientation: CORONAL, instanceNumber: 9 }),
    ]);
    const onLocalizer = nearestFrame(frames, [0, 0, -30]);
    expect(onLocalizer?.index).toBe(3);
    expect(onLocalizer?.distance).toBeCloseTo(0, 9);
    expect(onLocalizer?.row).toBeCloseTo(50, 9);
    const nearAxial = nearestFrame(frames, [0, 10, 6]);
    expect(nearAxial?.index).toBe(1);
    expect(nearAxial?.distance).toBeCloseTo(1, 9);
  });
});

describe('formatNumber', () => {
  it('keeps the zeros of whole numbers and drops trailing decimals', () => {
    expect(formatNumber(2690, 0)).toBe('2690');
    expect(formatNumber(10, 0)).toBe('10');
    expect(formatNumber(2.5, 2)).toBe('2.5');
    expect(formatNumber(-0.001, 1)).toBe('0');
  });
});
