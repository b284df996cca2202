import { describe, expect, it } from 'vitest';
import { build, part10 } from '../../../test/build.ts';
import { readDicom } from '../../dicom/read.ts';
import { instanceFrames, seriesFrames } from './readFrames.ts';
import { AXIAL, ds, rotateOrientation, sliceHeader, us } from './testSeries.ts';

describe('instanceFrames: single-frame images (PS3.3 C.7.6.2)', () => {
  it('reads position, orientation, spacing in the standard’s order, size and frame of reference', () => {
    const h = sliceHeader({
      position: [-127.5, -99, 40],
      orientation: AXIAL,
      rows: 200,
      columns: 300,
      pixelSpacing: [0.5, 0.8],
      instanceNumber: 7,
    });
    h.set({ tag: 0x00180050, vr: 'DS', value: new TextEncoder().encode('2.5 ') });
    const r = instanceFrames(h, 4);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toHaveLength(1);
    const f = r.value[0]!;
    expect(f.imagePositionPatient).toEqual([-127.5, -99, 40]);
    expect(f.rowCosines).toEqual([1, 0, 0]);
    expect(f.columnCosines).toEqual([0, 1, 0]);
    expect(f.normal).toEqual([0, 0, 1]);
    // PixelSpacing[0] is the distance between rows, [1] between columns.
    expect(f.pixelSpacing).toEqual([0.5, 0.8]);
    expect([f.rows, f.columns, f.sliceThickness, f.frameOfReferenceUID]).toEqual([200, 300, 2.5, '2.25.77']);
    expect(f.source).toEqual({ instance: 4, frame: 0, frameCount: 1, instanceNumber: 7, sopInstanceUID: '2.25.1007' });
  });

  it('takes rounded direction cosines as the orthonormal pair they stand for', () => {
    // 30° about z, written with 4 decimals as some scanners do: off by ~1e-5.
    const o = rotateOrientation(AXIAL, [0, 0, 1], 30).map((x) => Number(x.toFixed(4))) as unknown as typeof AXIAL;
    const r = instanceFrames(sliceHeader({ position: [0, 0, 0], orientation: o }));
    if (!r.ok) throw new Error(r.error.message);
    const f = r.value[0]!;
    const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);
    expect(Math.hypot(...f.rowCosines)).toBeCloseTo(1, 12);
    expect(Math.hypot(...f.columnCosines)).toBeCloseTo(1, 12);
    expect(dot(f.rowCosines, f.columnCosines)).toBeCloseTo(0, 12);
    expect(f.rowCosines[0]).toBeCloseTo(Math.cos(Math.PI / 6), 4);
  });

  it('refuses direction cosines that are not two perpendicular unit vectors, naming the instance', () => {
    const r = instanceFrames(
      sliceHeader({ position: [0, 0, 0], orientation: [1, 0, 0, 0.5, 0.5, 0], instanceNumber: 12 }),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.kind).toBe('invalid-attribute');
    expect(r.error.message).toBe(
      'instance 12: ImageOrientationPatient (0020,0037) 1\\0\\0\\0.5\\0.5\\0 is not two perpendicular unit vectors',
    );
  });

  it('says which attribute is missing and what is therefore unknown', () => {
    const h = sliceHeader({ position: [0, 0, 0], orientation: AXIAL, instanceNumber: 3 });
    h.delete(0x00200032);
    expect(instanceFrames(h)).toEqual({
      ok: false,
      error: {
        kind: 'missing-attribute',
        message: 'instance 3: ImagePositionPatient (0020,0032) is missing, so its position is unknown',
      },
    });
    const g = sliceHeader({ position: [0, 0, 0], orientation: AXIAL, instanceNumber: 3 });
    g.delete(0x00280030);
    const r = instanceFrames(g);
    expect(!r.ok && r.error.message).toBe(
      'instance 3: PixelSpacing (0028,0030) is missing, so the size of its pixels is unknown',
    );
    const e = sliceHeader({ position: [0, 0, 0], orientation: AXIAL, instanceNumber: 3 });
    e.set({ tag: 0x00200032, vr: 'DS', value: new TextEncoder().encode('1\\x\\3 ') });
    const bad = instanceFrames(e);
    expect(!bad.ok && bad.error).toEqual({
      kind: 'invalid-attribute',
      message: 'instance 3: ImagePositionPatient (0020,0032) has no usable value',
    });
  });

  it('seriesFrames stops at the first instance that cannot be placed', () => {
    const good = sliceHeader({ position: [0, 0, 0], orientation: AXIAL, instanceNumber: 1 });
    const bad = sliceHeader({ position: [0, 0, 2], orientation: AXIAL, instanceNumber: 2 });
    bad.delete(0x00200037);
    const r = seriesFrames([good, bad]);
    expect(!r.ok && r.error.message).toMatch(/^instance 2: ImageOrientationPatient \(0020,0037\) is missing/);
  });
});

/** An enhanced multi-frame header: orientation and pixel measures shared, a position per frame. */
const enhanced = (frames: number, perFrameItems = frames) =>
  build({
    524312: '2.25.900',
    2097171: '1',
    2097234: '2.25.77',
    2621448: String(frames),
    2621456: us(128),
    2621457: us(96),
    1375769129: [
      {
        2134294: [{ 2097207: ds([0, 1, 0, 0, 0, -1]) }],
        2658576: [{ 2621488: ds([0.9, 0.8]), 1572944: '1.2' }],
      },
    ],
    1375769136: Array.from({ length: perFrameItems }, (_, k) => ({
      2134291: [{ 2097202: ds([30 - 1.2 * k, -100, 120]) }],
    })),
  });

describe('instanceFrames: enhanced multi-frame images (PS3.3 C.7.6.16)', () => {
  it('places every frame by its own Plane Position, with the shared orientation and pixel measures', () => {
    const r = instanceFrames(enhanced(5), 2);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.map((f) => f.imagePositionPatient[0])).toEqual([30, 28.8, 27.6, 26.4, 25.2]);
    expect(r.value.map((f) => f.source.frame)).toEqual([0, 1, 2, 3, 4]);
    const f = r.value[3]!;
    expect(f.rowCosines).toEqual([0, 1, 0]);
    expect(f.columnCosines).toEqual([0, 0, -1]);
    expect(f.pixelSpacing).toEqual([0.9, 0.8]);
    expect(f.sliceThickness).toBe(1.2);
    expect([f.rows, f.columns, f.source.instance, f.source.frameCount]).toEqual([128, 96, 2, 5]);
  });

  it('lets a frame’s own Plane Orientation override the shared one', () => {
    const h = enhanced(2);
    const item = h.get(0x52009230)!.items![1]!;
    item.set({
      tag: 0x00209116,
      vr: 'SQ',
      items: [build({ 2097207: ds([1, 0, 0, 0, 1, 0]) })],
    });
    const r = instanceFrames(h);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value[0]!.rowCosines).toEqual([0, 1, 0]);
    expect(r.value[1]!.rowCosines).toEqual([1, 0, 0]);
  });

  it('reads the same frames after a write and a header-only read', () => {
    const bytes = part10(enhanced(4));
    const file = readDicom(bytes, { headerOnly: true });
    if (!file.ok) throw new Error(file.error.message);
    const r = instanceFrames(file.value);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.map((f) => f.imagePositionPatient)).toEqual([
      [30, -100, 120],
      [28.8, -100, 120],
      [27.6, -100, 120],
      [26.4, -100, 120],
    ]);
  });

  it('refuses frames without a position of their own', () => {
    const r = instanceFrames(enhanced(5, 3));
    expect(!r.ok && r.error.message).toBe(
      'instance 1: 5 frames but 3 Per-frame Functional Groups items (5200,9230): the frames cannot be placed',
    );
    const h = enhanced(3);
    h.get(0x52009230)!.items![2]!.delete(0x00209113);
    const m = instanceFrames(h);
    expect(!m.ok && m.error.message).toBe(
      'instance 1, frame 3: PlanePositionSequence (0020,9113) > ImagePositionPatient (0020,0032) is missing, so its position is unknown',
    );
  });
});
