import { sniff } from '../dicom/read.ts';

/**
 * What an input file is, decided by its content and never by its name: files on a patient CD
 * have no extension (PS3.10 §8.2 file IDs), and a name can lie. Only the start of the file is
 * needed, so a caller can read a few kilobytes before deciding to read the rest.
 */
export type FileKind =
  | { kind: 'dicom' }
  /** A Media Storage Directory (PS3.10 §8.6): an index of the disc, never copied (it names patients). */
  | { kind: 'dicomdir' }
  | { kind: 'other'; what: string };

/** How many leading bytes `classifyFile` and `describeNonDicom` want to see. */
export const SNIFF_BYTES = 8192;

/** Media Storage Directory Storage SOP Class (PS3.4 Annex I.4). */
export const MEDIA_STORAGE_DIRECTORY = '1.2.840.10008.1.3.10';

/** Classifies a file from its first bytes (up to `SNIFF_BYTES`); `name` only breaks ties for text. */
export const classifyFile = (head: Uint8Array, name: string): FileKind => {
  if (head.length > 0 && sniff(head)) {
    return mediaStorageSOPClass(head) === MEDIA_STORAGE_DIRECTORY ? { kind: 'dicomdir' } : { kind: 'dicom' };
  }
  return { kind: 'other', what: describeNonDicom(head, name) };
};

/**
 * Says in plain words what a non-DICOM file looks like ("PDF document", "Windows program"),
 * from magic numbers and, for text, the content. The name is consulted only to recognise
 * autorun.inf, whose content is ordinary text.
 */
export const describeNonDicom = (head: Uint8Array, name: string): string => {
  if (head.length === 0) return 'empty file';
  for (const [magic, what] of MAGIC) if (startsWith(head, magic)) return what;
  if (startsWith(head, [0x52, 0x49, 0x46, 0x46]) && ascii(head, 8, 4) === 'WAVE') return 'WAV audio';
  if (startsWith(head, [0x52, 0x49, 0x46, 0x46]) && ascii(head, 8, 4) === 'AVI ') return 'AVI video';
  if (ascii(head, 4, 4) === 'ftyp') return 'MP4/QuickTime video';
  const text = asText(head);
  if (text === undefined) return 'unknown binary file';
  const start = text
    .replace(/^\uFEFF/, '')
    .trimStart()
    .slice(0, 512)
    .toLowerCase();
  const base = name.split(/[\\/]/).pop()?.toLowerCase() ?? '';
  if (base === 'autorun.inf' || start.startsWith('[autorun]')) return 'autorun.inf (CD start-up settings, text)';
  if (start.startsWith('<!doctype html') || start.startsWith('<html') || /^<\?xml[^>]*>\s*<!doctype html/.test(start)) {
    return 'HTML page';
  }
  if (start.startsWith('<?xml')) return 'XML file';
  if (start.startsWith('{\\rtf')) return 'RTF document';
  if (start.startsWith('#!')) return 'script (text)';
  if (/^\[[^\]\n]+\]\s*$/m.test(start.split('\n')[0] ?? '')) return 'settings file (INI-style text)';
  return 'text file';
};

/** Magic numbers, checked in order (longest or most specific first). */
const MAGIC: [number[], string][] = [
  [[0x25, 0x50, 0x44, 0x46, 0x2d], 'PDF document'], // %PDF-
  [[0xff, 0xd8, 0xff], 'JPEG image'],
  [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG image'],
  [[0x47, 0x49, 0x46, 0x38], 'GIF image'], // GIF8
  [[0x49, 0x49, 0x2a, 0x00], 'TIFF image'],
  [[0x4d, 0x4d, 0x00, 0x2a], 'TIFF image'],
  [[0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20], 'JPEG 2000 image'],
  [[0x42, 0x4d], 'BMP image'], // BM
  [[0x00, 0x00, 0x01, 0x00], 'Windows icon'],
  [[0x4d, 0x5a], 'Windows program (.exe/.dll)'], // MZ
  [[0x7f, 0x45, 0x4c, 0x46], 'Linux program'], // ELF
  [[0xcf, 0xfa, 0xed, 0xfe], 'macOS program'],
  [[0xca, 0xfe, 0xba, 0xbe], 'macOS program or Java class'],
  [[0x50, 0x4b, 0x03, 0x04], 'ZIP archive'],
  [[0x50, 0x4b, 0x05, 0x06], 'ZIP archive (empty)'],
  [[0x1f, 0x8b], 'gzip archive'],
  [[0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], '7-Zip archive'],
  [[0x52, 0x61, 0x72, 0x21, 0x1a, 0x07], 'RAR archive'],
  [[0x42, 0x5a, 0x68], 'bzip2 archive'],
  [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], 'xz archive'],
  [[0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], 'Microsoft Office document (old format)'],
  [[0x4c, 0x00, 0x00, 0x00, 0x01, 0x14, 0x02, 0x00], 'Windows shortcut'],
];

const startsWith = (b: Uint8Array, magic: number[]): boolean =>
  b.length >= magic.length && magic.every((m, i) => b[i] === m);

const ascii = (b: Uint8Array, at: number, n: number): string =>
  b.length >= at + n ? String.fromCharCode(...b.subarray(at, at + n)) : '';

/**
 * The head decoded as text, or undefined if it looks binary: valid UTF-8 (a truncated final
 * character allowed) with no NUL and few control characters. UTF-16 with a BOM counts as text.
 */
const asText = (b: Uint8Array): string | undefined => {
  if ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff)) {
    return new TextDecoder(b[0] === 0xff ? 'utf-16le' : 'utf-16be').decode(b);
  }
  let control = 0;
  for (const c of b) {
    if (c === 0) return undefined;
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c && c !== 0x1a) control++;
  }
  if (control > b.length / 100) return undefined;
  // Cut a possibly split multi-byte character at the end before strict decoding.
  let end = b.length;
  for (let i = Math.max(0, b.length - 3); i < b.length; i++) if (b[i]! >= 0xc0) end = i;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b.subarray(0, end));
  } catch {
    // Latin-1 text (common on older CDs): bytes 0xA0-0xFF are letters, 0x80-0x9F rare.
    let high = 0;
    for (const c of b) if (c >= 0x80 && c < 0xa0) high++;
    return high === 0 ? new TextDecoder('latin1').decode(b) : undefined;
  }
};

/**
 * The Media Storage SOP Class UID (0002,0002) from the File Meta of a Part 10 head, walking the
 * group 0002 elements, which are always Explicit VR Little Endian (PS3.10 §7.1).
 */
export const mediaStorageSOPClass = (head: Uint8Array): string | undefined => {
  if (head.length < 132 || ascii(head, 128, 4) !== 'DICM') return undefined;
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let p = 132;
  while (p + 8 <= head.length) {
    const group = dv.getUint16(p, true);
    const element = dv.getUint16(p + 2, true);
    if (group !== 0x0002) return undefined;
    const vr = ascii(head, p + 4, 2);
    const long = ['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT', 'UV'].includes(vr);
    if (long && p + 12 > head.length) return undefined;
    const length = long ? dv.getUint32(p + 8, true) : dv.getUint16(p + 6, true);
    const start = p + (long ? 12 : 8);
    if (length === 0xffffffff || start + length > head.length) return undefined;
    if (element === 0x0002) return ascii(head, start, length).replace(/[\0 ]+$/, '');
    p = start + length;
  }
  return undefined;
};
