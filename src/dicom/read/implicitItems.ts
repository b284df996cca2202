/**
 * Sequence items dicom-parser does not hand back, parsed again as Implicit VR Little Endian: the
 * items of private sequences in an Implicit VR data set (it drops them, or skips a defined-length
 * sequence whole) and of standard sequences sent as UN (PS3.5 §6.2.2).
 */
import dicomParser from 'dicom-parser';
import { ITEM, SEQUENCE_DELIMITATION } from '../tag.ts';
import { tagAt, UNDEFINED_LENGTH } from './bytes.ts';
import { byteStream, vrCallback } from './dicomParser.ts';

/** One file's parses-again, sharing one budget of work. */
export class ImplicitItems {
  /**
   * How many more elements dicom-parser may read while parsing sequences again: each nested level
   * parses everything below it again, so without a bound a file of many elements in deeply nested
   * private sequences would take minutes. Generous for real files.
   */
  private budget: number;

  constructor(
    private readonly buf: Uint8Array,
    private readonly le: boolean,
  ) {
    this.budget = 2_000_000 + buf.length / 2;
  }

  /** The value of `el` starts with an Item (or, for undefined length, ends at once): it can be a sequence. */
  startsWithItem(el: dicomParser.Element, undef: boolean): boolean {
    const p = el.dataOffset;
    if (p + 8 > this.buf.length || (!undef && el.length < 8)) return false;
    const t = tagAt(this.buf, p, this.le);
    return t === ITEM || (undef && t === SEQUENCE_DELIMITATION);
  }

  /**
   * A copy of `el` with its items parsed as Implicit VR; undefined if they cannot be parsed,
   * 'exhausted' when the budget ran out first.
   */
  parse(el: dicomParser.Element, undef: boolean): dicomParser.Element | 'exhausted' | undefined {
    const stream = byteStream(this.buf, this.le);
    const exhausted = new Error('budget');
    // dicom-parser asks for the VR of every Implicit VR element it reads: count them there.
    const counting = ((t: string) => {
      if (--this.budget < 0) throw exhausted;
      return vrCallback(t);
    }) as typeof vrCallback;
    stream.position = el.dataOffset;
    const copy: dicomParser.Element = {
      tag: el.tag,
      length: undef ? UNDEFINED_LENGTH : el.length,
      dataOffset: el.dataOffset,
      hadUndefinedLength: undef,
    };
    try {
      dicomParser.readSequenceItemsImplicit(stream, copy, counting);
    } catch (e) {
      return e === exhausted ? 'exhausted' : undefined;
    }
    return copy;
  }
}
