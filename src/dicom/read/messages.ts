/**
 * Wording shared by the reader's messages, so one defect reads the same wherever it is found.
 * Tests and callers match on these texts: change them only on purpose.
 */
import { formatBytes } from '../ReadError.ts';
import {
  DeflatedExplicitVRLittleEndian,
  ExplicitVRBigEndian,
  ExplicitVRLittleEndian,
  ImplicitVRLittleEndian,
} from '../TransferSyntax.ts';
import { ITEM, type Tag } from '../tag.ts';

/** "(0040,A730) item 2 > (0040,A160)": where an element is; long paths keep their first and last steps. */
export const label = (path: string[]): string =>
  (path.length > 4 ? [path[0]!, '…', ...path.slice(-2)] : path).join(' > ');

/** `label(path)` as the start of a message ("…: "), or nothing at the top level. */
export const where = (path: string[]): string => (path.length === 0 ? '' : `${label(path)}: `);

/** Nesting beyond the limit, named by the outermost sequence. */
export const tooDeep = (path: string[], max: number): string =>
  `${path[0] ? `${path[0].split(' ')[0]}: ` : ''}sequences are nested more than ${max} levels deep`;

/** Delimitation Items have a zero length (PS3.5 §7.5.2). */
export const nonZeroDelimiter = (name: string, at: number): string =>
  `${name}: the delimiter at byte ${at} has a non-zero length`;

/** Why a (FFFE,xxxx) tag cannot stand where a data element should. */
export const notAnElement = (name: string, t: Tag, at: number): string =>
  t === ITEM ? `${name}: an Item at byte ${at}, outside any sequence` : `${name}: not a data element (byte ${at})`;

/** "(7FE0,0010): declared length 4.0 GB runs past the end of the file (12 KB remain)". */
export const runsPast = (name: string, declared: number, remain: number, of: 'file' | 'item' | 'sequence'): string => {
  const left = Math.max(0, remain);
  return `${name}: declared length ${formatBytes(declared)} runs past the end of the ${of} (${formatBytes(left)} remain${left === 1 ? 's' : ''})`;
};

/** The bytes ran out before the delimiter that closes an undefined length (PS3.5 §7.5.2, §A.4). */
export const noDelimiter = (name: string, what: 'sequence' | 'encapsulated Pixel Data'): string =>
  `${name}: the ${what} has no Sequence Delimitation Item: the file ends first`;

/** The same for an item of undefined length; `whereItem` is `where(path)`. */
export const noItemDelimiter = (whereItem: string): string =>
  `${whereItem}the item has no Item Delimitation Item: the file ends first`;

/** OV, SV and UV (added in 2019) are beyond dicom-parser. */
export const unsupported64 = (name: string, vr: string): string =>
  `${name}: VR ${vr} (64-bit values) is not supported by the DICOM parser Veil uses`;

/** A byte as "0x0a", for showing bytes that are not what they should be. */
export const hex2 = (n: number): string => `0x${n.toString(16).padStart(2, '0')}`;

export { hex4 } from '../tag.ts';

/** The text of whatever was thrown (dicom-parser throws strings as well as Errors). */
export const messageOf = (e: unknown): string => {
  if (typeof e === 'string') return e;
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
};

/** Names of the transfer syntaxes a user may meet (PS3.6 Annex A), for messages. */
const TS_NAMES: Record<string, string> = {
  [ImplicitVRLittleEndian]: 'Implicit VR Little Endian',
  [ExplicitVRLittleEndian]: 'Explicit VR Little Endian',
  [DeflatedExplicitVRLittleEndian]: 'Deflated Explicit VR Little Endian',
  [ExplicitVRBigEndian]: 'Explicit VR Big Endian',
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline',
  '1.2.840.10008.1.2.4.51': 'JPEG Extended',
  '1.2.840.10008.1.2.4.57': 'JPEG Lossless',
  '1.2.840.10008.1.2.4.70': 'JPEG Lossless SV1',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS Lossless',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS Near-Lossless',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 Lossless',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000',
  '1.2.840.10008.1.2.4.201': 'HTJ2K Lossless',
  '1.2.840.10008.1.2.4.202': 'HTJ2K Lossless RPCL',
  '1.2.840.10008.1.2.4.203': 'HTJ2K',
  '1.2.840.10008.1.2.5': 'RLE Lossless',
};

/** Veil has a name for this transfer syntax: one a user may meet. */
export const isNamedSyntax = (uid: string): boolean => TS_NAMES[uid] !== undefined;

/** "JPEG Baseline (1.2.840.10008.1.2.4.50)", or the bare UID. */
export const tsName = (uid: string): string => (TS_NAMES[uid] ? `${TS_NAMES[uid]} (${uid})` : uid);
