/**
 * Which encoding a data set is in (Explicit or Implicit VR, little or big endian: PS3.5 §7),
 * judged from its first elements: to choose a transfer syntax when nothing declares one, and to
 * catch a File Meta that declares the wrong one.
 */
import {
  ExplicitVRBigEndian,
  ExplicitVRLittleEndian,
  ImplicitVRLittleEndian,
  type TransferSyntax,
} from '../TransferSyntax.ts';
import { groupOf } from '../tag.ts';
import { isVR, LONG_LENGTH } from '../VR.ts';
import { chars, tagAt, UNDEFINED_LENGTH, u16, u32 } from './bytes.ts';
import { isNamedSyntax, tsName } from './messages.ts';

type Encoding = { explicit: boolean; le: boolean };
const IMPLICIT: Encoding = { explicit: false, le: true };
const EXPLICIT_LE: Encoding = { explicit: true, le: true };
const EXPLICIT_BE: Encoding = { explicit: true, le: false };

/**
 * How many consecutive data elements (up to 8) the bytes at `pos` read as in this encoding: known
 * VRs (explicit), lengths that fit, ascending tags. `clean` means the scan stopped for a harmless
 * reason (enough elements, the end of the bytes, a value of undefined length it cannot skip)
 * rather than at something impossible. `strict` (a raw file with nothing else to go on) also
 * wants the low even group a data set starts with, so random bytes are not taken for DICOM.
 */
const scan = (b: Uint8Array, pos: number, enc: Encoding, strict: boolean): { n: number; clean: boolean } => {
  let p = pos;
  let prev = -1;
  let n = 0;
  const stop = (clean: boolean) => ({ n, clean });
  for (; n < 8; n++) {
    // A later element may run past a partial read (a header-only prefix); the first may not.
    if (p + 8 > b.length) return stop(n > 0 && (p === b.length || !strict || n > 1));
    const t = tagAt(b, p, enc.le);
    const g = groupOf(t);
    if (t <= prev || g === 0xfffe || g === 0xffff) return stop(false);
    if (strict && n === 0 && (g < 0x0002 || g > 0x0030 || g & 1)) return stop(false);
    let len: number;
    let hdr = 8;
    let vr = '';
    if (enc.explicit) {
      vr = chars(b, p + 4);
      if (!isVR(vr)) return stop(false);
      if (LONG_LENGTH.has(vr)) {
        if (p + 12 > b.length) return stop(n > 0);
        len = u32(b, p + 8, enc.le);
        hdr = 12;
      } else len = u16(b, p + 6, enc.le);
    } else len = u32(b, p + 4, enc.le);
    if (len === UNDEFINED_LENGTH) {
      const ok = !enc.explicit || vr === 'SQ' || vr === 'UN' || vr === 'OB' || vr === 'OW';
      return ok ? { n: n + 1, clean: true } : stop(false);
    }
    if (p + hdr + len > b.length) return stop(n > 0);
    prev = t;
    p += hdr + len;
  }
  return stop(true);
};

/**
 * The transfer syntax whose encoding the data set at `pos` is in, if it is recognisable: the
 * encoding that reads the most elements cleanly (ties: Explicit LE, Explicit BE, Implicit LE).
 * Without `strict`, a start that passes the strict test still wins over a lenient match.
 */
export const detectSyntax = (b: Uint8Array, pos: number, strict: boolean): string | undefined => {
  if (!strict) {
    const s = detectSyntax(b, pos, true);
    if (s) return s;
  }
  let best: string | undefined;
  let bestN = 0;
  for (const [enc, uid] of [
    [EXPLICIT_LE, ExplicitVRLittleEndian],
    [EXPLICIT_BE, ExplicitVRBigEndian],
    [IMPLICIT, ImplicitVRLittleEndian],
  ] as const) {
    const { n, clean } = scan(b, pos, enc, strict);
    if (n > 0 && clean && n > bestN) {
      best = uid;
      bestN = n;
    }
  }
  return best;
};

/** A declared transfer syntax the data set plainly is not encoded in (PS3.10 §7.1 requires they agree). */
export const checkDeclared = (b: Uint8Array, pos: number, ts: TransferSyntax): string | undefined => {
  const enc: Encoding = { explicit: ts.explicitVR, le: ts.littleEndian };
  // Only when not even the first element reads in the declared encoding, and another reads well.
  if (pos >= b.length || scan(b, pos, enc, false).n > 0) return undefined;
  const actual = [EXPLICIT_LE, EXPLICIT_BE, IMPLICIT].find((e) => {
    if (e.explicit === enc.explicit && e.le === enc.le) return false;
    const r = scan(b, pos, e, false);
    return r.n > 0 && r.clean;
  });
  if (!actual) return undefined; // neither: let the parse say what is wrong
  const encName = (e: Encoding) =>
    e.explicit ? `Explicit VR ${e.le ? 'Little' : 'Big'} Endian` : 'Implicit VR Little Endian';
  const what = !isNamedSyntax(ts.uid)
    ? ', which Veil does not know (read as Explicit VR Little Endian),'
    : ts.encapsulated || ts.deflated
      ? `, which uses ${encName(enc)},`
      : '';
  return `the File Meta declares ${tsName(ts.uid)}${what} but the data set is encoded in ${encName(actual)}`;
};

/** Several plain Explicit VR LE elements at `pos`: a data set declared deflated that is not. */
export const isPlainExplicitLE = (b: Uint8Array, pos: number): boolean => {
  const { n, clean } = scan(b, pos, EXPLICIT_LE, false);
  return n > 1 && clean;
};
