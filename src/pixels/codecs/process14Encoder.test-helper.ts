/**
 * Test support only: a JPEG Lossless (SOF3) encoder after ITU T.81 Annex H, for the streams
 * DCMTK's dcmcjpeg never writes (restart intervals, one scan per component, 16-bit colour,
 * fill bytes before EOI, codes longer than 8 bits, difference category 16). What it writes is
 * checked against DCMTK's dcmdjpeg, so it is a reference only where DCMTK agrees with it.
 */

/** What to encode and how. */
export interface Process14Source {
  rows: number;
  columns: number;
  components: number;
  /** Sample precision P, 2–16. */
  precision: number;
  /** Interleaved samples (colour-by-pixel), each below 2^P. */
  samples: ArrayLike<number>;
  /** Selection value 1–7 (Table H.1). */
  predictor: number;
  /** Point transform Pt (the encoder drops the Pt low bits). */
  pointTransform?: number;
  /** Lines per restart interval; 0 for none. */
  restartLines?: number;
  /** One scan per component instead of one interleaved scan. */
  scanPerComponent?: boolean;
  /** 0xFF fill bytes before EOI (B.1.1.2). */
  fillBytes?: number;
}

/**
 * The Huffman table every stream here uses: difference category k (0–13) has a code of k + 2
 * bits, 14–16 codes of 16 bits. Long codes exercise the decoder's path beyond 8 bits.
 */
const BITS = [0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3];
const CODES: { code: number; length: number }[] = (() => {
  const out: { code: number; length: number }[] = [];
  let code = 0;
  for (let len = 1; len <= 16; len++) {
    for (let i = 0; i < BITS[len - 1]!; i++) out.push({ code: code++, length: len });
    code <<= 1;
  }
  return out;
})();

class BitWriter {
  readonly bytes: number[] = [];
  private acc = 0;
  private n = 0;

  put(value: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | ((value >> i) & 1);
      if (++this.n === 8) this.flushByte();
    }
  }

  private flushByte(): void {
    this.bytes.push(this.acc);
    if (this.acc === 0xff) this.bytes.push(0); // F.1.2.3: byte stuffing
    this.acc = 0;
    this.n = 0;
  }

  /** Pads the last byte with 1-bits (F.1.2.3) before a marker. */
  pad(): void {
    while (this.n !== 0) this.put(1, 1);
  }
}

const segment = (marker: number, body: number[]): number[] => [
  0xff,
  marker,
  (body.length + 2) >> 8,
  (body.length + 2) & 255,
  ...body,
];

/** The predictor of Table H.1 with the first-line rules of H.1.2.1, on reconstructed values. */
const predict = (
  r: (x: number, y: number) => number,
  x: number,
  y: number,
  first: boolean,
  sv: number,
  initial: number,
): number => {
  if (first) return x === 0 ? initial : r(x - 1, y);
  if (x === 0) return r(x, y - 1);
  const ra = r(x - 1, y);
  const rb = r(x, y - 1);
  const rc = r(x - 1, y - 1);
  return [0, ra, rb, rc, ra + rb - rc, ra + ((rb - rc) >> 1), rb + ((ra - rc) >> 1), (ra + rb) >> 1][sv]!;
};

/** Encodes an image as a JPEG Lossless stream from SOI to EOI. */
export const encodeProcess14 = (s: Process14Source): Uint8Array => {
  const pt = s.pointTransform ?? 0;
  const restartLines = s.restartLines ?? 0;
  const nc = s.components;
  const out: number[] = [0xff, 0xd8];
  out.push(...segment(0xc4, [0x00, ...BITS, ...CODES.map((_, i) => i)]));
  if (restartLines) out.push(...segment(0xdd, [(restartLines * s.columns) >> 8, (restartLines * s.columns) & 255]));
  const frame = [s.precision, s.rows >> 8, s.rows & 255, s.columns >> 8, s.columns & 255, nc];
  for (let c = 0; c < nc; c++) frame.push(c + 1, 0x11, 0);
  out.push(...segment(0xc3, frame));
  const scans = s.scanPerComponent
    ? Array.from({ length: nc }, (_, c) => [c])
    : [Array.from({ length: nc }, (_, c) => c)];
  const initial = 1 << (s.precision - pt - 1);
  for (const comps of scans) {
    out.push(...segment(0xda, [comps.length, ...comps.flatMap((c) => [c + 1, 0x00]), s.predictor, 0, pt]));
    const w = new BitWriter();
    let restarts = 0;
    for (let y = 0; y < s.rows; y++) {
      if (restartLines && y > 0 && y % restartLines === 0) {
        w.pad();
        w.bytes.push(0xff, 0xd0 + (restarts++ & 7));
      }
      const first = restartLines ? y % restartLines === 0 : y === 0;
      for (let x = 0; x < s.columns; x++)
        for (const c of comps) {
          const r = (xx: number, yy: number) => s.samples[(yy * s.columns + xx) * nc + c]! >> pt;
          let d = (r(x, y) - predict(r, x, y, first, s.predictor, initial)) & 0xffff;
          if (d > 32768) d -= 65536;
          const k = d === 0 ? 0 : 32 - Math.clz32(Math.abs(d));
          w.put(CODES[k]!.code, CODES[k]!.length);
          if (k > 0 && k < 16) w.put(d > 0 ? d : d - 1 + (1 << k), k);
        }
    }
    w.pad();
    out.push(...w.bytes);
  }
  for (let i = 0; i < (s.fillBytes ?? 0); i++) out.push(0xff);
  out.push(0xff, 0xd9);
  return Uint8Array.from(out);
};
