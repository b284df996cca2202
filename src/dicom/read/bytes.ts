/**
 * Numbers, tags and VR characters read straight from a buffer, in either byte order. Callers
 * check bounds first: these never do.
 */
import type { Tag } from '../tag.ts';

export { UNDEFINED_LENGTH } from '../tag.ts';

/** Pixel Data (7FE0,0010): where a header-only read stops, and the one element that may be encapsulated. */
export const PIXEL_DATA = 0x7fe00010;

/** An unsigned 16-bit number at `p`. */
export const u16 = (b: Uint8Array, p: number, le: boolean): number =>
  le ? b[p]! | (b[p + 1]! << 8) : (b[p]! << 8) | b[p + 1]!;

/** An unsigned 32-bit number at `p` (arithmetic, not `<<`, for the top byte so it stays positive). */
export const u32 = (b: Uint8Array, p: number, le: boolean): number =>
  le
    ? (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16)) + b[p + 3]! * 0x1000000
    : b[p]! * 0x1000000 + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);

/** The tag at `p`: group then element, each in the data set's byte order (PS3.5 §7.1). */
export const tagAt = (b: Uint8Array, p: number, le: boolean): Tag =>
  (u16(b, p, le) * 0x10000 + u16(b, p + 2, le)) >>> 0;

/** Two characters at `p`, as an Explicit VR's VR field; NUL past the end, so it is never a VR there. */
export const chars = (b: Uint8Array, p: number): string => String.fromCharCode(b[p] ?? 0, b[p + 1] ?? 0);
