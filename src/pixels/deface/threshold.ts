/** Intensity thresholds read from the data. */

/**
 * Otsu's threshold (1979): the value that best splits `values` into two classes (largest
 * between-class variance), over a 256-bin histogram between the smallest and largest value.
 * On a head MR volume it separates background air from the head.
 */
export const otsu = (values: ArrayLike<number>): number => {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  if (!(hi > lo)) return lo;
  const bins = 256;
  const width = (hi - lo) / bins;
  const h = new Float64Array(bins);
  for (let i = 0; i < values.length; i++) h[Math.min(bins - 1, Math.floor((values[i]! - lo) / width))]!++;
  let total = 0;
  let sum = 0;
  for (let b = 0; b < bins; b++) {
    total += h[b]!;
    sum += b * h[b]!;
  }
  let w0 = 0;
  let sum0 = 0;
  let best = 0;
  let bestVar = -1;
  for (let b = 0; b < bins - 1; b++) {
    w0 += h[b]!;
    sum0 += b * h[b]!;
    const w1 = total - w0;
    if (w0 === 0 || w1 === 0) continue;
    const m0 = sum0 / w0;
    const m1 = (sum - sum0) / w1;
    const between = w0 * w1 * (m0 - m1) ** 2;
    if (between > bestVar) {
      bestVar = between;
      best = b;
    }
  }
  return lo + (best + 1) * width;
};

/** The value below which `fraction` of the masked values lie (a 1024-bin histogram's estimate). */
export const percentile = (values: ArrayLike<number>, mask: Uint8Array | undefined, fraction: number): number => {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    if (mask && !mask[i]) continue;
    const x = values[i]!;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
    n++;
  }
  if (n === 0) return Number.NaN;
  if (!(hi > lo)) return lo;
  const bins = 1024;
  const width = (hi - lo) / bins;
  const h = new Float64Array(bins);
  for (let i = 0; i < values.length; i++)
    if (!mask || mask[i]) h[Math.min(bins - 1, Math.floor((values[i]! - lo) / width))]!++;
  let seen = 0;
  for (let b = 0; b < bins; b++) {
    seen += h[b]!;
    if (seen >= fraction * n) return lo + (b + 0.5) * width;
  }
  return hi;
};
