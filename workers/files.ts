import { burnedInRisk } from '../src/deid/BurnedIn.ts';
import { readHeader } from '../src/dicom/readHeader.ts';
import { instanceInfo } from '../src/study/InstanceInfo.ts';
import { classifyFile, SNIFF_BYTES } from '../src/study/sniff.ts';
import type { DicomEntry, InputRef, InventoryEntry } from './api.ts';
import { anatomyOf, identityHits } from './findings.ts';

/**
 * Reading input files inside a worker. The inventory reads only the start of each file and then
 * its header; processing reads the whole file, one at a time per worker.
 */

export type Head = { kind: 'dicom' | 'dicomdir'; bytes: Uint8Array } | { kind: 'other'; what: string };

/**
 * The first read of a file in the inventory: enough for most whole headers, so that deciding
 * what the file is and reading its header usually cost one read, not two (each read is a round
 * trip to the browser, which dominates the inventory of thousands of small files).
 */
const FIRST_READ = 64 * 1024;

/** Reads the first bytes and decides by content (never by name) what the file is. */
export const readHead = async (ref: InputRef): Promise<Head> => {
  const bytes = new Uint8Array(await ref.file.slice(0, Math.min(ref.file.size, FIRST_READ)).arrayBuffer());
  const k = classifyFile(bytes.subarray(0, SNIFF_BYTES), ref.path);
  return k.kind === 'other' ? { kind: 'other', what: k.what } : { kind: k.kind, bytes };
};

/** The whole file. */
export const readFull = async (ref: InputRef): Promise<Uint8Array> => new Uint8Array(await ref.file.arrayBuffer());

/** Reads a header without its pixel data, starting from the bytes `readHead` already has. */
const readHeaderBytes = (ref: InputRef, head: Uint8Array) =>
  readHeader(
    async (start, end) =>
      end <= head.length ? head.subarray(start, end) : new Uint8Array(await ref.file.slice(start, end).arrayBuffer()),
    ref.file.size,
    { firstChunk: Math.max(256, head.length) },
  );

/** The inventory row of a DICOM file (or DICOMDIR): tree fields and findings, from the header only. */
export const describeHeader = async (ref: InputRef, head: Uint8Array, isDicomdir: boolean): Promise<InventoryEntry> => {
  const r = await readHeaderBytes(ref, head);
  if (!r.ok) return { id: ref.id, kind: 'unreadable', reason: `${ref.path}: ${r.error.message}` };
  const { dataset, meta, transferSyntax } = r.value;
  const info = instanceInfo(dataset, meta, transferSyntax.littleEndian);
  const risk = burnedInRisk(info);
  // A header-only read stops at Pixel Data and leaves it out; `headerOnly` says it was there.
  const hasPixels = r.value.headerOnly || dataset.has(0x7fe00010);
  const entry: DicomEntry = {
    id: ref.id,
    kind: 'dicom',
    info,
    isDicomdir,
    anatomy: anatomyOf(dataset),
    identity: identityHits(dataset),
    burnedIn: info.burnedInAnnotation === 'YES' ? 'yes' : risk && hasPixels ? 'maybe' : 'no',
    nativePixels: hasPixels && !transferSyntax.encapsulated,
    hasPixels,
  };
  return entry;
};
