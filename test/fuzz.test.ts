import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../src/dicom/Dataset.ts';
import { readDicom } from '../src/dicom/read.ts';
import { padByte } from '../src/dicom/VR.ts';
import { writePart10 } from '../src/dicom/write.ts';
import { PYDICOM_DIR, pydicomFiles } from './corpus.ts';

/**
 * Fuzzes the reader with mutated real files: truncations, bit flips and edited length fields.
 * Deterministic (seeded PRNG), a few thousand cases. Invariants: readDicom never throws and never
 * hangs; a failure has a reason in words; a success has every value inside its buffer and can be
 * written back and read again to the same tree.
 */

/** Mulberry32: small, fast, and the same sequence on every run. */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const SEEDS = [
  'test_files/CT_small.dcm', // Explicit VR LE
  'test_files/MR_small_implicit.dcm', // Implicit VR LE
  'test_files/MR_small_bigendian.dcm', // Explicit VR BE
  'test_files/ExplVR_BigEndNoMeta.dcm', // raw BE data set
  'test_files/ExplVR_LitEndNoMeta.dcm', // raw LE data set
  'test_files/image_dfl.dcm', // deflated
  'test_files/JPEG2000.dcm', // encapsulated
  'test_files/MR_small_RLE.dcm', // encapsulated, several fragments
  'test_files/test-SR.dcm', // deep nesting, undefined lengths
  'test_files/rtplan.dcm', // Implicit VR sequences
  'test_files/priv_SQ.dcm', // private Implicit VR sequence of undefined length
  'test_files/UN_sequence.dcm', // UN of undefined length
  'test_files/dicomdirtests/DICOMDIR', // DICOMDIR
  'charset_files/chrSQEncoding.dcm', // charset in a sequence item
];

/** A length field found by walking a file's elements: where it is, how wide, in which byte order. */
interface LengthField {
  at: number;
  size: 2 | 4;
  le: boolean;
}

const LONG = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

/**
 * Finds the length fields of a (valid) file by walking its elements, independently of the reader:
 * element lengths, sequence lengths and item lengths, at every depth.
 */
const lengthFields = (b: Uint8Array): LengthField[] => {
  const out: LengthField[] = [];
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const str = (p: number) => String.fromCharCode(b[p]!, b[p + 1]!);
  let p = 0;
  let explicit = true;
  let le = true;
  if (str(128) + str(130) === 'DICM') {
    p = 132;
    let ts = '';
    while (p + 8 <= b.length && dv.getUint16(p, true) === 2) {
      const long = LONG.has(str(p + 4));
      const len = long ? dv.getUint32(p + 8, true) : dv.getUint16(p + 6, true);
      out.push({ at: p + (long ? 8 : 6), size: long ? 4 : 2, le: true });
      const v = p + (long ? 12 : 8);
      if (dv.getUint16(p + 2, true) === 0x10) ts = String.fromCharCode(...b.subarray(v, v + len)).replace(/\0/g, '');
      p = v + len;
    }
    if (ts === '1.2.840.10008.1.2.1.99') return out; // the rest is compressed
    explicit = ts !== '1.2.840.10008.1.2';
    le = ts !== '1.2.840.10008.1.2.2';
  } else {
    le = b[0] !== 0;
    explicit = /[A-Z]{2}/.test(str(4));
  }
  const u16 = (q: number) => dv.getUint16(q, le);
  const u32 = (q: number) => dv.getUint32(q, le);
  const walk = (start: number, end: number, exp: boolean): number => {
    let q = start;
    while (q + 8 <= end) {
      const tag = u16(q) * 0x10000 + u16(q + 2);
      if (tag === 0xfffee00d) return q + 8;
      const vr = exp ? str(q + 4) : '';
      const long = !exp || LONG.has(vr);
      const lenAt = exp ? (long ? q + 8 : q + 6) : q + 4;
      const len = long ? u32(lenAt) : u16(lenAt);
      if (len !== 0xffffffff) out.push({ at: lenAt, size: long ? 4 : 2, le });
      const v = exp && long ? q + 12 : q + 8;
      const itemTag = v + 4 <= b.length ? u16(v) * 0x10000 + u16(v + 2) : 0;
      const isSeq = vr === 'SQ' || (len === 0xffffffff && (itemTag === 0xfffee000 || itemTag === 0xfffee0dd));
      if (isSeq || (!exp && itemTag === 0xfffee000)) {
        const inner = exp && vr !== 'UN';
        const seqEnd = len === 0xffffffff ? b.length : v + len;
        let r = v;
        while (r + 8 <= seqEnd) {
          const it = u16(r) * 0x10000 + u16(r + 2);
          const ilen = u32(r + 4);
          if (it === 0xfffee0dd) {
            r += 8;
            break;
          }
          if (it !== 0xfffee000) break;
          if (ilen !== 0xffffffff) out.push({ at: r + 4, size: 4, le });
          if (ilen === 0xffffffff) r = walk(r + 8, seqEnd, inner);
          else {
            walk(r + 8, r + 8 + ilen, inner);
            r += 8 + ilen;
          }
        }
        q = len === 0xffffffff ? r : v + len;
      } else if (len === 0xffffffff) {
        // Encapsulated Pixel Data: item lengths up to the delimiter.
        let r = v;
        while (r + 8 <= b.length) {
          const it = u16(r) * 0x10000 + u16(r + 2);
          if (it !== 0xfffee000) break;
          out.push({ at: r + 4, size: 4, le });
          r += 8 + u32(r + 4);
        }
        return out.length;
      } else q = v + len;
    }
    return q;
  };
  walk(p, b.length, explicit);
  return out;
};

/** Every value of a tree, items included. */
const values = (ds: Dataset): Uint8Array[] =>
  ds.elements().flatMap((e) => [...(e.value ? [e.value] : []), ...(e.items ?? []).flatMap(values)]);

const fingerprint = (ds: Dataset): string =>
  ds
    .elements()
    .filter((e) => (e.tag & 0xffff) !== 0)
    .map((e) =>
      e.items
        ? `${e.tag.toString(16)} SQ [${e.items.map(fingerprint).join('|')}]`
        : `${e.tag.toString(16)} ${e.vr} ${Buffer.from(e.value ?? []).toString('hex')}${(e.value?.length ?? 0) & 1 && !e.undefinedLength ? padByte(e.vr).toString(16).padStart(2, '0') : ''}`,
    )
    .join(';');

interface Tally {
  cases: number;
  ok: number;
  failed: number;
  slowest: number;
  problems: string[];
}

/** Reads one mutated file and checks every invariant; problems are collected, not thrown. */
const check = (bytes: Uint8Array, label: string, t: Tally): void => {
  t.cases++;
  const started = performance.now();
  let r: ReturnType<typeof readDicom>;
  try {
    r = readDicom(bytes);
  } catch (e) {
    t.problems.push(`${label}: threw ${String(e)}`);
    return;
  }
  t.slowest = Math.max(t.slowest, performance.now() - started);
  if (!r.ok) {
    t.failed++;
    if (r.error.message.length < 10 || /internal error|undefined(?! length)|NaN|\[object/.test(r.error.message)) {
      t.problems.push(`${label}: poor reason "${r.error.message}"`);
    }
    return;
  }
  t.ok++;
  const f = r.value;
  const lo = f.bytes.byteOffset;
  const hi = lo + f.bytes.length;
  for (const v of [...values(f.meta), ...values(f.dataset)]) {
    if (v.buffer !== f.bytes.buffer || v.byteOffset < lo || v.byteOffset + v.length > hi) {
      t.problems.push(`${label}: a value lies outside the buffer`);
      return;
    }
  }
  let written: Uint8Array;
  try {
    written = writePart10({ meta: f.meta, dataset: f.dataset, transferSyntax: f.transferSyntax });
  } catch (e) {
    t.problems.push(`${label}: read but cannot be written: ${String(e)}`);
    return;
  }
  const again = readDicom(written);
  if (!again.ok) t.problems.push(`${label}: written output cannot be read: ${again.error.message}`);
  else if (fingerprint(again.value.dataset) !== fingerprint(f.dataset)) {
    t.problems.push(`${label}: written output reads back differently`);
  }
};

describe('fuzzing the reader with mutated real files', () => {
  pydicomFiles(); // fails loudly if the corpus has not been fetched
  const random = prng(0x5eed);
  const pick = (n: number) => Math.floor(random() * n);

  for (const name of SEEDS) {
    it(`survives mutations of ${name}`, () => {
      const original = new Uint8Array(readFileSync(join(PYDICOM_DIR, name)));
      expect(readDicom(original).ok).toBe(true);
      const t: Tally = { cases: 0, ok: 0, failed: 0, slowest: 0, problems: [] };

      // Truncations: at every structural boundary we know of and at random offsets.
      const fields = lengthFields(original);
      const cuts = new Set<number>([0, 1, 8, 127, 128, 131, 132, 133, original.length - 1]);
      for (const f of fields) cuts.add(f.at).add(f.at + f.size);
      for (let i = 0; i < 60; i++) cuts.add(pick(original.length));
      for (const n of [...cuts].filter((n) => n >= 0 && n < original.length).slice(0, 120)) {
        check(original.subarray(0, n), `${name} cut at ${n}`, t);
      }

      // Bit flips, mostly in the header where the structure is.
      const headerEnd = Math.min(original.length, 4096);
      for (let i = 0; i < 100; i++) {
        const b = original.slice();
        const flips = 1 + pick(3);
        for (let j = 0; j < flips; j++) {
          const at = random() < 0.8 ? pick(headerEnd) : pick(original.length);
          b[at]! ^= 1 << pick(8);
        }
        check(b, `${name} bit flips #${i}`, t);
      }

      // Length-field edits: each found field set to a hostile value.
      expect(fields.length).toBeGreaterThan(5);
      for (let i = 0; i < 100; i++) {
        const f = fields[pick(fields.length)]!;
        const b = original.slice();
        const dv = new DataView(b.buffer);
        const old = f.size === 2 ? dv.getUint16(f.at, f.le) : dv.getUint32(f.at, f.le);
        const max = f.size === 2 ? 0xffff : 0xffffffff;
        const choices = [
          0,
          1,
          old + 1,
          old + 2,
          Math.max(0, old - 2),
          old * 2,
          max,
          max - 1,
          0x7fffffff,
          pick(max),
          b.length,
        ];
        const n = Math.min(max, choices[pick(choices.length)]!);
        if (f.size === 2) dv.setUint16(f.at, n, f.le);
        else dv.setUint32(f.at, n, f.le);
        check(b, `${name} length at ${f.at} ${old}→${n}`, t);
      }

      expect(t.problems.slice(0, 10)).toEqual([]);
      expect(t.slowest).toBeLessThan(2000);
      expect(t.cases).toBeGreaterThan(150);
    });
  }
});
