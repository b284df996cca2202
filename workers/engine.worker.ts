/// <reference lib="webworker" />
/**
 * An engine worker: a thin comlink wrapper around the de-identification engine. It receives
 * `File` handles and reads them itself, so no input bytes ever pass through the page, and it
 * hands outputs back as transferred buffers.
 */
import * as Comlink from 'comlink';
import { anonymize, type Plan } from '../src/deid/anonymize.ts';
import { IdentityMatcher } from '../src/deid/handlers/Text.ts';
import { scanForLeaks } from '../src/deid/LeakScan.ts';
import { VEIL_VERSION } from '../src/deid/Record.ts';
import { type DicomFile, readDicom } from '../src/dicom/read.ts';
import { buildDicomdir, directoryProblem } from '../src/output/dicomdir.ts';
import type {
  EngineApi,
  FrameResult,
  InputRef,
  InventoryEntry,
  PlanSlot,
  ProcessResult,
  ScanResult,
  TagTableResult,
} from './api.ts';
import { crc32 } from './crc32.ts';
import { describeHeader, readFull, readHead } from './files.ts';
import { decodeFrame } from './pixels.ts';
import { tagRows } from './tagTable.ts';

const plans: Partial<Record<PlanSlot, Plan>> = {};

/** A buffer that holds exactly `b`, so transferring it moves no one else's bytes. */
const own = (b: Uint8Array): Uint8Array => (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b : b.slice());

const needPlan = (slot: PlanSlot): Plan => {
  const plan = plans[slot];
  if (!plan) throw new Error(`no ${slot} plan set: call setPlan first`);
  return plan;
};

const inventoryOne = async (ref: InputRef): Promise<InventoryEntry> => {
  try {
    const head = await readHead(ref);
    if (head.kind === 'other') return { id: ref.id, kind: 'skipped', what: head.what };
    return await describeHeader(ref, head.bytes, head.kind === 'dicomdir');
  } catch (e) {
    return { id: ref.id, kind: 'unreadable', reason: `${ref.path}: could not be read (${(e as Error).message})` };
  }
};

const processOne = async (ref: InputRef): Promise<ProcessResult> => {
  let bytes: Uint8Array;
  try {
    bytes = await readFull(ref);
  } catch (e) {
    return { id: ref.id, status: 'withheld', reason: `${ref.path}: could not be read (${(e as Error).message})` };
  }
  const outcome = anonymize(bytes, needPlan('run'), ref.path);
  if (outcome.status !== 'anonymized') return { id: ref.id, ...outcome };
  // An output that cannot be listed in a DICOMDIR cannot go on a DICOM disc: withhold it, as the CLI does.
  const problem = directoryProblem(outcome.info);
  if (problem) {
    return {
      id: ref.id,
      status: 'withheld',
      reason: `${ref.path}: the de-identified output cannot go on a DICOM disc: ${problem}`,
    };
  }
  const out = own(outcome.bytes);
  const result: ProcessResult = {
    id: ref.id,
    status: 'anonymized',
    bytes: out,
    crc32: crc32(out),
    info: outcome.info,
    counts: outcome.counts,
    notes: outcome.notes,
    identity: outcome.identity,
  };
  return Comlink.transfer(result, [out.buffer as ArrayBuffer]);
};

const scanOne = async (id: number, blob: Blob, matcher: IdentityMatcher): Promise<ScanResult> => {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const r = readDicom(bytes);
  if (!r.ok) return { id, found: [], error: r.error.message };
  const leaks = [...scanForLeaks(r.value.meta, matcher, false), ...scanForLeaks(r.value.dataset, matcher, false)];
  return { id, found: [...new Set(leaks.map((l) => l.found))] };
};

type Loaded = { ok: false; error: string } | { ok: true; original: DicomFile; output?: DicomFile; withheld?: string };

/** Reads a file and, for "after", runs it through the engine and re-reads the output. */
const load = async (ref: InputRef, after: boolean): Promise<Loaded> => {
  const bytes = await readFull(ref);
  const original = readDicom(bytes);
  if (!original.ok) return { ok: false, error: `${ref.path}: ${original.error.message}` };
  if (!after) return { ok: true, original: original.value };
  const outcome = anonymize(bytes, needPlan('preview'), ref.path);
  if (outcome.status !== 'anonymized') {
    const withheld = outcome.status === 'withheld' ? outcome.reason : `skipped: ${outcome.what}`;
    return { ok: true, original: original.value, withheld };
  }
  const output = readDicom(outcome.bytes);
  if (!output.ok)
    return { ok: true, original: original.value, withheld: `the output could not be re-read: ${output.error.message}` };
  return { ok: true, original: original.value, output: output.value };
};

const api: EngineApi = {
  ping: async () => true,

  inventory: async (batch) => Promise.all(batch.map(inventoryOne)),

  setPlan: async (slot, p) => {
    plans[slot] = p;
  },

  process: processOne,

  scan: async (items, needles) => {
    const matcher = new IdentityMatcher(needles);
    const out: ScanResult[] = [];
    // One at a time: each output is read whole, and a worker should hold one at most.
    for (const it of items) {
      try {
        out.push(await scanOne(it.id, it.blob, matcher));
      } catch (e) {
        out.push({ id: it.id, found: [], error: `could not be re-read (${(e as Error).message})` });
      }
    }
    return out;
  },

  frame: async (ref, index, after): Promise<FrameResult> => {
    const r = await load(ref, after);
    if (!r.ok) return { ok: false, reason: r.error };
    if (after && !r.output) return { ok: false, reason: `not written: ${r.withheld}` };
    const f = await decodeFrame(r.output ?? r.original, index);
    return f.ok ? Comlink.transfer(f, [f.frame.pixels.buffer as ArrayBuffer]) : f;
  },

  tags: async (ref): Promise<TagTableResult> => {
    const r = await load(ref, true);
    if (!r.ok) return { ok: false, reason: r.error };
    const before = { meta: r.original.meta, dataset: r.original.dataset, le: r.original.transferSyntax.littleEndian };
    const after = r.output
      ? { meta: r.output.meta, dataset: r.output.dataset, le: r.output.transferSyntax.littleEndian }
      : undefined;
    return {
      ok: true,
      rows: tagRows(before, after),
      outcome: r.output ? 'anonymized' : `withheld: ${r.withheld}`,
    };
  },

  dicomdir: async (entries) => {
    const r = buildDicomdir(entries, { implementationVersionName: `VEIL_${VEIL_VERSION}`.slice(0, 16) });
    if (!r.ok) return r;
    const bytes = own(r.bytes);
    return Comlink.transfer({ ok: true, bytes, crc32: crc32(bytes) }, [bytes.buffer as ArrayBuffer]);
  },
};

Comlink.expose(api);
