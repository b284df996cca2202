/**
 * The File Meta Information (group 0002, PS3.10 §7.1): always Explicit VR Little Endian, read
 * one element at a time so each defect names its element.
 */
import dicomParser from 'dicom-parser';
import { fail, ok, type Result } from '../ReadError.ts';
import { formatTag } from '../tag.ts';
import { isVR } from '../VR.ts';
import { chars, tagAt, u16, u32 } from './bytes.ts';
import { byteStream, DP_LONG, type Located, VR64 } from './dicomParser.ts';
import { findLayout } from './layout.ts';
import { runsPast } from './messages.ts';

/** Group 0002 as read: its elements, where it ends, and the Transfer Syntax UID it declares ('' if none). */
interface Meta {
  elements: Located[];
  end: number;
  transferSyntaxUID: string;
  /** A warning: the group length is wrong. */
  note?: string;
}

/** Reads group 0002 from `start` with dicom-parser, one element at a time, checking each. */
export const readMeta = (b: Uint8Array, start: number): Result<Meta> => {
  const stream = byteStream(b, true);
  const elements: Located[] = [];
  const scratch: string[] = [];
  let p = start;
  while (p + 4 <= b.length && u16(b, p, true) === 0x0002) {
    const t = tagAt(b, p, true);
    const where = `File Meta ${formatTag(t)}`;
    if (p + 8 > b.length) return fail('truncated', `${where}: the file ends inside the element's header`);
    const vr = chars(b, p + 4);
    if (!isVR(vr)) {
      return fail('malformed', `${where}: no valid VR (the File Meta must be Explicit VR Little Endian, PS3.10 §7.1)`);
    }
    if (vr === 'SQ' || VR64.has(vr)) return fail('malformed', `${where}: VR ${vr} is not allowed in the File Meta`);
    if (DP_LONG.has(vr) && p + 12 > b.length)
      return fail('truncated', `${where}: the file ends inside the element's header`);
    stream.position = p;
    const el = dicomParser.readDicomElementExplicit(stream, scratch);
    if (el.hadUndefinedLength) return fail('malformed', `${where}: undefined length is not allowed in the File Meta`);
    if (el.dataOffset + el.length > b.length)
      return fail('truncated', runsPast(where, el.length, b.length - el.dataOffset, 'file'));
    elements.push({ el, at: p });
    p = el.dataOffset + el.length;
  }
  const ts = elements.find((e) => e.el.tag === 'x00020010');
  const uid = ts
    ? ascii(b.subarray(ts.el.dataOffset, ts.el.dataOffset + ts.el.length))
        .replace(/[\0 ]+$/, '')
        .trim()
    : '';
  // The group length is informative only: the group ends where group 0002 does (as dcmtk and pydicom read it).
  const gl = elements.find((e) => e.el.tag === 'x00020000');
  let note: string | undefined;
  if (gl && gl.el.length === 4) {
    const claimed = u32(b, gl.el.dataOffset, true);
    const actual = p - (gl.el.dataOffset + 4);
    if (claimed !== actual) {
      note = `the File Meta group length (0002,0000) says ${claimed} bytes but the File Meta is ${actual} bytes`;
    }
  }
  return ok({ elements, end: p, transferSyntaxUID: uid, ...(note ? { note } : {}) });
};

/** A value as characters; the first 1 KB at most (a UID is 64), so a huge value cannot overflow the call. */
const ascii = (b: Uint8Array): string => String.fromCharCode(...b.subarray(0, 1024));

/** The Transfer Syntax UID the File Meta declares, from the start of a file; undefined if there is none. */
export const peekTransferSyntax = (b: Uint8Array): string | undefined => {
  const l = findLayout(b);
  if (!l.ok) return undefined;
  if (l.value.metaStart === undefined) return l.value.rawSyntax;
  const m = readMeta(b, l.value.metaStart);
  return m.ok && m.value.transferSyntaxUID ? m.value.transferSyntaxUID : undefined;
};
