/**
 * How a file is laid out before its data set: the 128-byte preamble and "DICM" (PS3.10 §7.1), a
 * File Meta without them, or a raw data set with no File Meta at all; and, when it is none of
 * these, whether it is damaged DICOM or not DICOM.
 */
import { fail, ok, type Result } from '../ReadError.ts';
import { ExplicitVRBigEndian } from '../TransferSyntax.ts';
import { formatTag } from '../tag.ts';
import { isVR } from '../VR.ts';
import { chars, tagAt, u16 } from './bytes.ts';
import { detectSyntax } from './encoding.ts';
import { hex2 } from './messages.ts';

/** Where the File Meta starts, or which syntax a raw data set uses. */
interface Layout {
  part10: boolean;
  /** Where group 0002 starts; undefined for a raw data set. */
  metaStart: number | undefined;
  /** A raw data set's detected transfer syntax. */
  rawSyntax: string;
  /** A warning: the layout is not the standard one but can be read. */
  note?: string;
}

const isDICM = (b: Uint8Array, p: number): boolean =>
  b[p] === 0x44 && b[p + 1] === 0x49 && b[p + 2] === 0x43 && b[p + 3] === 0x4d;

/** The layout of a file from its first bytes; 'not-dicom', or 'malformed' for DICOM damaged at its start. */
export const findLayout = (b: Uint8Array): Result<Layout> => {
  if (b.length >= 132 && isDICM(b, 128)) return ok({ part10: true, metaStart: 132, rawSyntax: '' });
  const raw = { part10: false, rawSyntax: '' };
  if (b.length >= 4 && isDICM(b, 0) && b.length >= 12 && u16(b, 4, true) === 2) {
    return ok({ ...raw, metaStart: 4, note: 'the file has no 128-byte preamble before "DICM" (PS3.10 §7.1)' });
  }
  if (b.length >= 8 && u16(b, 0, true) === 2 && isVR(chars(b, 4))) {
    return ok({ ...raw, metaStart: 0, note: 'the file has no preamble and no "DICM" marker before its File Meta' });
  }
  const syntax = detectSyntax(b, 0, true);
  if (syntax) return ok({ ...raw, metaStart: undefined, rawSyntax: syntax });
  // Not DICOM as it stands; say what is wrong if it is damaged DICOM rather than something else.
  for (let p = 0; p + 4 <= Math.min(b.length, 1024); p++) {
    if (p !== 128 && isDICM(b, p) && p + 6 <= b.length && u16(b, p + 4, true) === 2) {
      return fail('malformed', `the "DICM" marker is at byte ${p} instead of byte 128: the file's preamble is damaged`);
    }
  }
  for (let k = 1; k <= 16 && k + 8 <= b.length; k++) {
    const s = detectSyntax(b, k, true);
    if (s) {
      const stray = [...b.subarray(0, k)].map(hex2).join(' ');
      const first = formatTag(tagAt(b, k, s !== ExplicitVRBigEndian));
      return fail(
        'malformed',
        `the file starts with ${k} stray byte${k > 1 ? 's' : ''} (${stray}) before a data set beginning with ${first} at byte ${k}; it has no File Meta, so it cannot be read safely`,
      );
    }
  }
  return fail('not-dicom', 'not a DICOM file: no "DICM" marker at byte 128 and the start is not a DICOM data element');
};

interface Sniffed {
  part10: boolean;
  metaWithoutPreamble: boolean;
  rawSyntax: string;
  /** DICOM damaged at its very start (stray bytes, a misplaced "DICM"): what is wrong with it. */
  damaged?: string;
}

/**
 * Recognises DICOM by content, not by name (CD files have no extension): "DICM" at 128, File
 * Meta without a preamble, or a raw data set whose first elements are plausible (low even group,
 * sane lengths, ascending tags). Works on the first few KB of a file. DICOM damaged at its start
 * is recognised too (with `damaged` saying how), so it is reported as a broken DICOM file rather
 * than passed over as something else.
 */
export const sniff = (b: Uint8Array): Sniffed | undefined => {
  const l = findLayout(b);
  if (!l.ok) {
    if (l.error.kind === 'not-dicom') return undefined;
    return { part10: false, metaWithoutPreamble: false, rawSyntax: '', damaged: l.error.message };
  }
  return {
    part10: l.value.part10,
    metaWithoutPreamble: !l.value.part10 && l.value.metaStart !== undefined,
    rawSyntax: l.value.rawSyntax,
  };
};
