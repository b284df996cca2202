/**
 * Diagnosis: when dicom-parser throws or leaves something unread, walk the bytes it failed in and
 * say which element is wrong and how, as dcmdump would.
 */
import { lookup } from '../dictionary.ts';
import { fail, type ReadError, type Result } from '../ReadError.ts';
import type { TransferSyntax } from '../TransferSyntax.ts';
import { formatTag, ITEM, ITEM_DELIMITATION, SEQUENCE_DELIMITATION } from '../tag.ts';
import { isVR, LONG_LENGTH } from '../VR.ts';
import { chars, PIXEL_DATA, tagAt, UNDEFINED_LENGTH, u16, u32 } from './bytes.ts';
import { VR64 } from './dicomParser.ts';
import {
  label,
  messageOf,
  noDelimiter,
  noItemDelimiter,
  nonZeroDelimiter,
  notAnElement,
  runsPast,
  tooDeep,
  unsupported64,
  where,
} from './messages.ts';

/** Where a walk is in the data set: what encoding applies there and how it got there. */
export interface Scope {
  /** Explicit VR here (false inside an Implicit VR file and inside a UN sequence, PS3.5 §6.2.2). */
  explicit: boolean;
  depth: number;
  /** The elements and items enclosing this point, for messages. */
  path: string[];
  /** Implicit VR takes VRs from the dictionary; not inside a UN sequence, where dicom-parser has none. Default true. */
  dictionary?: boolean;
}

/** The first defect in the elements from `at` to `limit`, if the walk finds one. */
export const findDefect = (
  buf: Uint8Array,
  le: boolean,
  maxDepth: number,
  at: number,
  limit: number,
  scope: Scope,
): ReadError | undefined => new Walker(buf, le, maxDepth).dataset(at, limit, limit, scope).defect;

/** Explains a dicom-parser exception thrown while reading the top-level element at `at`. */
export const diagnose = (
  buf: Uint8Array,
  at: number,
  ts: TransferSyntax,
  maxDepth: number,
  e: unknown,
): Result<never> => {
  const defect = findDefect(buf, ts.littleEndian, maxDepth, at, buf.length, {
    explicit: ts.explicitVR,
    depth: 0,
    path: [],
  });
  if (defect) return { ok: false, error: defect };
  const m = messageOf(e);
  if (/call stack/i.test(m)) return fail('too-deep', tooDeep([], maxDepth));
  const name = at + 4 <= buf.length ? formatTag(tagAt(buf, at, ts.littleEndian)) : `byte ${at}`;
  if (/past end|overrun|overread|out of bounds|RangeError/i.test(m)) {
    return fail('truncated', `${name}: the data runs past the end of the file: it is truncated or a length is wrong`);
  }
  return fail('malformed', `${name} at byte ${at} cannot be parsed (${m.replace(/^dicomParser\.?[\w.]*:?\s*/, '')})`);
};

type Step = { defect?: ReadError; end: number };

/**
 * A minimal structural walk over tags and lengths, with every bound checked and nesting limited,
 * used only to explain failures. It decides what is a sequence the way dicom-parser does. A
 * sequence or item whose declared length runs past the file is still walked, so a truncated file
 * names the innermost element that was cut, as dcmdump does.
 */
class Walker {
  constructor(
    private readonly b: Uint8Array,
    private readonly le: boolean,
    private readonly maxDepth: number,
  ) {}

  /**
   * Elements from `pos` to `end` (undefined: up to an Item Delimitation Item), never reading past
   * `limit`. `overrun` is the defect to report if the bytes run out between elements: the
   * enclosing item's or sequence's declared length.
   */
  dataset(pos: number, end: number | undefined, limit: number, scope: Scope, overrun?: ReadError): Step {
    const b = this.b;
    const { explicit, depth, path } = scope;
    const dictionary = scope.dictionary ?? true;
    while (end === undefined || pos < end) {
      if (pos + 8 > limit) return this.outOfBytes(pos, limit, path, overrun, end === undefined);
      const t = tagAt(b, pos, this.le);
      const name = label([...path, formatTag(t)]);
      if (t === ITEM_DELIMITATION || t === SEQUENCE_DELIMITATION) {
        if (u32(b, pos + 4, this.le) !== 0) return this.defect('malformed', nonZeroDelimiter(name, pos), pos);
        if (t === ITEM_DELIMITATION && end === undefined) return { end: pos + 8 };
        pos += 8;
        continue;
      }
      if (t >>> 16 === 0xfffe) return this.defect('malformed', notAnElement(name, t, pos), pos);
      let vr = '';
      let len: number;
      let hdr = 8;
      if (explicit) {
        vr = chars(b, pos + 4);
        if (isVR(vr) && LONG_LENGTH.has(vr)) {
          if (pos + 12 > limit) return this.outOfBytes(pos, limit, path, overrun, end === undefined);
          len = u32(b, pos + 8, this.le);
          hdr = 12;
        } else len = u16(b, pos + 6, this.le);
        if (VR64.has(vr)) return this.defect('unsupported', unsupported64(name, vr), pos);
      } else {
        // Inside a UN sequence dicom-parser has no dictionary and sniffs for items instead.
        vr = dictionary ? (lookup(t)?.vr ?? '') : '';
        len = u32(b, pos + 4, this.le);
      }
      const v = pos + hdr;
      const peek = v + 4 <= limit ? tagAt(b, v, this.le) : -1;
      const sequence = explicit
        ? vr === 'SQ' || (vr === 'UN' && len === UNDEFINED_LENGTH)
        : vr
          ? vr === 'SQ'
          : (peek === ITEM || peek === SEQUENCE_DELIMITATION) && (!((t >>> 16) & 1) || len === UNDEFINED_LENGTH);
      const unSequence = explicit && vr === 'UN' && len === UNDEFINED_LENGTH;
      const inner: Scope = {
        explicit: explicit && !unSequence,
        depth: depth + 1,
        path: [...path, formatTag(t)],
        dictionary: dictionary && !unSequence,
      };
      if (len === UNDEFINED_LENGTH) {
        let r: Step;
        if (sequence) r = this.items(v, undefined, limit, inner);
        else if (explicit && t === PIXEL_DATA) r = this.fragments(v, limit, name);
        else {
          return this.defect(
            'malformed',
            `${name}: undefined length is only allowed for sequences and encapsulated Pixel Data (PS3.5 §7.1.2)`,
            pos,
          );
        }
        if (r.defect) return r;
        pos = r.end;
        continue;
      }
      const over = v + len > limit ? this.runsPast(name, len, limit - v, limit) : undefined;
      if (sequence) {
        const r = this.items(v, v + len, Math.min(v + len, limit), inner, over);
        if (r.defect) return r;
      } else if (over) return { defect: over, end: pos };
      pos = v + len;
    }
    return { end: pos };
  }

  /** The items of a sequence whose value starts at `pos`; `scope` is the sequence's. */
  private items(pos: number, end: number | undefined, limit: number, scope: Scope, overrun?: ReadError): Step {
    const { path } = scope;
    const name = label(path);
    if (scope.depth > this.maxDepth) {
      return this.defect('too-deep', tooDeep(path, this.maxDepth), pos);
    }
    for (let i = 1; ; i++) {
      if (end !== undefined && pos === end) return { end: pos };
      if (pos + 8 > limit) {
        if (overrun) return { defect: overrun, end: pos };
        if (end === undefined && limit === this.b.length) {
          return this.defect('truncated', noDelimiter(name, 'sequence'), pos);
        }
        return this.defect(
          'malformed',
          `${name}: item ${i}'s header runs past the end of the ${end === undefined ? 'item' : 'sequence'}`,
          pos,
        );
      }
      const t = tagAt(this.b, pos, this.le);
      const len = u32(this.b, pos + 4, this.le);
      if (t === SEQUENCE_DELIMITATION && end === undefined) {
        if (len !== 0) return this.defect('malformed', nonZeroDelimiter(label([...path, formatTag(t)]), pos), pos);
        return { end: pos + 8 };
      }
      if (t !== ITEM) {
        return this.defect(
          'malformed',
          `${name}: expected item ${i} (FFFE,E000) at byte ${pos} but found ${formatTag(t)}`,
          pos,
        );
      }
      const item: Scope = { ...scope, path: [...path.slice(0, -1), `${path.at(-1)} item ${i}`] };
      let r: Step;
      if (len === UNDEFINED_LENGTH) r = this.dataset(pos + 8, undefined, limit, item);
      else {
        const over =
          pos + 8 + len > limit ? this.runsPast(`${name} item ${i}`, len, limit - pos - 8, limit) : undefined;
        r = this.dataset(pos + 8, pos + 8 + len, Math.min(pos + 8 + len, limit), item, over);
      }
      if (r.defect) return r;
      pos = r.end;
    }
  }

  /** The fragments of encapsulated Pixel Data (PS3.5 §A.4), up to its Sequence Delimitation Item. */
  private fragments(pos: number, limit: number, name: string): Step {
    for (let i = 0; ; i++) {
      if (pos + 8 > limit) return this.defect('truncated', noDelimiter(name, 'encapsulated Pixel Data'), pos);
      const t = tagAt(this.b, pos, this.le);
      const len = u32(this.b, pos + 4, this.le);
      if (t === SEQUENCE_DELIMITATION) return { end: pos + 8 };
      if (t !== ITEM) {
        return this.defect(
          'malformed',
          `${name}: expected fragment ${i} (FFFE,E000) at byte ${pos} but found ${formatTag(t)}`,
          pos,
        );
      }
      if (pos + 8 + len > limit)
        return { defect: this.runsPast(`${name} fragment ${i}`, len, limit - pos - 8, limit), end: pos };
      pos += 8 + len;
    }
  }

  /** The bytes ran out at `pos`, between or inside element headers. */
  private outOfBytes(
    pos: number,
    limit: number,
    path: string[],
    overrun: ReadError | undefined,
    delimited: boolean,
  ): Step {
    if (overrun) return { defect: overrun, end: pos };
    const atEnd = limit === this.b.length;
    if (delimited && atEnd) return this.defect('truncated', noItemDelimiter(where(path)), pos);
    const what = pos + 4 <= limit ? `the header of ${formatTag(tagAt(this.b, pos, this.le))}` : 'an element header';
    const message = atEnd
      ? `${where(path)}the file ends inside ${what} at byte ${pos}`
      : `${where(path)}${what} at byte ${pos} runs past the end of the item`;
    return this.defect(atEnd ? 'truncated' : 'malformed', message, pos);
  }

  /** An overrun is a truncation at the end of the file, and a wrong length inside it. */
  private runsPast(name: string, declared: number, remain: number, limit: number): ReadError {
    const atEnd = limit === this.b.length;
    return {
      kind: atEnd ? 'truncated' : 'malformed',
      message: runsPast(name, declared, remain, atEnd ? 'file' : 'item'),
    };
  }

  private defect(kind: ReadError['kind'], message: string, at: number): Step {
    return { defect: { kind, message }, end: at };
  }
}
