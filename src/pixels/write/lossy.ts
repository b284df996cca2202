/**
 * Which transfer syntaxes lose information, and the method name each writes in Lossy Image
 * Compression Method (0028,2114), PS3.3 C.7.6.1.1.5.1 (defined terms).
 */

/** A lossy family: its method name. */
interface LossyFamily {
  method: string;
}

const JPEG: LossyFamily = { method: 'ISO_10918_1' };
const JPEG_LS: LossyFamily = { method: 'ISO_14495_1' };
const J2K: LossyFamily = { method: 'ISO_15444_1' };
const HTJ2K: LossyFamily = { method: 'ISO_15444_15' };

/**
 * Transfer syntaxes whose pixels may have lost information. JPEG 2000 (4.91) and HTJ2K (4.203)
 * allow both reversible and irreversible coding; Veil cannot tell which from the syntax alone, so
 * it counts them lossy: recording a lossy step that did not happen loses nothing, while failing to
 * record one that did would let a copy pass for an original (PS3.3 C.7.6.1.1.5: once lossy,
 * always recorded). JPEG-LS near-lossless (4.81) is counted lossy for the same reason.
 */
const LOSSY: Readonly<Record<string, LossyFamily>> = {
  '1.2.840.10008.1.2.4.50': JPEG,
  '1.2.840.10008.1.2.4.51': JPEG,
  '1.2.840.10008.1.2.4.81': JPEG_LS,
  '1.2.840.10008.1.2.4.91': J2K,
  '1.2.840.10008.1.2.4.203': HTJ2K,
};

/** The lossy method of a transfer syntax, or undefined when its pixels are exact. */
export const lossyMethodOf = (transferSyntaxUID: string): string | undefined => LOSSY[transferSyntaxUID]?.method;
