/** Encapsulated Pixel Data (PS3.5 §A.4): a Basic Offset Table item and fragments, up to a Sequence Delimitation Item. */
import type dicomParser from 'dicom-parser';
import type { Element } from '../Dataset.ts';
import { fail, ok, type Result } from '../ReadError.ts';
import type { TransferSyntax } from '../TransferSyntax.ts';
import { formatTag, ITEM, SEQUENCE_DELIMITATION, type Tag } from '../tag.ts';
import type { VR } from '../VR.ts';
import { tagAt, UNDEFINED_LENGTH, u32 } from './bytes.ts';
import { noDelimiter, runsPast, tsName } from './messages.ts';

/**
 * Checks the items of Pixel Data of undefined length that dicom-parser found encapsulated, and
 * keeps them as one value (offset table and fragments with their item headers) for the writer.
 * `name` is the element's label for messages.
 */
export const encapsulatedPixelData = (
  buf: Uint8Array,
  ts: TransferSyntax,
  el: dicomParser.Element,
  t: Tag,
  name: string,
): Result<{ element: Element; next: number }> => {
  if (!ts.encapsulated) {
    return fail(
      'malformed',
      `${name}: Pixel Data is encapsulated (undefined length) but ${tsName(ts.uid)} is not a compressed transfer syntax`,
    );
  }
  // dicom-parser leaves the length undefined when it found no delimiter.
  if (el.length === UNDEFINED_LENGTH) return fail('truncated', noDelimiter(name, 'encapsulated Pixel Data'));
  const le = ts.littleEndian;
  const end = el.dataOffset + el.length;
  let p = el.dataOffset;
  for (let i = 0; ; i++) {
    if (p + 8 > end) return fail('truncated', noDelimiter(name, 'encapsulated Pixel Data'));
    const tag = tagAt(buf, p, le);
    const len = u32(buf, p + 4, le);
    if (tag === SEQUENCE_DELIMITATION && i > 0) {
      if (len !== 0) return fail('malformed', `${name}: the Sequence Delimitation Item has a non-zero length`);
      p += 8;
      break;
    }
    if (tag !== ITEM) {
      const what = i === 0 ? 'the Basic Offset Table item' : `fragment ${i}`;
      return fail('malformed', `${name}: expected ${what} (FFFE,E000) at byte ${p} but found ${formatTag(tag)}`);
    }
    if (len === UNDEFINED_LENGTH || p + 8 + len > end) {
      return fail('truncated', runsPast(`${name} fragment ${i}`, len, end - p - 8, 'file'));
    }
    p += 8 + len;
  }
  if (p !== end) return fail('malformed', `${name}: the encapsulated Pixel Data does not end at its delimiter`);
  return ok({
    element: {
      tag: t,
      vr: (el.vr === 'OW' ? 'OW' : 'OB') as VR,
      value: buf.subarray(el.dataOffset, end),
      undefinedLength: true,
    },
    next: end,
  });
};
