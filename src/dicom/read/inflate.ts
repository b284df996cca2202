/** Deflated Explicit VR Little Endian (PS3.5 §A.5): the data set after the File Meta is one raw deflate stream. */
import { Inflate } from 'fflate';
import { fail, formatBytes, ok, type Result } from '../ReadError.ts';
import { messageOf } from './messages.ts';

/** Refuse to inflate a deflated data set beyond this: a few KB of deflate can claim gigabytes. */
const MAX_INFLATED = 1024 ** 3;

/**
 * The file with everything from `start` inflated: bytes before `start` (the File Meta) are kept,
 * so every value is a view of one buffer. Fails on a corrupt or truncated stream, or one that
 * would inflate past 1 GB.
 */
export const inflate = (b: Uint8Array, start: number): Result<Uint8Array> => {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const inf = new Inflate((chunk) => {
    total += chunk.length;
    if (total <= MAX_INFLATED) chunks.push(chunk);
  });
  const step = 1 << 16;
  try {
    for (let p = start; p < b.length && total <= MAX_INFLATED; p += step) {
      inf.push(b.subarray(p, Math.min(b.length, p + step)), p + step >= b.length);
    }
  } catch (e) {
    const m = messageOf(e);
    if (/unexpected EOF/i.test(m)) return fail('truncated', 'the deflated data set ends early: the file is truncated');
    return fail('malformed', `the deflated data set is corrupt (${m.replace(/^Error: /, '')})`);
  }
  if (total > MAX_INFLATED) {
    return fail('unsupported', `the deflated data set inflates to more than ${formatBytes(MAX_INFLATED)}: refused`);
  }
  // One copy is unavoidable here: the File Meta and the inflated data set share one buffer so
  // every value is a view of `DicomFile.bytes`.
  const out = new Uint8Array(start + total);
  out.set(b.subarray(0, start));
  let o = start;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return ok(out);
};
