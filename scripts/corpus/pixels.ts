import type { Random } from './random.ts';

/**
 * Synthetic images: smooth phantoms with a little noise, never random bytes. Stored values stay
 * below 4096 (16-bit) or 200 (8-bit), so pixel data can't spell an identity string by chance and
 * the leak scan of raw bytes has no false positives.
 */

/** A CT head slice as stored values (HU + 1024, 12 bits stored): air, skull, brain, ventricles. */
export const ctHead = (rows: number, cols: number, z: number, rng: Random): Uint16Array => {
  const out = new Uint16Array(rows * cols);
  const s = 1 - Math.abs(z - 0.5) * 0.6; // head narrows towards the top and bottom of the stack
  for (let y = 0; y < rows; y++) {
    const v = (y - rows / 2) / (rows / 2);
    for (let x = 0; x < cols; x++) {
      const u = (x - cols / 2) / (cols / 2);
      const r = Math.sqrt((u / (0.78 * s)) ** 2 + (v / (0.9 * s)) ** 2);
      const vent = Math.sqrt(((Math.abs(u) - 0.12) / 0.08) ** 2 + (v / 0.25) ** 2) < 1;
      let hu = -1000;
      if (r < 1) hu = r > 0.9 ? 1200 : vent ? 8 : 38;
      out[y * cols + x] = clamp(hu + 1024 + (r < 1 ? rng.noise(6) : 0), 0, 4095);
    }
  }
  return out;
};

/** An MR slice (T2-like): bright fluid, mid grey tissue, dark background. */
export const mrBrain = (rows: number, cols: number, z: number, rng: Random): Uint16Array => {
  const out = new Uint16Array(rows * cols);
  const s = 1 - Math.abs(z - 0.5) * 0.5;
  for (let y = 0; y < rows; y++) {
    const v = (y - rows / 2) / (rows / 2);
    for (let x = 0; x < cols; x++) {
      const u = (x - cols / 2) / (cols / 2);
      const r = Math.sqrt((u / (0.75 * s)) ** 2 + (v / (0.88 * s)) ** 2);
      const csf = Math.sqrt(((Math.abs(u) - 0.15) / 0.09) ** 2 + (v / 0.22) ** 2) < 1;
      const base = r < 1 ? (csf ? 900 : r > 0.92 ? 250 : 420 + 80 * Math.cos(u * 9) * Math.sin(v * 7)) : 8;
      out[y * cols + x] = clamp(base + rng.noise(r < 1 ? 12 : 3), 0, 4095);
    }
  }
  return out;
};

/** An 8-bit ultrasound sector with speckle. */
export const usSector = (rows: number, cols: number, rng: Random): Uint8Array => {
  const out = new Uint8Array(rows * cols);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      const dx = x - cols / 2;
      const r = Math.sqrt(dx * dx + y * y);
      const inside = y > 2 && Math.abs(Math.atan2(dx, y)) < 0.6 && r < rows * 0.95;
      out[y * cols + x] = inside ? clamp(60 + 50 * Math.sin(r / 4) + rng.noise(25), 0, 199) : 0;
    }
  }
  return out;
};

/** An 8-bit secondary capture: a gradient with a bright square (a scanned film, say). */
export const scGradient = (rows: number, cols: number, rng: Random): Uint8Array => {
  const out = new Uint8Array(rows * cols);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      const square = x > cols / 4 && x < (cols * 3) / 4 && y > rows / 4 && y < (rows * 3) / 4;
      out[y * cols + x] = clamp((x + y) * (100 / (rows + cols)) + (square ? 90 : 0) + rng.noise(2), 0, 199);
    }
  }
  return out;
};

/** 16-bit samples as bytes in the data set's byte order (OW, PS3.5 §8.1.1). */
export const wordBytes = (px: Uint16Array, littleEndian: boolean): Uint8Array => {
  const out = new Uint8Array(px.length * 2);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < px.length; i++) dv.setUint16(i * 2, px[i]!, littleEndian);
  return out;
};

/** A 1-bit overlay plane (PS3.3 C.9.2): a rectangle outline, bits packed LSB first, padded to a word. */
export const overlayRectangle = (rows: number, cols: number): Uint8Array => {
  const bits = rows * cols;
  const out = new Uint8Array(Math.ceil(bits / 16) * 2);
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < cols; x++) {
      const edge = (y === 4 || y === rows - 5) && x >= 4 && x < cols - 4;
      const side = (x === 4 || x === cols - 5) && y >= 4 && y < rows - 4;
      if (edge || side) {
        const i = y * cols + x;
        out[i >> 3]! |= 1 << (i & 7);
      }
    }
  }
  return out;
};

const clamp = (v: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, Math.round(v)));
