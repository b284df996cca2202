import { type Grid, gridSize } from './grid.ts';

/**
 * Binary morphology on a grid with anisotropic spacing, in mm. Dilation and erosion by a ball of
 * radius r are thresholds of an exact Euclidean distance transform (Felzenszwalb & Huttenlocher,
 * "Distance transforms of sampled functions", 2012: one lower envelope of parabolas per line, per
 * axis), so a 10 mm ball is as cheap as a 2 mm one and exactly round in mm whatever the spacing.
 * Masks are Uint8Array, 1 inside.
 */

const FAR = 1e20;

/**
 * Squared distance (mm²) from each cell to the nearest cell where `mask` equals `target`
 * (0 on those cells; 1e20 when there are none).
 */
export const squaredDistance = (mask: Uint8Array, g: Grid, target: 0 | 1 = 1): Float32Array => {
  const n = gridSize(g);
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = mask[i] === target ? 0 : FAR;
  const [nx, ny, nz] = g.dims;
  const longest = Math.max(nx, ny, nz);
  // Scratch for one line: values, parabola sites, boundaries.
  const f = new Float64Array(longest);
  const out = new Float64Array(longest);
  const v = new Int32Array(longest);
  const z = new Float64Array(longest + 1);
  const pass = (count: number, stride: number, s: number, starts: (emit: (start: number) => void) => void) => {
    const s2 = s * s;
    starts((start) => {
      for (let q = 0; q < count; q++) f[q] = d[start + q * stride]!;
      if (envelope(f, out, v, z, count, s2)) for (let q = 0; q < count; q++) d[start + q * stride] = out[q]!;
    });
  };
  pass(nx, 1, g.spacing[0], (emit) => {
    for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) emit((k * ny + j) * nx);
  });
  pass(ny, nx, g.spacing[1], (emit) => {
    for (let k = 0; k < nz; k++) for (let i = 0; i < nx; i++) emit(k * ny * nx + i);
  });
  pass(nz, nx * ny, g.spacing[2], (emit) => {
    for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) emit(j * nx + i);
  });
  return d;
};

/**
 * One line of the transform: out[q] = min over p of f[p] + s2 · (q − p)². Sites at FAR are not
 * parabolas (they would only add rounding); returns false when the line has none (nothing to do).
 */
const envelope = (
  f: Float64Array,
  out: Float64Array,
  v: Int32Array,
  z: Float64Array,
  n: number,
  s2: number,
): boolean => {
  let k = -1;
  for (let q = 0; q < n; q++) {
    const fq = f[q]!;
    if (fq >= FAR) continue;
    if (k < 0) {
      k = 0;
      v[0] = q;
      z[0] = Number.NEGATIVE_INFINITY;
      z[1] = Number.POSITIVE_INFINITY;
      continue;
    }
    let s = 0;
    for (;;) {
      const p = v[k]!;
      s = (fq + s2 * q * q - (f[p]! + s2 * p * p)) / (2 * s2 * (q - p));
      if (s > z[k]! || k === 0) break;
      k--;
    }
    if (s <= z[k]!) {
      // k === 0 and the new parabola is lower everywhere the old one ruled.
      v[0] = q;
      z[0] = Number.NEGATIVE_INFINITY;
      z[1] = Number.POSITIVE_INFINITY;
      continue;
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Number.POSITIVE_INFINITY;
  }
  if (k < 0) return false;
  let j = 0;
  for (let q = 0; q < n; q++) {
    while (z[j + 1]! < q) j++;
    const p = v[j]!;
    out[q] = f[p]! + s2 * (q - p) * (q - p);
  }
  return true;
};

/** The mask grown by a ball of `mm` (every cell within `mm` of the mask). */
export const dilate = (mask: Uint8Array, g: Grid, mm: number): Uint8Array => {
  const d = squaredDistance(mask, g, 1);
  const r2 = mm * mm;
  const out = new Uint8Array(d.length);
  for (let i = 0; i < d.length; i++) out[i] = d[i]! <= r2 ? 1 : 0;
  return out;
};

/** The mask shrunk by a ball of `mm` (cells further than `mm` from outside). Cells off the grid count as outside. */
export const erode = (mask: Uint8Array, g: Grid, mm: number): Uint8Array => {
  const d = squaredDistance(mask, g, 0);
  const r2 = mm * mm;
  const out = new Uint8Array(d.length);
  const [nx, ny, nz] = g.dims;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const c = i + nx * (j + ny * k);
        // The grid's edge is outside too: distance to it bounds the distance to outside.
        const edge = Math.min(
          (i + 1) * g.spacing[0],
          (nx - i) * g.spacing[0],
          (j + 1) * g.spacing[1],
          (ny - j) * g.spacing[1],
          (k + 1) * g.spacing[2],
          (nz - k) * g.spacing[2],
        );
        out[c] = d[c]! > r2 && edge * edge > r2 ? 1 : 0;
      }
  return out;
};

/** In place: a &= b. */
export const intersect = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  for (let i = 0; i < a.length; i++) a[i] = a[i]! & b[i]!;
  return a;
};

/** Cells in a mask. */
export const countOf = (mask: Uint8Array): number => {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i]!;
  return n;
};

/**
 * In place: fills the holes of each plane across `axis` (2: each slice, the default; 0 and 1: the
 * two other orthogonal planes). Background not reachable from the plane's border through
 * background (4-connected) becomes mask: "enclosed" in that plane.
 */
export const fillHolesPerSlice = (mask: Uint8Array, g: Grid, axis: 0 | 1 | 2 = 2): Uint8Array => {
  const [nx, ny] = g.dims;
  const strides = [1, nx, nx * ny] as const;
  // The plane's two axes (u, v) and the axis it is stacked along (w).
  const [ua, va] = axis === 0 ? [1, 2] : axis === 1 ? [0, 2] : [0, 1];
  const nu = g.dims[ua]!;
  const nv = g.dims[va]!;
  const nw = g.dims[axis]!;
  const su = strides[ua]!;
  const sv = strides[va]!;
  const sw = strides[axis]!;
  const plane = nu * nv;
  const reached = new Uint8Array(plane);
  const queue = new Int32Array(plane);
  for (let w = 0; w < nw; w++) {
    const base = w * sw;
    reached.fill(0);
    let head = 0;
    let tail = 0;
    // p = u + nu · v indexes the plane; the cell is base + u · su + v · sv.
    const seed = (u: number, v: number) => {
      const p = u + nu * v;
      if (!reached[p] && !mask[base + u * su + v * sv]) {
        reached[p] = 1;
        queue[tail++] = p;
      }
    };
    for (let u = 0; u < nu; u++) {
      seed(u, 0);
      seed(u, nv - 1);
    }
    for (let v = 0; v < nv; v++) {
      seed(0, v);
      seed(nu - 1, v);
    }
    while (head < tail) {
      const p = queue[head++]!;
      const u = p % nu;
      const v = (p - u) / nu;
      if (u > 0) seed(u - 1, v);
      if (u < nu - 1) seed(u + 1, v);
      if (v > 0) seed(u, v - 1);
      if (v < nv - 1) seed(u, v + 1);
    }
    for (let v = 0; v < nv; v++)
      for (let u = 0; u < nu; u++) if (!reached[u + nu * v]) mask[base + u * su + v * sv] = 1;
  }
  return mask;
};

/** In place: fills the 3D holes (background not 6-connected to the grid's faces). */
export const fillHoles3D = (mask: Uint8Array, g: Grid): Uint8Array => {
  const [nx, ny, nz] = g.dims;
  const n = gridSize(g);
  const reached = new Uint8Array(n);
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  const seed = (p: number) => {
    if (!reached[p] && !mask[p]) {
      reached[p] = 1;
      queue[tail++] = p;
    }
  };
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++)
        if (i === 0 || j === 0 || k === 0 || i === nx - 1 || j === ny - 1 || k === nz - 1) seed(i + nx * (j + ny * k));
  const plane = nx * ny;
  while (head < tail) {
    const p = queue[head++]!;
    const i = p % nx;
    const j = Math.floor(p / nx) % ny;
    const k = Math.floor(p / plane);
    if (i > 0) seed(p - 1);
    if (i < nx - 1) seed(p + 1);
    if (j > 0) seed(p - nx);
    if (j < ny - 1) seed(p + nx);
    if (k > 0) seed(p - plane);
    if (k < nz - 1) seed(p + plane);
  }
  for (let p = 0; p < n; p++) if (!reached[p]) mask[p] = 1;
  return mask;
};
