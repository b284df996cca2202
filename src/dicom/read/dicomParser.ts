/**
 * What the reader relies on, and works around, in dicom-parser: it reads the elements, and Veil
 * checks every offset it hands back.
 */
import dicomParser from 'dicom-parser';
import { lookup } from '../dictionary.ts';
import { parseTag } from '../tag.ts';
import { LONG_LENGTH, type VR } from '../VR.ts';

/** A dicom-parser element and the offset of its tag, which dicom-parser does not keep. */
export interface Located {
  el: dicomParser.Element;
  /** Offset of the element's tag. */
  at: number;
}

/** 64-bit VRs (2019) with a 4-byte length that dicom-parser reads with a 2-byte one. */
export const VR64: ReadonlySet<string> = new Set<VR>(['OV', 'SV', 'UV']);

/** VRs dicom-parser reads with a 4-byte length in Explicit VR: the standard's, less the 64-bit ones it does not know. */
export const DP_LONG: ReadonlySet<string> = new Set([...LONG_LENGTH].filter((vr) => !VR64.has(vr)));

/** A stream over `buf` in the data set's byte order, positioned by the caller before each read. */
export const byteStream = (buf: Uint8Array, le: boolean): dicomParser.ByteStream =>
  new dicomParser.ByteStream(
    le ? dicomParser.littleEndianByteArrayParser : dicomParser.bigEndianByteArrayParser,
    buf,
    0,
  );

/**
 * dicom-parser's Implicit VR hook: the dictionary VR, or undefined so it sniffs for sequence items
 * (its typings say string, but undefined is what it checks for).
 */
export const vrCallback = ((t: string) => lookup(parseTag(t))?.vr) as (tag: string) => string;
