import { decodeText } from '../src/dicom/charset.ts';
import type { Dataset, Element } from '../src/dicom/Dataset.ts';
import { keywordOf } from '../src/dicom/dictionary.ts';
import { formatTag, isPrivate, isPrivateCreator } from '../src/dicom/tag.ts';
import { STRING } from '../src/dicom/VR.ts';
import { charsetOf } from '../src/dicom/values.ts';
import type { TagRow, TagStatus } from './api.ts';

/**
 * The tag table: every attribute of the original beside the same attribute of the output, at
 * every depth, matched by position (tag path and item number). Values are shown as short text;
 * pixel data and other binary values only by size.
 */

const MAX_TEXT = 200;
const MAX_NUMBERS = 16;

interface Flat {
  /** Tags and item numbers from the top: rows sort by it, parents before their children. */
  key: number[];
  path: string;
  depth: number;
  keyword: string;
  vr: string;
  value: string;
}

const NUMERIC: Record<string, [number, (dv: DataView, o: number, le: boolean) => number]> = {
  US: [2, (dv, o, le) => dv.getUint16(o, le)],
  SS: [2, (dv, o, le) => dv.getInt16(o, le)],
  UL: [4, (dv, o, le) => dv.getUint32(o, le)],
  SL: [4, (dv, o, le) => dv.getInt32(o, le)],
  FL: [4, (dv, o, le) => dv.getFloat32(o, le)],
  FD: [8, (dv, o, le) => dv.getFloat64(o, le)],
};

/** A value as a person would read it. */
const show = (e: Element, cs: string, le: boolean): string => {
  if (e.items) return `sequence of ${e.items.length} item${e.items.length === 1 ? '' : 's'}`;
  const v = e.value ?? new Uint8Array(0);
  if (e.tag === 0x7fe00010) return `pixel data, ${v.length.toLocaleString('en')} bytes`;
  if (STRING.has(e.vr)) {
    const s = decodeText(v, e.vr, cs).replace(/[\0 ]+$/, '');
    return s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}…` : s;
  }
  const num = NUMERIC[e.vr];
  if (num) {
    const [size, get] = num;
    const dv = new DataView(v.buffer, v.byteOffset, v.byteLength);
    const count = Math.floor(v.length / size);
    const vals: string[] = [];
    for (let i = 0; i < Math.min(count, MAX_NUMBERS); i++) vals.push(String(get(dv, i * size, le)));
    return vals.join('\\') + (count > MAX_NUMBERS ? `\\… (${count} values)` : '');
  }
  if (e.vr === 'AT' && v.length >= 4) {
    const dv = new DataView(v.buffer, v.byteOffset, v.byteLength);
    return formatTag(((dv.getUint16(0, le) << 16) | dv.getUint16(2, le)) >>> 0);
  }
  return `binary, ${v.length.toLocaleString('en')} bytes`;
};

const flatten = (
  ds: Dataset,
  le: boolean,
  inherited = '',
  prefix = '',
  parentKey: number[] = [],
  out: Flat[] = [],
): Flat[] => {
  const cs = charsetOf(ds, inherited);
  for (const e of ds.elements()) {
    const path = prefix ? `${prefix} > ${formatTag(e.tag)}` : formatTag(e.tag);
    const key = [...parentKey, e.tag];
    const keyword =
      keywordOf(e.tag) ?? (isPrivateCreator(e.tag) ? 'Private Creator' : isPrivate(e.tag) ? 'private' : 'unknown');
    out.push({ key, path, depth: parentKey.length / 2, keyword, vr: e.vr, value: show(e, cs, le) });
    e.items?.forEach((item, i) => {
      flatten(item, le, cs, `${path}[${i + 1}]`, [...key, i], out);
    });
  }
  return out;
};

/** Depth-first order: by tag, then item, a parent before its children. */
const compareKeys = (a: number[], b: number[]): number => {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
};

/** Rows for the original and the output (output undefined when the file was withheld). */
export const tagRows = (
  before: { meta: Dataset; dataset: Dataset; le: boolean },
  after?: { meta: Dataset; dataset: Dataset; le: boolean },
): TagRow[] => {
  const a = [...flatten(before.meta, true), ...flatten(before.dataset, before.le)];
  const b = after ? [...flatten(after.meta, true), ...flatten(after.dataset, after.le)] : [];
  // Both lists are in depth-first tag order: merge them, pairing rows at the same position.
  const rows: TagRow[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    const c = !x ? 1 : !y ? -1 : compareKeys(x.key, y.key);
    if (c === 0) {
      const status: TagStatus = x!.value === y!.value ? 'kept' : 'replaced';
      rows.push({
        path: x!.path,
        depth: x!.depth,
        keyword: x!.keyword,
        vr: x!.vr,
        before: x!.value,
        after: y!.value,
        status,
      });
      i++;
      j++;
    } else if (c < 0) {
      rows.push({
        path: x!.path,
        depth: x!.depth,
        keyword: x!.keyword,
        vr: x!.vr,
        before: x!.value,
        after: undefined,
        status: 'removed',
      });
      i++;
    } else {
      rows.push({
        path: y!.path,
        depth: y!.depth,
        keyword: y!.keyword,
        vr: y!.vr,
        before: undefined,
        after: y!.value,
        status: 'added',
      });
      j++;
    }
  }
  return rows;
};
