/**
 * The DICOM reader's public entry. The work is in ./read/: layout (preamble, "DICM", raw data
 * sets), the File Meta, inflating, reading and converting the data set, and diagnosing defects.
 */
import type { Dataset } from './Dataset.ts';
import { fail, ok, type Result } from './ReadError.ts';
import { readDataSet } from './read/dataSet.ts';
import type { Located } from './read/dicomParser.ts';
import { checkDeclared, detectSyntax, isPlainExplicitLE } from './read/encoding.ts';
import { readMeta } from './read/fileMeta.ts';
import { inflate } from './read/inflate.ts';
import { findLayout } from './read/layout.ts';
import { messageOf, tsName } from './read/messages.ts';
import { Warnings } from './read/warnings.ts';
import { type TransferSyntax, transferSyntax } from './TransferSyntax.ts';

export { peekTransferSyntax } from './read/fileMeta.ts';
export { sniff } from './read/layout.ts';

/** A parsed DICOM file or raw data set. Element values are views into `bytes`. */
export interface DicomFile {
  /** File Meta Information (group 0002); empty for a raw data set. */
  meta: Dataset;
  dataset: Dataset;
  transferSyntax: TransferSyntax;
  /** It had the 128-byte preamble and "DICM" (PS3.10 §7.1). */
  part10: boolean;
  /** The buffer the values point into (the inflated copy for Deflated Explicit VR LE). */
  bytes: Uint8Array;
  /** Reading stopped at Pixel Data (header-only read of a file that has pixel data); it is not in `dataset`. */
  headerOnly: boolean;
  /** Oddities that did not stop reading, worded for a report. */
  warnings: string[];
}

/** Options for `readDicom`. */
export interface ReadOptions {
  /** Stop at Pixel Data: enough for an inventory, and cheap on a partial buffer. */
  headerOnly?: boolean;
  /** Deepest sequence nesting accepted; deeper is treated as malicious or corrupt. */
  maxDepth?: number;
}

/**
 * Reads a Part 10 file or a raw data set (no preamble/meta: Implicit VR LE, Explicit VR LE or BE,
 * guessed from the first elements). Never throws: a reason comes back instead, naming the element
 * and what is wrong with it. Every byte of the data set must belong to exactly one element, so
 * nothing can hide from the de-identifier between elements.
 */
export const readDicom = (bytes: Uint8Array, options: ReadOptions = {}): Result<DicomFile> => {
  try {
    return read(bytes, options);
  } catch (e) {
    // Nothing above should throw; if it does, the file still gets a reason rather than a crash.
    return fail('malformed', `internal error while reading: ${messageOf(e)}`);
  }
};

const read = (bytes: Uint8Array, options: ReadOptions): Result<DicomFile> => {
  if (bytes.length === 0) return fail('not-dicom', 'the file is empty (0 bytes)');
  const warnings = new Warnings();
  const layout = findLayout(bytes);
  if (!layout.ok) return layout;
  const { part10, metaStart } = layout.value;
  if (layout.value.note) warnings.add(layout.value.note);

  // File Meta (PS3.10 §7.1): always Explicit VR Little Endian, group 0002 only.
  let metaEls: Located[] = [];
  let bodyStart = 0;
  let declared = '';
  if (metaStart !== undefined) {
    const m = readMeta(bytes, metaStart);
    if (!m.ok) return m;
    metaEls = m.value.elements;
    bodyStart = m.value.end;
    declared = m.value.transferSyntaxUID;
    if (m.value.note) warnings.add(m.value.note);
    if (bodyStart >= bytes.length) {
      if (metaEls.length === 0) return fail('truncated', `the file ends right after "DICM"`);
      return fail('truncated', 'the file ends after the File Meta Information: there is no data set');
    }
  }

  // The transfer syntax: declared, or detected when there is no meta (or it lacks one).
  let uid = declared;
  let fallback = '';
  if (metaStart === undefined) {
    uid = layout.value.rawSyntax;
  } else if (!uid) {
    const detected = detectSyntax(bytes, bodyStart, false);
    const why =
      metaEls.length === 0
        ? 'the file has no File Meta Information'
        : 'the File Meta has no Transfer Syntax UID (0002,0010)';
    if (!detected) return fail('malformed', `${why}, and the data set's encoding cannot be recognised`);
    uid = detected;
    fallback = `${why}; the data set was read as ${tsName(uid)}, detected from its first elements`;
    warnings.add(fallback);
  }
  if (!/^[0-9]+(\.[0-9]+)*$/.test(uid)) {
    return fail(
      'malformed',
      `the File Meta's Transfer Syntax UID (0002,0010) ${JSON.stringify(uid)} is not a valid UID`,
    );
  }
  const ts = transferSyntax(uid);

  let buf = bytes;
  if (ts.deflated) {
    const inflated = inflate(bytes, bodyStart);
    if (!inflated.ok) {
      if (isPlainExplicitLE(bytes, bodyStart)) {
        return fail('malformed', `the File Meta declares ${tsName(uid)} but the data set is not deflated`);
      }
      return inflated;
    }
    buf = inflated.value;
  }
  if (declared) {
    const mismatch = checkDeclared(buf, bodyStart, ts);
    if (mismatch) return fail('malformed', mismatch);
  }

  const r = readDataSet(buf, bodyStart, ts, metaEls, metaStart ?? 0, options, warnings);
  if (!r.ok) return fallback ? fail(r.error.kind, `${r.error.message} (${fallback})`) : r;
  return ok({ ...r.value, transferSyntax: ts, part10, bytes: buf, warnings: warnings.list });
};
