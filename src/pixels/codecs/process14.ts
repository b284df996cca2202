/**
 * A decoder for JPEG Lossless, Non-Hierarchical (Process 14: SOF3, Huffman coding, selection
 * values 1–7, any point transform, restart intervals), after ITU T.81 Annex H.
 *
 * Why Veil has its own: the JavaScript library it used (jpeg-lossless-decoder-js 2.1.2) drops the
 * last sample of a frame whose last Huffman code ends on the byte before EOI (its marker check
 * is off by one bit), ignores the point transform (every sample of a Pt > 0 scan comes out
 * wrong), and keeps the scan's predictor on the first line after a restart. Each is silent
 * corruption of a diagnostic image; the algorithm is small and fully specified, so it is
 * written here and pinned sample for sample to DCMTK's dcmdjpeg.
 */

/** One decoded JPEG Lossless image: interleaved samples (colour-by-pixel), point transform undone. */
export interface Process14Image {
  rows: number;
  columns: number;
  components: number;
  /** Sample precision P (2–16 bits). */
  precision: number;
  /** Uint8Array when P ≤ 8, else Uint16Array (host order). */
  samples: Uint8Array | Uint16Array;
}

/** Why a stream could not be decoded: 'malformed' for a broken stream, 'unsupported' for a valid one Veil does not do. */
export interface Process14Error {
  kind: 'malformed' | 'unsupported';
  message: string;
}

/** A failure deep in the entropy decoder, turned into a Process14Error where decoding starts. */
class StreamError extends Error {
  constructor(
    readonly kind: Process14Error['kind'],
    message: string,
  ) {
    super(message);
  }
}

function malformed(message: string): never {
  throw new StreamError('malformed', message);
}
function unsupported(message: string): never {
  throw new StreamError('unsupported', message);
}

/**
 * A Huffman table (T.81 C.2 and F.2.2.3): the decoding procedure's MAXCODE, VALPTR and MINCODE by
 * code length, with a lookup on the next 8 bits for the short codes that make up most of a scan.
 */
interface HuffmanTable {
  maxcode: Int32Array;
  mincode: Int32Array;
  valptr: Int32Array;
  values: Uint8Array;
  /** (length << 8 | value) + 1 for codes of at most 8 bits, by the 8 bits that begin with them; 0 otherwise. */
  fast: Uint16Array;
}

/** Builds a table from a DHT segment's BITS (counts of codes of length 1–16) and HUFFVAL. */
const huffmanTable = (bits: Uint8Array, values: Uint8Array): HuffmanTable => {
  const maxcode = new Int32Array(18).fill(-1);
  const mincode = new Int32Array(17);
  const valptr = new Int32Array(17);
  const fast = new Uint16Array(256);
  let code = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    const n = bits[len - 1]!;
    if (n > 0) {
      valptr[len] = k;
      mincode[len] = code;
      code += n;
      k += n;
      // Generation of HUFFCODE (C.2): the codes of one length are consecutive numbers of that many bits.
      if (code > 1 << len) malformed('a Huffman table has more codes than its code lengths allow');
      maxcode[len] = code - 1;
      if (len <= 8)
        for (let c = mincode[len]!; c < code; c++) {
          const value = values[valptr[len]! + c - mincode[len]!]!;
          const span = 1 << (8 - len);
          fast.fill(((len << 8) | value) + 1, c * span, (c + 1) * span);
        }
    }
    code <<= 1;
  }
  maxcode[17] = 0x7fffffff; // sentinel: no code is longer than 16 bits
  return { maxcode, mincode, valptr, values, fast };
};

/**
 * The entropy-coded data of a scan, read bit by bit (T.81 F.2.2.5): a stuffed 0x00 after 0xFF
 * is dropped, and at a marker the reader stops and supplies 0-bits, so the look-ahead of the
 * Huffman decoder never needs more bytes than the scan has. Reading any of those supplied bits
 * means the scan ran out before its samples did, which `overran` reports.
 */
class BitReader {
  /** The next unread byte of the stream (at a marker once the scan's data is exhausted). */
  pos: number;
  private acc = 0;
  /** Valid bits in `acc` (the low ones). */
  private n = 0;
  /** Of those, how many are 0-bits supplied after the scan's data ended. */
  private supplied = 0;
  private atMarker = false;

  constructor(
    private readonly b: Uint8Array,
    start: number,
  ) {
    this.pos = start;
  }

  /** Tops the buffer up to more than 24 bits. */
  private fill(): void {
    const b = this.b;
    while (this.n <= 24) {
      let byte = 0;
      if (this.atMarker) this.supplied += 8;
      else if (this.pos >= b.length) {
        this.atMarker = true;
        this.supplied += 8;
      } else {
        byte = b[this.pos]!;
        if (byte === 0xff) {
          const next = b[this.pos + 1];
          if (next === 0x00) this.pos += 2;
          else {
            // A marker (or a fill byte before one, B.1.1.2): the scan's data ends here.
            byte = 0;
            this.atMarker = true;
            this.supplied += 8;
          }
        } else this.pos++;
      }
      this.acc = (this.acc << 8) | byte;
      this.n += 8;
    }
  }

  /** Whether bits beyond the scan's data were consumed. */
  get overran(): boolean {
    return this.n < this.supplied;
  }

  /** Decodes one Huffman-coded value (F.2.2.3 DECODE). */
  decode(t: HuffmanTable): number {
    if (this.n < 16) this.fill();
    const f = t.fast[(this.acc >>> (this.n - 8)) & 0xff]!;
    if (f !== 0) {
      this.n -= (f - 1) >> 8;
      return (f - 1) & 0xff;
    }
    let len = 9;
    let code = (this.acc >>> (this.n - 9)) & 0x1ff;
    while (code > t.maxcode[len]!) {
      len++;
      code = (this.acc >>> (this.n - len)) & ((1 << len) - 1);
    }
    if (len > 16) malformed('the scan holds a bit pattern that is no code of its Huffman table');
    this.n -= len;
    return t.values[t.valptr[len]! + code - t.mincode[len]!]!;
  }

  /** The next `s` bits (1–15) as an unsigned number (F.2.2.4 RECEIVE). */
  receive(s: number): number {
    if (this.n < s) this.fill();
    this.n -= s;
    return (this.acc >>> this.n) & ((1 << s) - 1);
  }

  /** Drops the bits left in the buffer (the padding before a marker) and returns to the byte after the data. */
  reset(): void {
    this.acc = 0;
    this.n = 0;
    this.supplied = 0;
    this.atMarker = false;
  }
}

interface FrameComponent {
  id: number;
  h: number;
  v: number;
}

interface Frame {
  precision: number;
  rows: number;
  columns: number;
  components: FrameComponent[];
}

/**
 * Decodes a JPEG Lossless (SOF3) stream from SOI to EOI. Hierarchical and arithmetic-coded
 * processes, subsampled components and a line count left to a DNL marker are refused.
 */
export const decodeProcess14 = (
  b: Uint8Array,
): { ok: true; value: Process14Image } | { ok: false; error: Process14Error } => {
  try {
    return { ok: true, value: decodeStream(b) };
  } catch (e) {
    if (e instanceof StreamError) return { ok: false, error: { kind: e.kind, message: e.message } };
    throw e;
  }
};

const decodeStream = (b: Uint8Array): Process14Image => {
  if (b[0] !== 0xff || b[1] !== 0xd8) malformed('the JPEG stream does not start with an SOI marker');
  const tables: (HuffmanTable | undefined)[] = [];
  let frame: Frame | undefined;
  let out: Uint8Array | Uint16Array | undefined;
  const decoded = new Set<number>();
  let restartInterval = 0;
  let p = 2;
  for (;;) {
    // B.1.1.2: a marker may be preceded by any number of 0xFF fill bytes; anything else before
    // it (extraneous bytes after a scan) is skipped, as libjpeg does.
    while (p < b.length && !(b[p] === 0xff && b[p + 1] !== 0xff && b[p + 1] !== 0x00)) p++;
    if (p + 1 >= b.length) {
      // A missing EOI after complete scans costs nothing (libjpeg supplies one too).
      if (frame && decoded.size === frame.components.length) break;
      malformed('the JPEG stream ends before its scans do');
    }
    const m = b[p + 1]!;
    p += 2;
    if (m === 0xd9) break; // EOI
    if (m >= 0xd0 && m <= 0xd7) malformed('the JPEG stream has a restart marker outside a scan');
    if (p + 2 > b.length) malformed('the JPEG stream is cut inside a marker segment');
    const len = (b[p]! << 8) | b[p + 1]!;
    const seg = b.subarray(p + 2, p + len);
    if (len < 2 || seg.length !== len - 2) malformed('the JPEG stream is cut inside a marker segment');
    if (m === 0xc4) readHuffmanTables(seg, tables);
    else if (m === 0xdd) {
      if (seg.length < 2) malformed('the DRI marker segment is too short');
      restartInterval = (seg[0]! << 8) | seg[1]!;
    } else if (m === 0xc3) {
      if (frame) malformed('the JPEG stream has two frame headers');
      frame = readFrame(seg);
      const size = frame.rows * frame.columns * frame.components.length;
      out = frame.precision > 8 ? new Uint16Array(size) : new Uint8Array(size);
    } else if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc)
      unsupported(`the stream is JPEG process SOF${m - 0xc0}, not JPEG Lossless, Non-Hierarchical (SOF3)`);
    else if (m === 0xde) unsupported('hierarchical JPEG (a DHP marker) is not decoded');
    else if (m === 0xda) {
      if (!frame || !out) malformed('the JPEG stream has a scan before its frame header');
      p = decodeScan(b, p + len, seg, frame, tables, restartInterval, out, decoded);
      continue;
    }
    // DQT, APPn, COM and the like say nothing lossless decoding needs.
    p += len;
  }
  if (!frame || !out) malformed('the JPEG stream has no frame header (SOF3)');
  if (decoded.size < frame.components.length) malformed('the JPEG stream ends before every component has a scan');
  return {
    rows: frame.rows,
    columns: frame.columns,
    components: frame.components.length,
    precision: frame.precision,
    samples: out,
  };
};

/** DHT (B.2.4.2): one or more tables, each class/destination, 16 counts, then the values. */
const readHuffmanTables = (seg: Uint8Array, tables: (HuffmanTable | undefined)[]): void => {
  let q = 0;
  while (q < seg.length) {
    const tc = seg[q]! >> 4;
    const th = seg[q]! & 15;
    const bits = seg.subarray(q + 1, q + 17);
    const count = bits.reduce((s, n) => s + n, 0);
    const values = seg.subarray(q + 17, q + 17 + count);
    if (bits.length < 16 || values.length < count || th > 3 || tc > 1) malformed('a DHT marker segment is malformed');
    // Lossless scans use only the DC class (Tc 0, H.2.2); the AC class is kept apart and unused.
    if (tc === 0) tables[th] = huffmanTable(bits, values);
    q += 17 + count;
  }
};

/** SOF3 (B.2.2): precision, lines, samples per line, and each component's sampling factors. */
const readFrame = (seg: Uint8Array): Frame => {
  if (seg.length < 6) malformed('the SOF3 frame header is too short');
  const precision = seg[0]!;
  const rows = (seg[1]! << 8) | seg[2]!;
  const columns = (seg[3]! << 8) | seg[4]!;
  const nf = seg[5]!;
  if (seg.length < 6 + 3 * nf) malformed('the SOF3 frame header is too short');
  if (precision < 2 || precision > 16) malformed(`the SOF3 frame header gives a precision of ${precision} bits`);
  if (rows === 0) unsupported('the number of lines is left to a DNL marker, which is not decoded');
  if (columns === 0 || nf === 0) malformed('the SOF3 frame header gives no samples per line or no components');
  const components = Array.from({ length: nf }, (_, i) => ({
    id: seg[6 + 3 * i]!,
    h: seg[7 + 3 * i]! >> 4,
    v: seg[7 + 3 * i]! & 15,
  }));
  if (components.some((c) => c.h !== 1 || c.v !== 1))
    unsupported('subsampled components in JPEG Lossless are not decoded');
  return { precision, rows, columns, components };
};

/**
 * One scan (B.2.3 header, then H.2 decoding): each MCU is one sample of every component in the
 * scan; the samples are stored interleaved in `out` at their component's place.
 * Returns where the stream goes on after the scan's data.
 */
const decodeScan = (
  b: Uint8Array,
  dataStart: number,
  seg: Uint8Array,
  frame: Frame,
  tables: (HuffmanTable | undefined)[],
  restartInterval: number,
  out: Uint8Array | Uint16Array,
  decoded: Set<number>,
): number => {
  const ns = seg[0] ?? 0;
  if (ns === 0 || seg.length < 1 + 2 * ns + 3) malformed('the SOS scan header is malformed');
  const nf = frame.components.length;
  const offsets: number[] = [];
  const scanTables: HuffmanTable[] = [];
  for (let i = 0; i < ns; i++) {
    const c = frame.components.findIndex((fc) => fc.id === seg[1 + 2 * i]);
    if (c < 0) malformed('a scan names a component the frame does not have');
    const t = tables[seg[2 + 2 * i]! >> 4];
    if (!t) malformed('a scan uses a Huffman table the stream does not define');
    offsets.push(c);
    scanTables.push(t);
    decoded.add(c);
  }
  const ss = seg[1 + 2 * ns]!; // selection value (predictor)
  const pt = seg[3 + 2 * ns]! & 15; // point transform (Al)
  if (ss < 1 || ss > 7) malformed(`the scan's selection value is ${ss}, not one of the predictors 1–7`);
  if (pt >= frame.precision) malformed(`the scan's point transform (${pt}) is not below the precision`);
  const { rows, columns, precision } = frame;
  // Restarting resets prediction to the first-line rules (H.1.2.1), which the standard defines
  // per line: an interval that is not whole lines is refused rather than guessed at.
  if (restartInterval % columns !== 0)
    unsupported(`a restart interval of ${restartInterval} samples is not a whole number of ${columns}-sample lines`);
  const linesPerInterval = restartInterval === 0 ? rows : restartInterval / columns;
  const initial = 1 << (precision - pt - 1);
  const reader = new BitReader(b, dataStart);
  const rowStride = columns * nf;
  let restarts = 0;
  for (let y = 0; y < rows; y++) {
    const lineInInterval = y % linesPerInterval;
    if (y > 0 && lineInInterval === 0) {
      // The end of an interval: its data is padded to a byte, then RSTm follows (B.2.1, E.1.4).
      if (reader.overran) malformed('a restart interval of the scan ends before its samples do');
      let q = reader.pos;
      while (b[q] === 0xff && b[q + 1] === 0xff) q++;
      if (b[q] !== 0xff || b[q + 1] !== 0xd0 + (restarts & 7))
        malformed(`restart marker RST${restarts & 7} is missing where the scan's restart interval ends`);
      restarts++;
      reader.pos = q + 2;
      reader.reset();
    }
    const first = lineInInterval === 0;
    for (let x = 0; x < columns; x++) {
      for (let i = 0; i < ns; i++) {
        const at = y * rowStride + x * nf + offsets[i]!;
        const s = reader.decode(scanTables[i]!);
        let diff: number;
        if (s === 0) diff = 0;
        else if (s === 16)
          diff = 32768; // H.1.2.2: no additional bits
        else if (s > 16) diff = malformed('the scan holds a difference category above 16');
        else {
          const v = reader.receive(s);
          diff = v < 1 << (s - 1) ? v - (1 << s) + 1 : v; // F.2.2.1 EXTEND
        }
        let px: number;
        if (first) px = x === 0 ? initial : out[at - nf]!;
        else if (x === 0) px = out[at - rowStride]!;
        else {
          const ra = out[at - nf]!;
          const rb = out[at - rowStride]!;
          const rc = out[at - rowStride - nf]!;
          // Table H.1; the divisions by 2 are arithmetic right shifts, as in libjpeg.
          switch (ss) {
            case 1:
              px = ra;
              break;
            case 2:
              px = rb;
              break;
            case 3:
              px = rc;
              break;
            case 4:
              px = ra + rb - rc;
              break;
            case 5:
              px = ra + ((rb - rc) >> 1);
              break;
            case 6:
              px = rb + ((ra - rc) >> 1);
              break;
            default:
              px = (ra + rb) >> 1;
          }
        }
        // H.1.2.2: the reconstruction is modulo 2^16.
        out[at] = (px + diff) & 0xffff;
      }
    }
  }
  if (reader.overran) malformed('the scan ends before its last sample');
  // A.4 (and H.1.2.1): the decoder multiplies by 2^Pt once prediction no longer needs the values.
  if (pt > 0)
    for (let k = 0; k < out.length; k += nf) for (const c of offsets) out[k + c] = (out[k + c]! << pt) & 0xffff;
  return reader.pos;
};
