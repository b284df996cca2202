import { describe, expect, it } from 'vitest';
import { AXIAL, close, positions, SAGITTAL, series, volumeOf } from '../geometry/testSeries.ts';
import { voxelToPatient } from '../geometry/Volume.ts';
import { add, scale, type Vec3 } from '../geometry/vec3.ts';
import { cellFactors, supports } from './fanCut.ts';
import { workFactors, workGrid } from './grid.ts';
import { JUDGE_MAX_CELLS, JUDGE_MAX_VOXELS, judgeFactors, reducedVolume, voxelReducer } from './reduce.ts';
import { type Rescale, voxelsOf } from './Voxels.ts';

/** An axial stack: `count` slices `step` apart (a tilted gantry when `step` leans), pixels of `spacing` mm. */
const stack = (columns: number, rows: number, count: number, spacing: number, step: Vec3 = [0, 0, 2]) =>
  volumeOf(
    series(AXIAL, positions(count, [-10, -20, -30], step), { rows, columns, pixelSpacing: [spacing, spacing] }),
    { minSlices: 2, minExtentMm: 0 },
  );

/** The judging copy's voxels and working cells for a volume. */
const sizes = (v: ReturnType<typeof stack>) => {
  const f = judgeFactors(v);
  const dims = [v.columns, v.rows, v.frames.length].map((n, a) => Math.ceil(n / f[a]!));
  const spacing = [v.pixelSpacing[1] * f[0], v.pixelSpacing[0] * f[1], v.sliceSpacing * f[2]] as const;
  const w = workFactors(spacing);
  return {
    f,
    voxels: dims[0]! * dims[1]! * dims[2]!,
    cells: dims.reduce((n, d, a) => n * Math.ceil(d / w[a]!), 1),
    spacing,
  };
};

describe('judgeFactors: how much of a series judging reads', () => {
  it('every real and derived head at hand is judged as it is', () => {
    // The UNC CT, a 256³ head at 1 mm, the sagittal T1, Colin27, the largest derived case (1.5 mm pixels).
    expect(judgeFactors(stack(256, 256, 113, 1, [0, 0, 2]))).toEqual([1, 1, 1]);
    expect(judgeFactors(stack(256, 256, 256, 1, [0, 0, 1]))).toEqual([1, 1, 1]);
    expect(judgeFactors(stack(256, 256, 35, 1.016, [0, 0, 4.8]))).toEqual([1, 1, 1]);
    expect(judgeFactors(stack(181, 217, 181, 1, [0, 0, 1]))).toEqual([1, 1, 1]);
    expect(judgeFactors(stack(121, 168, 103, 1.5, [0, 0, 1.5]))).toEqual([1, 1, 1]);
  });

  it('pixels finer than 1 mm are merged in-plane, thin slices only when the voxels are too many', () => {
    // A routine head CT: 512² at 0.45 mm, 5 mm slices.
    expect(judgeFactors(stack(512, 512, 30, 0.45, [0, 0, 5]))).toEqual([2, 2, 1]);
    // A thin-slice head CT: 512² at 0.45 mm, 320 slices of 0.625 mm: 256 × 256 × 320 is over 256³.
    expect(judgeFactors(stack(512, 512, 320, 0.45, [0, 0, 0.625]))).toEqual([2, 2, 2]);
  });

  it('too many working cells: the axis with the finest cells is coarsened, not the finest voxels', () => {
    // 1 mm pixels are 2 mm cells already; 1.5 mm slices are 1.5 mm cells: 128 × 128 × 150 cells.
    expect(judgeFactors(stack(256, 256, 150, 1, [0, 0, 1.5]))).toEqual([1, 1, 2]);
  });

  it('any series, however large, is judged within the caps, as isotropic as it can be', () => {
    const cases = [
      stack(512, 512, 600, 0.4296875, [0, 0, 5]), // the bench's CT
      stack(256, 256, 200, 0.8984375, [0, 0, 4]), // the bench's MR
      stack(512, 512, 1500, 0.98, [0, 0, 1.25]), // a whole-body CT
      stack(1024, 1024, 2000, 0.3, [0, 0, 0.3]),
    ];
    for (const v of cases) {
      const s = sizes(v);
      expect(s.voxels).toBeLessThanOrEqual(JUDGE_MAX_VOXELS);
      expect(s.cells).toBeLessThanOrEqual(JUDGE_MAX_CELLS);
      expect(s.f[0]).toBe(s.f[1]); // square pixels stay square
      expect(Math.min(...s.spacing)).toBeGreaterThanOrEqual(0.85);
    }
  });
});

describe('reducedVolume: the judging copy in patient space', () => {
  it("a full block stands at the mean of its voxels' centres, through each slice's own position", () => {
    // A tilted gantry (each slice's origin moves along y too) with irregular steps.
    const v = volumeOf(
      series(
        AXIAL,
        [0, 1, 2, 3, 5, 6, 7].map((k): Vec3 => [-10, -20 + 0.3 * k, -30 + 2 * k + (k > 3 ? 0.5 : 0)]),
        { rows: 9, columns: 8, pixelSpacing: [0.5, 0.4] },
      ),
      { minSlices: 2, minExtentMm: 0 },
    );
    const f = [2, 3, 2] as const;
    const r = reducedVolume(v, f);
    expect([r.columns, r.rows, r.frames.length]).toEqual([4, 3, 4]);
    expect(r.pixelSpacing).toEqual([1.5, 0.8]);
    for (const [I, J, K] of [
      [0, 0, 0],
      [1, 2, 1],
      [3, 1, 2],
    ] as const) {
      let sum: Vec3 = [0, 0, 0];
      for (let i = I * f[0]; i < (I + 1) * f[0]; i++)
        for (let j = J * f[1]; j < (J + 1) * f[1]; j++)
          for (let k = K * f[2]; k < (K + 1) * f[2]; k++) sum = add(sum, voxelToPatient(v, i, j, k));
      close(voxelToPatient(r, I, J, K), scale(sum, 1 / (f[0] * f[1] * f[2])));
      expect(r.positions[K]).toBeCloseTo(voxelToPatient(r, I, J, K)[2], 9);
    }
    // The last block, one slice: that slice's own place.
    close(
      voxelToPatient(r, 0, 0, 3),
      add(voxelToPatient(v, 0, 0, 6), add(scale(v.columnStep, 0.5), scale(v.rowStep, 1))),
    );
  });

  it('factors of one leave the volume as it is', () => {
    const v = stack(16, 16, 4, 1);
    expect(reducedVolume(v, [1, 1, 1])).toBe(v);
  });
});

/** Stored frames of a volume: `sample(i, j, k)` for each pixel. */
const framesOf = (
  v: ReturnType<typeof stack>,
  sample: (i: number, j: number, k: number) => number,
  Type: Uint16ArrayConstructor | Int16ArrayConstructor = Uint16Array,
) =>
  v.frames.map((_, k) => {
    const f = new Type(v.columns * v.rows);
    for (let j = 0; j < v.rows; j++) for (let i = 0; i < v.columns; i++) f[i + v.columns * j] = sample(i, j, k);
    return f;
  });

/** Adds the frames to a reducer in a scrambled order (files come in any order). */
const reduce = (v: ReturnType<typeof stack>, frames: ArrayLike<number>[], rescale: Rescale) => {
  const r = voxelReducer(v, 'CT', rescale);
  const order = frames.map((_, k) => k).sort((a, b) => ((a * 7) % 5) - ((b * 7) % 5) || a - b);
  for (const k of order) r.add(k, frames[k]!);
  return r.finish();
};

describe('voxelReducer: the series one slice at a time', () => {
  const ct: Rescale = { slope: 1, intercept: -1024, storedMin: 0, storedMax: 4095, paddingValue: 4095 };
  const wavy = (i: number, j: number, k: number) => ((i * 37 + j * 91 + k * 53) % 2000) + 24;

  it('judged as it is: exactly the voxels voxelsOf makes (Int16 CT, padding as the lowest value)', () => {
    const v = stack(20, 18, 6, 1);
    const frames = framesOf(v, (i, j, k) => (i < 3 ? 4095 : wavy(i, j, k)));
    const { voxels, padding } = reduce(v, frames, ct);
    const reference = voxelsOf(v, frames, 'CT', ct);
    expect(voxels.data).toBeInstanceOf(Int16Array);
    expect(voxels.data).toEqual(reference.data);
    expect(voxels.dims).toEqual(reference.dims);
    expect(voxels.volume).toBe(v);
    expect(voxels.fine).toBeUndefined();
    expect(padding?.reduce((n, x) => n + x, 0)).toBe(3 * 18 * 6);
  });

  it('judged as it is: Float32 when a value leaves the Int16 range or the slope is fractional, as voxelsOf', () => {
    const v = stack(12, 10, 5, 1);
    const wide: Rescale = { slope: 1, intercept: -1024, storedMin: 0, storedMax: 65535 };
    const high = framesOf(v, (i, j, k) => (k === 3 && i === 5 && j === 4 ? 60000 : wavy(i, j, k)));
    expect(reduce(v, high, wide).voxels.data).toEqual(voxelsOf(v, high, 'CT', wide).data);
    expect(reduce(v, high, wide).voxels.data).toBeInstanceOf(Float32Array);
    const fractional: Rescale = { slope: 0.37, intercept: -3.5, storedMin: -32768, storedMax: 32767 };
    const signed = framesOf(v, (i, j, k) => wavy(i, j, k) - 1000, Int16Array);
    const reduced = reduce(v, signed, fractional).voxels.data;
    expect(reduced).toBeInstanceOf(Float32Array);
    expect(reduced).toEqual(voxelsOf(v, signed, 'CT', fractional).data);
  });

  it('reduced: Float32 block means, padding counted as the lowest value, the series kept as `fine`', () => {
    // 0.5 mm pixels: blocks of 2 × 2 in-plane; 7 columns leave a partial last block.
    const v = stack(7, 6, 3, 0.5);
    expect(judgeFactors(v)).toEqual([2, 2, 1]);
    const frames = framesOf(v, (i, j, k) => (j >= 4 ? 4095 : i + 10 * j + 100 * k + 1024));
    const { voxels, padding } = reduce(v, frames, ct);
    expect(voxels.dims).toEqual([4, 3, 3]);
    expect(voxels.data).toBeInstanceOf(Float32Array);
    expect(voxels.fine).toEqual({ volume: v, dims: [7, 6, 3], factors: [2, 2, 1] });
    const at = (i: number, j: number, k: number) => voxels.data[i + 4 * (j + 3 * k)]!;
    // Block (0, 0) of slice 2: columns 0–1, rows 0–1: 200 + mean of 0, 1, 10, 11.
    expect(at(0, 0, 2)).toBeCloseTo(205.5, 5);
    // The partial last column block: column 6 alone, rows 2–3.
    expect(at(3, 1, 1)).toBeCloseTo(100 + 6 + 25, 5);
    // Rows 4–5 are padding throughout: the lowest value present (0 HU), and marked.
    expect(at(1, 2, 0)).toBe(0);
    expect(padding?.[1 + 4 * 2]).toBe(1);
    expect(padding?.[1 + 4 * 1]).toBe(0);
  });

  it('a slice missing or given twice is an error, not a silent hole', () => {
    const v = stack(4, 4, 3, 1);
    const r = voxelReducer(v, 'CT', ct);
    const f = framesOf(v, wavy);
    r.add(0, f[0]!);
    expect(() => r.add(0, f[0]!)).toThrow(/slice 1 added twice/);
    r.add(2, f[2]!);
    expect(() => r.finish()).toThrow(/slice 2 of 3 was never added/);
  });
});

describe('reduced geometry, other orientations', () => {
  it('a sagittal stack keeps its normal and positions', () => {
    const v = volumeOf(
      series(SAGITTAL, positions(6, [-30, 0, 0], [3, 0, 0]), { rows: 8, columns: 8, pixelSpacing: [0.4, 0.4] }),
      {
        minSlices: 2,
        minExtentMm: 0,
      },
    );
    // 0.4 mm pixels: blocks of round(1 / 0.4) = 3.
    expect(judgeFactors(v)).toEqual([3, 3, 1]);
    const r = reducedVolume(v, judgeFactors(v));
    expect(r.normal).toEqual(v.normal);
    expect(Array.from(r.positions)).toEqual(Array.from(v.positions));
    expect(r.columnStep).toEqual(scale(v.columnStep, 3));
  });
});

describe("the cut's geometry on a reduced copy is the series' own", () => {
  it('the supports of a brain mask are taken over the series’ voxels, not the copy’s block centres', () => {
    // 0.5 mm pixels, 1 mm slices: the series' working grid is 4 × 4 × 2 voxels a cell; the
    // copy's (1 mm voxels) 2 × 2 × 2 of its 2 × 2 × 1 blocks: the same cells.
    const v = stack(40, 36, 12, 0.5, [0.2, 0, 1]);
    const frames = framesOf(v, (i, j, k) => 1024 + ((i * 3 + j * 5 + k) % 40));
    const rescale: Rescale = { slope: 1, intercept: -1024, storedMin: 0, storedMax: 4095 };
    const full = voxelsOf(v, frames, 'CT', rescale);
    const copy = reduce(v, frames, rescale).voxels;
    const wFull = workGrid(full);
    const wCopy = workGrid(copy);
    expect(wFull.dims).toEqual(wCopy.dims);
    expect(cellFactors(copy, wCopy)).toEqual([...wFull.factors]);
    const brain = new Uint8Array(wFull.mean.length);
    const [wx, wy] = wFull.dims;
    for (let k = 1; k < 5; k++)
      for (let j = 2; j < 7; j++) for (let i = 3; i < 8; i++) brain[i + wx * (j + wy * k)] = 1;
    const normals: Vec3[] = [
      [0, -1, 0],
      [0.6, 0, -0.8],
      [-0.48, 0.6, 0.64],
    ];
    expect(Array.from(supports(copy, wCopy, brain, normals))).toEqual(
      Array.from(supports(full, wFull, brain, normals)),
    );
  });
});
