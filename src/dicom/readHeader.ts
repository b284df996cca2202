import { fail, type Result } from './ReadError.ts';
import { type DicomFile, peekTransferSyntax, readDicom } from './read.ts';
import { DeflatedExplicitVRLittleEndian } from './TransferSyntax.ts';

/**
 * Reads bytes [start, end) of a file; fewer at the end of the file. In a browser:
 * `(s, e) => file.slice(s, e).arrayBuffer().then((b) => new Uint8Array(b))`; in Node, a
 * `FileHandle.read` into a buffer of that size.
 */
export type ReadRange = (start: number, end: number) => Promise<Uint8Array>;

export interface ReadHeaderOptions {
  /** The first read, in bytes. Most headers fit in the default 64 KB. */
  firstChunk?: number;
  /** As for `readDicom`. */
  maxDepth?: number;
}

const FIRST_CHUNK = 64 * 1024;

/**
 * Reads a file's header (everything before Pixel Data) without loading the pixel data, so a
 * folder can be inventoried cheaply. Reads a prefix, and only when the header does not fit in it
 * reads on to a prefix twice as long (up to the whole file); no byte is read twice. The result
 * is `readDicom(prefix, { headerOnly: true })` for the shortest prefix that settles it, so its
 * values are views of that prefix. A file without Pixel Data is read whole.
 */
export const readHeader = async (
  readRange: ReadRange,
  size: number,
  options: ReadHeaderOptions = {},
): Promise<Result<DicomFile>> => {
  if (size <= 0) return fail('not-dicom', 'the file is empty (0 bytes)');
  let n = Math.min(size, Math.max(256, options.firstChunk ?? FIRST_CHUNK));
  let bytes: Uint8Array = new Uint8Array(0);
  for (;;) {
    // Only the new bytes are read; the prefix grows by copying (cheap next to reading a file).
    let more: Uint8Array;
    try {
      more = await readRange(bytes.length, n);
    } catch (e) {
      return fail('io', `the file could not be read (${e instanceof Error ? e.message : String(e)})`);
    }
    if (bytes.length === 0) bytes = more;
    else {
      const grown = new Uint8Array(bytes.length + more.length);
      grown.set(bytes);
      grown.set(more, bytes.length);
      bytes = grown;
    }
    // Fewer bytes than asked for means the file ended (it may have shrunk since it was listed).
    const whole = bytes.length >= size || bytes.length < n;
    if (!whole && peekTransferSyntax(bytes) === DeflatedExplicitVRLittleEndian) {
      // A deflated data set (PS3.5 §A.5) is one deflate stream from the end of the File Meta: none
      // of it can be parsed without inflating from its start, and a cut stream cannot be told
      // from a corrupt one, so the whole file is needed.
      n = size;
      continue;
    }
    const r = readDicom(bytes, {
      headerOnly: true,
      ...(options.maxDepth !== undefined ? { maxDepth: options.maxDepth } : {}),
    });
    if (whole) return r;
    // Reached Pixel Data: the header is complete.
    if (r.ok && r.value.headerOnly) return r;
    // Not DICOM is decided by the first bytes; more of them will not change it.
    if (!r.ok && r.error.kind === 'not-dicom') return r;
    // A prefix fails where it is cut ('truncated') or, when it is cut inside an element whose
    // length is undefined, sometimes otherwise: then the whole file settles it in one more read.
    n = !r.ok && r.error.kind !== 'truncated' ? size : Math.min(size, n * 2);
  }
};
