/// <reference lib="webworker" />
/**
 * An engine worker: a thin comlink wrapper around the de-identification engine. It receives
 * `File` handles and reads them itself, so no input bytes ever pass through the page, and it
 * hands outputs back as transferred buffers.
 */
import * as Comlink from 'comlink';
import type { Plan } from '../src/deid/anonymize.ts';
import { identityStrings } from '../src/deid/Identity.ts';
import type { Outcome } from '../src/deid/Outcome.ts';
import { VEIL_VERSION } from '../src/deid/Record.ts';
import { type DicomFile, readDicom } from '../src/dicom/read.ts';
import { buildDicomdir, directoryProblem } from '../src/output/dicomdir.ts';
import { processFile, textDeviceKeyOf } from '../src/pipeline/processFile.ts';
import {
  defaceSeries,
  type SeriesInput,
  type SeriesOptions,
  type SeriesVerdict,
  streamSeries,
} from '../src/pixels/deface/defaceSeries.ts';
import { browserFaceDetector } from '../src/pixels/faceCheck/browser.ts';
import { servedOcrAssets, setOcrAssets } from '../src/pixels/text/assets.ts';
import { PixelIdentity } from '../src/pixels/text/classify.ts';
import { findText } from '../src/pixels/text/findText.ts';
import { instanceInfo } from '../src/study/InstanceInfo.ts';
import type {
  EngineApi,
  FrameResult,
  InputRef,
  InventoryEntry,
  PlanSlot,
  ProcessResult,
  SeriesResult,
  TagTableResult,
  TextFound,
} from './api.ts';
import { crc32 } from './crc32.ts';
import { describeHeader, readFull, readHead } from './files.ts';
import { scanWritten } from './leakScan.ts';
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

// The OCR engine (burned-in text) and the face detector load their files from our own origin,
// once per worker and only when an image needs them (CSP: connect-src 'self').
setOcrAssets(servedOcrAssets(import.meta.env.BASE_URL));
const FACE_ASSETS = `${import.meta.env.BASE_URL}face-check/`;

/** The face check for a run's series call, unless the plan turns it off. */
const faceCheckOf = (plan: Plan): SeriesOptions =>
  plan.faceCheck === false ? {} : { detector: () => browserFaceDetector(FACE_ASSETS) };

const processOne = async (ref: InputRef): Promise<ProcessResult> => {
  let bytes: Uint8Array;
  try {
    bytes = await readFull(ref);
  } catch (e) {
    return unreadable(ref, e);
  }
  const outcome = await processFile(bytes, needPlan('run'), ref.path);
  const { result, transfer } = resultOf(ref, outcome);
  return transfer ? Comlink.transfer(result, [transfer]) : result;
};

const unreadable = (ref: InputRef, e: unknown): ProcessResult => ({
  id: ref.id,
  status: 'withheld',
  reason: `${ref.path}: could not be read (${(e as Error).message})`,
});

/** The page's result for one engine outcome, and the buffer to transfer with it (never copied). */
const resultOf = (ref: InputRef, outcome: Outcome): { result: ProcessResult; transfer?: ArrayBuffer } => {
  if (outcome.status !== 'anonymized') return { result: { id: ref.id, ...outcome } };
  // An output that cannot be listed in a DICOMDIR cannot go on a DICOM disc: withhold it, as the CLI does.
  const problem = directoryProblem(outcome.info);
  if (problem) {
    return {
      result: {
        id: ref.id,
        status: 'withheld',
        reason: `${ref.path}: the de-identified output cannot go on a DICOM disc: ${problem}`,
      },
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
    ...(outcome.text ? { text: outcome.text } : {}),
  };
  return { result, transfer: out.buffer as ArrayBuffer };
};

/**
 * A series' files as the series call reads them: each read from its `File` whenever a pass needs
 * it (`seriesFiles.ts`), so the worker never holds the series' bytes at once. A file that cannot
 * be read is withheld by the series call, saying why.
 */
const seriesInputs = (refs: readonly InputRef[]): SeriesInput[] =>
  refs.map((ref) => ({ name: ref.path, load: () => readFull(ref) }));

/**
 * The series call (issue 4): one head-candidate series, defaced when it is a head. Each output is
 * transferred to the page through `onResult` as soon as it is made, and awaited (the page writes it
 * first), so the worker holds one input and the series' judging copy, never all its inputs or
 * outputs. Returns the verdict; every file's result, readable or not, went through `onResult`.
 */
const processSeries = async (
  refs: InputRef[],
  onResult: (result: ProcessResult) => Promise<void>,
): Promise<SeriesResult> => {
  const plan = needPlan('run');
  const verdict = await streamSeries(seriesInputs(refs), plan, faceCheckOf(plan), async (k, outcome) => {
    const { result, transfer } = resultOf(refs[k]!, outcome);
    await onResult(transfer ? Comlink.transfer(result, [transfer]) : result);
  });
  return { verdict };
};

type Loaded = { ok: false; error: string } | { ok: true; original: DicomFile; output?: DicomFile; withheld?: string };
type After = { output?: DicomFile; withheld?: string };

/** The "after" of one file alone: the engine's output re-read, or why there is none. */
const afterOf = (outcome: Outcome): After => {
  if (outcome.status !== 'anonymized')
    return { withheld: outcome.status === 'withheld' ? outcome.reason : `skipped: ${outcome.what}` };
  const output = readDicom(outcome.bytes);
  return output.ok
    ? { output: output.value }
    : { withheld: `the output could not be re-read: ${output.error.message}` };
};

/**
 * The preview's one cached series: the series call's verdict and every file's "after", under the
 * 'preview' plan. One series per worker (a volume's worth of outputs), dropped when another series
 * or another plan is asked for.
 */
let previewSeries: { key: string; done: Promise<{ verdict: SeriesVerdict; after: Map<number, After> }> } | undefined;
/** The 'preview' plan as last set, to keep the cache when the same plan is set again. */
let previewPlanKey = '';

const planKey = (p: Plan): string => JSON.stringify({ ...p, key: Array.from(p.key) });

/** Which files a series is: ids, paths, sizes and dates, so a new inventory of other files misses. */
const seriesKey = (refs: readonly InputRef[]): string =>
  refs.map((r) => `${r.id}:${r.path}:${r.file.size}:${(r.file as Partial<File>).lastModified ?? ''}`).join('|');

const previewOf = (refs: readonly InputRef[]) => {
  const key = seriesKey(refs);
  if (previewSeries?.key === key) return previewSeries.done;
  const done = (async () => {
    const { verdict, outcomes } = await defaceSeries(seriesInputs(refs), needPlan('preview'));
    const after = new Map<number, After>();
    outcomes.forEach((o, k) => {
      after.set(refs[k]!.id, afterOf(o));
    });
    return { verdict, after };
  })();
  previewSeries = { key, done };
  // A failure is not kept: the next request tries again.
  done.catch(() => {
    if (previewSeries?.done === done) previewSeries = undefined;
  });
  return done;
};

/**
 * Reads a file and, for "after", runs it through the engine and re-reads the output: alone, or
 * with `series` through the series call (so a head shows its defaced slice).
 */
const load = async (ref: InputRef, after: boolean, series?: InputRef[]): Promise<Loaded> => {
  const bytes = await readFull(ref);
  const original = readDicom(bytes);
  if (!original.ok) return { ok: false, error: `${ref.path}: ${original.error.message}` };
  if (!after) return { ok: true, original: original.value };
  if (series?.some((r) => r.id === ref.id)) {
    const cached = (await previewOf(series)).after.get(ref.id);
    return { ok: true, original: original.value, ...(cached ?? { withheld: 'not part of the series' }) };
  }
  return { ok: true, original: original.value, ...afterOf(await processFile(bytes, needPlan('preview'), ref.path)) };
};

/** The preview's boxes: OCR on one image with the 'preview' plan's identity strings. */
const findTextIn = async (ref: InputRef): Promise<TextFound> => {
  const r = readDicom(await readFull(ref));
  if (!r.ok) return { ok: false, reason: `${ref.path}: ${r.error.message}` };
  const file = r.value;
  const plan = needPlan('preview');
  const info = instanceInfo(file.dataset, file.meta, file.transferSyntax.littleEndian);
  const identity = new PixelIdentity([...identityStrings(file.dataset, plan.options), ...(plan.extraIdentity ?? [])]);
  const found = await findText(file, { identity });
  if (!found.ok)
    return { ok: false, reason: `${ref.path}: the text in the pixels could not be read: ${found.error.message}` };
  const key = textDeviceKeyOf(file.dataset, info);
  const [maker, model, size] = key.split('|');
  const label = [maker, model].filter(Boolean).join(' ') || 'an unnamed device';
  return {
    ok: true,
    boxes: found.value.boxes,
    static: found.value.static,
    device: { key, label: `${label}, ${size!.replace('x', '×')}` },
  };
};

const api: EngineApi = {
  ping: async () => true,

  inventory: async (batch) => Promise.all(batch.map(inventoryOne)),

  setPlan: async (slot, p) => {
    plans[slot] = p;
    if (slot !== 'preview') return;
    const key = planKey(p);
    if (key !== previewPlanKey) previewSeries = undefined;
    previewPlanKey = key;
  },

  process: processOne,

  processSeries,

  scan: scanWritten,

  frame: async (ref, index, after, series): Promise<FrameResult> => {
    const r = await load(ref, after, series);
    if (!r.ok) return { ok: false, reason: r.error };
    if (after && !r.output) return { ok: false, reason: `not written: ${r.withheld}` };
    const f = await decodeFrame(r.output ?? r.original, index);
    return f.ok ? Comlink.transfer(f, [f.frame.pixels.buffer as ArrayBuffer]) : f;
  },

  tags: async (ref, series): Promise<TagTableResult> => {
    const r = await load(ref, true, series);
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

  previewVerdict: async (series) => (await previewOf(series)).verdict,

  findText: async (ref) => {
    try {
      return await findTextIn(ref);
    } catch (e) {
      return { ok: false, reason: `${ref.path}: could not be read (${(e as Error).message})` };
    }
  },

  dicomdir: async (entries) => {
    const r = buildDicomdir(entries, { implementationVersionName: `VEIL_${VEIL_VERSION}`.slice(0, 16) });
    if (!r.ok) return r;
    const bytes = own(r.bytes);
    return Comlink.transfer({ ok: true, bytes, crc32: crc32(bytes) }, [bytes.buffer as ArrayBuffer]);
  },
};

Comlink.expose(api);
