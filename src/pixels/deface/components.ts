import { type Grid, gridSize } from './grid.ts';

/** 6-connected components of a mask: a label per cell (0 outside, 1… inside) and each label's size. */
export interface Components {
  labels: Int32Array;
  /** sizes[label], cells; sizes[0] is 0. */
  sizes: number[];
}

/** Labels the 6-connected components of a mask (breadth-first, one queue, no recursion). */
export const components = (mask: Uint8Array, g: Grid): Components => {
  const [nx, ny, nz] = g.dims;
  const n = gridSize(g);
  const plane = nx * ny;
  const labels = new Int32Array(n);
  const queue = new Int32Array(n);
  const sizes = [0];
  for (let s = 0; s < n; s++) {
    if (!mask[s] || labels[s]) continue;
    const label = sizes.length;
    let head = 0;
    let tail = 0;
    labels[s] = label;
    queue[tail++] = s;
    while (head < tail) {
      const p = queue[head++]!;
      const i = p % nx;
      const j = Math.floor(p / nx) % ny;
      const k = Math.floor(p / plane);
      const visit = (q: number) => {
        if (mask[q] && !labels[q]) {
          labels[q] = label;
          queue[tail++] = q;
        }
      };
      if (i > 0) visit(p - 1);
      if (i < nx - 1) visit(p + 1);
      if (j > 0) visit(p - nx);
      if (j < ny - 1) visit(p + nx);
      if (k > 0) visit(p - plane);
      if (k < nz - 1) visit(p + plane);
    }
    sizes.push(tail);
  }
  return { labels, sizes };
};

/** The cells of one label as a mask. */
export const labelMask = (c: Components, label: number): Uint8Array => {
  const out = new Uint8Array(c.labels.length);
  for (let i = 0; i < out.length; i++) out[i] = c.labels[i] === label ? 1 : 0;
  return out;
};

/** Each label's centroid in cell indexes (column, row, slice). */
export const centroids = (c: Components, g: Grid): Float64Array => {
  const [nx, ny] = g.dims;
  const sums = new Float64Array(c.sizes.length * 3);
  for (let p = 0; p < c.labels.length; p++) {
    const l = c.labels[p]!;
    if (!l) continue;
    sums[l * 3]! += p % nx;
    sums[l * 3 + 1]! += Math.floor(p / nx) % ny;
    sums[l * 3 + 2]! += Math.floor(p / (nx * ny));
  }
  c.sizes.forEach((size, l) => {
    for (let a = 0; a < 3; a++) sums[l * 3 + a]! /= Math.max(1, size);
  });
  return sums;
};

/**
 * The component with the best score (by default the largest), as a mask; empty when the mask is.
 * `score` sees each label's size and centroid (cells).
 */
export const bestComponent = (
  mask: Uint8Array,
  g: Grid,
  score: (size: number, centroid: readonly [number, number, number]) => number = (size) => size,
): Uint8Array => {
  const c = components(mask, g);
  const centre = centroids(c, g);
  let best = 0;
  let bestScore = 0;
  c.sizes.forEach((size, label) => {
    if (label === 0) return;
    const s = score(size, [centre[label * 3]!, centre[label * 3 + 1]!, centre[label * 3 + 2]!]);
    if (s > bestScore) {
      best = label;
      bestScore = s;
    }
  });
  return labelMask(c, best);
};
