import * as Comlink from 'comlink';
import type { DicomEntry, InputRef, ProcessResult, ScanResult, SeriesResult } from '../../workers/api.ts';
import type { Plan } from '../deid/anonymize.ts';
import type { DirectoryEntry } from '../output/dicomdir.ts';
import { assignFileIds, DICOMDIR_NAME, fileIdPath, pathLeaks } from '../output/naming.ts';
import { type FileRecord, originalSeries, type SeriesRecord } from '../output/report.ts';
import type { InstanceInfo } from '../study/InstanceInfo.ts';
import { localizerRisk, planWork, type SeriesStatus } from './defacing.ts';
import type { Inventory } from './inventory.ts';
import type { Pool } from './pool.ts';
import type { Sink, Written } from './save/sink.ts';

/**
 * One run: every input file through the worker pool, each output written to the sink as soon
 * as it arrives (a few files per worker in flight, so memory stays bounded), then the DICOMDIR,
 * then the leak check, which re-reads what was written. With defacing on (issue 4), head-candidate
 * series go to a worker whole, one series per worker at a time; localizers on their frame of
 * reference follow their verdict; 3D renderings of a head are held back unless the user cleared
 * them. The policy is the CLI's (`cli/dispatch.ts`), from the same classifier.
 */

export interface Progress {
  phase: 'processing' | 'finishing' | 'checking';
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  /** performance.now() when processing started. */
  startedAt: number;
}

export interface LeakCheck {
  /** Files re-read (outputs and the DICOMDIR). */
  files: number;
  /** How many of them contain an identifying string. */
  leaking: number;
  /** How many distinct identifying values were searched for. */
  values: number;
  /** The strings found, for the message (PHI: shown to the user only). */
  found: string[];
  /** Files that could not be re-read. */
  unreadable: string[];
}

export interface RunResult {
  cancelled: boolean;
  records: FileRecord[];
  /** Header of each written output by output path (for the report's series section). */
  outputInfo: Map<string, InstanceInfo>;
  problems: string[];
  leak: LeakCheck | undefined;
  /** The verdict of each series that went through the series call, for the report. */
  defacing: SeriesRecord[];
  /** What became of each series' face (by original Series Instance UID), for the inventory. */
  faces: Map<string, SeriesStatus>;
  startedAt: Date;
  finishedAt: Date;
}

export interface RunInput {
  inventory: Inventory;
  plan: Plan;
  sink: Sink;
  pool: Pool;
  /** Series Instance UIDs of 3D renderings of a head the user has looked at and cleared. */
  allowedRenders?: ReadonlySet<string>;
  needles: { values: number; forms: string[] };
  /** Identity values, kept out of output names. */
  avoid: string[];
  signal: AbortSignal;
  onProgress: (p: Progress) => void;
}

const SCAN_BATCH = 16;
/** Files per worker in flight (see the lanes below). */
const LANES_PER_WORKER = 4;
/** Input bytes in flight at most, over all workers. */
const IN_FLIGHT_BYTES = 256 * 1024 * 1024;
/**
 * Memory a series takes while it is processed, whatever its size: the worker reads it a file at a
 * time and judges a copy of at most 256³ voxels (`streamSeries`), about 170 MB at the most with
 * its masks and the face detector's share; its outputs stream out one by one.
 */
const SERIES_BYTES = 128 * 1024 * 1024;

export const run = async (r: RunInput): Promise<RunResult> => {
  const { inventory: inv, sink, pool, signal } = r;
  const startedAt = new Date();
  const records: FileRecord[] = [];
  const problems: string[] = [];
  const outputInfo = new Map<string, InstanceInfo>();
  const dirEntries: DirectoryEntry[] = [];
  const defacing: SeriesRecord[] = [];
  const faces = new Map<string, SeriesStatus>();
  const result = () => ({ records, outputInfo, problems, defacing, faces, startedAt, finishedAt: new Date() });
  const pathOf = (id: number) => inv.files[id]!.path;
  const sizeOf = (id: number) => inv.files[id]!.file.size;

  // Files that need no engine call: not DICOM, the input's DICOMDIR, unreadable headers.
  for (const e of inv.skipped)
    records.push({ status: 'skipped', input: pathOf(e.id), bytes: sizeOf(e.id), what: e.what });
  for (const e of inv.dicomdirs) {
    const what = "DICOMDIR: the disc's index, which names the patient; a new one is written for the output";
    records.push({ status: 'skipped', input: pathOf(e.id), bytes: sizeOf(e.id), what });
  }
  for (const e of inv.unreadable) {
    records.push({ status: 'withheld', input: pathOf(e.id), bytes: sizeOf(e.id), reason: e.reason });
  }

  // A DICOM File-set holds each instance once: later copies of a SOP Instance UID are not written.
  const todo: DicomEntry[] = [];
  const bySop = new Map<string, DicomEntry>();
  for (const e of inv.dicom) {
    const first = e.info.sopInstanceUID ? bySop.get(e.info.sopInstanceUID) : undefined;
    if (!first) {
      if (e.info.sopInstanceUID) bySop.set(e.info.sopInstanceUID, e);
      todo.push(e);
      continue;
    }
    // As the CLI does: a copy is skipped; a different file claiming the same instance is withheld.
    // Sizes stand in for the byte comparison here, so no input is read twice before the run.
    if (sizeOf(e.id) === sizeOf(first.id)) {
      const what = `a second copy of ${pathOf(first.id)} (same SOP Instance UID and size); a DICOM disc holds each image once`;
      records.push({ status: 'skipped', input: pathOf(e.id), bytes: sizeOf(e.id), what });
    } else {
      const reason = `${pathOf(e.id)}: has the same SOP Instance UID as ${pathOf(first.id)} but different content; a DICOM disc can hold only one of them`;
      records.push({ status: 'withheld', input: pathOf(e.id), bytes: sizeOf(e.id), reason });
    }
  }

  // Output names come from indexes in the inventory's order and Instance Numbers only, so each
  // file's name is known before it is processed and it can be streamed out as soon as it is done.
  const naming = assignFileIds(todo, (e) => e.info, r.avoid);
  if (!naming.ok) {
    problems.push(`output names could not be assigned: ${naming.error}`);
    for (const e of todo) {
      records.push({
        status: 'withheld',
        input: pathOf(e.id),
        bytes: sizeOf(e.id),
        reason: 'not written: output names could not be assigned',
      });
    }
    todo.length = 0;
  }

  await pool.each((api) => api.setPlan('run', r.plan));

  const progress: Progress = {
    phase: 'processing',
    filesDone: 0,
    filesTotal: todo.length,
    bytesDone: 0,
    bytesTotal: todo.reduce((n, e) => n + sizeOf(e.id), 0),
    startedAt: performance.now(),
  };
  r.onProgress({ ...progress });

  // Writes are serialised (a zip is one stream) and awaited by the lane that produced them,
  // which is the backpressure: a slow disk slows the workers instead of filling memory.
  let writing: Promise<void> = Promise.resolve();
  const write = (path: string, bytes: Uint8Array, crc: number): Promise<void> => {
    const w = writing.then(() => sink.write(path, bytes, crc));
    writing = w.catch(() => undefined);
    return w;
  };

  const handle = async (e: DicomEntry, result: ProcessResult): Promise<void> => {
    const input = pathOf(e.id);
    const bytes = sizeOf(e.id);
    if (result.status === 'withheld') {
      const series = result.original ? { series: originalSeries(result.original) } : {};
      records.push({ status: 'withheld', input, bytes, reason: result.reason, ...series });
      return;
    }
    if (result.status === 'skipped') {
      records.push({ status: 'skipped', input, bytes, what: result.what });
      return;
    }
    const fileId = naming.ok ? naming.fileIds.get(e)! : [];
    const output = fileIdPath(fileId);
    const leak = pathLeaks(output, result.identity);
    if (leak) {
      records.push({
        status: 'withheld',
        input,
        bytes,
        reason: `${input}: its output name ${output} would contain part of the patient's identity`,
      });
      return;
    }
    const outputBytes = result.bytes.length; // the buffer is handed on to the writer
    try {
      await write(output, result.bytes, result.crc32);
    } catch (err) {
      records.push({
        status: 'withheld',
        input,
        bytes,
        reason: `${input}: could not be written to ${sink.label} (${(err as Error).message})`,
      });
      return;
    }
    records.push({
      status: 'anonymized',
      input,
      bytes,
      output,
      outputBytes,
      counts: result.counts,
      ...(result.notes.length ? { notes: result.notes } : {}),
      ...(result.text ? { text: result.text } : {}),
    });
    outputInfo.set(output, result.info);
    dirEntries.push({ fileId, info: result.info });
  };

  const refOf = (e: DicomEntry): InputRef => ({ id: e.id, file: inv.files[e.id]!.file, path: pathOf(e.id) });
  const done = (entries: readonly DicomEntry[]): void => {
    progress.filesDone += entries.length;
    progress.bytesDone += entries.reduce((n, e) => n + sizeOf(e.id), 0);
    r.onProgress({ ...progress });
  };
  const stopped = (e: DicomEntry, err: unknown): ProcessResult => ({
    id: e.id,
    status: 'withheld',
    reason: `${pathOf(e.id)}: the engine stopped (${(err as Error).message})`,
  });

  // Which files go alone, which series go whole, which wait for a verdict, which are held back.
  const work = planWork(
    todo,
    r.plan.deface !== false,
    r.allowedRenders ?? new Set(),
    pathOf,
    new Set(r.plan.scanSeries),
  );
  for (const { entry, reason } of work.withheld) {
    records.push({ status: 'withheld', input: pathOf(entry.id), bytes: sizeOf(entry.id), reason });
    faces.set(entry.info.seriesInstanceUID, { heldBack: reason.slice(pathOf(entry.id).length + 2) });
    done([entry]);
  }
  /** Why the localizers of a frame of reference are held back, once its head series has its verdict. */
  const unsafeFrames = new Map<string, string>(work.unsafeFrames);

  type Unit = { kind: 'file'; entry: DicomEntry } | { kind: 'series'; entries: DicomEntry[] };
  const oneFile = async (e: DicomEntry): Promise<void> => {
    const ref = refOf(e);
    let result: ProcessResult;
    try {
      result = await pool.run((api) => api.process(ref));
    } catch (err) {
      result = stopped(e, err);
    }
    if (signal.aborted) return;
    await handle(e, result);
  };
  const oneSeries = async (entries: DicomEntry[]): Promise<void> => {
    const refs = entries.map(refOf);
    const byId = new Map(entries.map((e) => [e.id, e]));
    const handled = new Set<number>();
    // Each output arrives as soon as the worker has made it, and is written before the next is
    // made: the worker never holds the series' outputs all at once.
    const onResult = Comlink.proxy(async (result: ProcessResult): Promise<void> => {
      const e = byId.get(result.id);
      if (!e || signal.aborted) return;
      handled.add(e.id);
      await handle(e, result);
    });
    let reply: SeriesResult;
    try {
      reply = await pool.runSeries((api) => api.processSeries(refs, onResult));
    } catch (err) {
      const first = entries[0]!.info;
      unsafeFrames.set(first.frameOfReferenceUID ?? '', 'its head series could not be processed');
      faces.set(first.seriesInstanceUID, { heldBack: `the engine stopped (${(err as Error).message})` });
      for (const e of entries) if (!signal.aborted && !handled.has(e.id)) await handle(e, stopped(e, err));
      return;
    }
    if (signal.aborted) return;
    // Every file is accounted for, even one the worker gave no result for.
    for (const e of entries) if (!handled.has(e.id)) await handle(e, stopped(e, new Error('no result')));
    const v = reply.verdict;
    const first = entries[0]!;
    defacing.push({
      seriesInstanceUID: first.info.seriesInstanceUID,
      modality: first.info.modality,
      files: entries.length,
      from: folderOf(pathOf(first.id)),
      verdict: v,
    });
    faces.set(first.info.seriesInstanceUID, { verdict: v });
    const risk = localizerRisk(v);
    const frame = ('frameOfReferenceUID' in v ? v.frameOfReferenceUID : undefined) || first.info.frameOfReferenceUID;
    if (risk && frame) unsafeFrames.set(frame, risk);
  };

  // Several units per worker in flight, so reading the next file overlaps with cleaning this
  // one; but never more than IN_FLIGHT_BYTES at once (one unit at least), so a CD of huge
  // multi-frame files cannot fill memory. A series weighs SERIES_BYTES, its bound in the worker.
  let inFlightBytes = 0;
  const gate: (() => void)[] = [];
  const acquire = async (size: number): Promise<void> => {
    while (inFlightBytes > 0 && inFlightBytes + size > IN_FLIGHT_BYTES) await new Promise<void>((r) => gate.push(r));
    inFlightBytes += size;
  };
  const release = (size: number): void => {
    inFlightBytes -= size;
    for (const wake of gate.splice(0)) wake();
  };
  const drain = async (queue: Unit[], lanes = pool.size * LANES_PER_WORKER): Promise<void> => {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < queue.length && !signal.aborted) {
        const unit = queue[next++]!;
        const entries = unit.kind === 'file' ? [unit.entry] : unit.entries;
        const bytes = entries.reduce((n, e) => n + sizeOf(e.id), 0);
        const size = unit.kind === 'file' ? bytes : SERIES_BYTES;
        await acquire(size);
        try {
          if (signal.aborted) return;
          await (unit.kind === 'file' ? oneFile(unit.entry) : oneSeries(unit.entries));
        } finally {
          release(size);
        }
        if (signal.aborted) return;
        done(entries);
      }
    };
    await Promise.all(Array.from({ length: lanes }, lane));
  };

  // Series one after another in a lane of their own (the pool runs them on one worker), single
  // files beside them on every lane.
  await Promise.all([
    drain(
      work.series.map((p): Unit => ({ kind: 'series', entries: p.entries })),
      1,
    ),
    drain(work.singles.map((entry): Unit => ({ kind: 'file', entry }))),
  ]);
  // Localizers last: every head series of their frame of reference has its verdict now.
  const later: Unit[] = [];
  for (const w of work.waiting) {
    if (signal.aborted) break;
    const unsafe = unsafeFrames.get(w.frameOfReferenceUID);
    const uid = w.entry.info.seriesInstanceUID;
    if (unsafe) {
      const input = pathOf(w.entry.id);
      const reason = `${input}: ${w.why}, ${unsafe}; withheld`;
      records.push({ status: 'withheld', input, bytes: sizeOf(w.entry.id), reason });
      faces.set(uid, { heldBack: `${w.why}, ${unsafe}` });
      done([w.entry]);
    } else {
      faces.set(uid, { kept: 'Localizer: its head was not defaced, so it is not held back for the face' });
      later.push({ kind: 'file', entry: w.entry });
    }
  }
  await drain(later);
  await writing;

  if (signal.aborted) {
    await sink.abort();
    return { ...result(), cancelled: true, leak: undefined };
  }

  // The new DICOMDIR, from the outputs' own headers.
  r.onProgress({ ...progress, phase: 'finishing' });
  if (dirEntries.length) {
    const dir = await pool.run((api) => api.dicomdir(dirEntries));
    if (dir.ok) await write(DICOMDIR_NAME, dir.bytes, dir.crc32 ?? 0);
    else problems.push(`the DICOMDIR could not be written: ${dir.error}`);
  }
  await writing;
  const written = await sink.close();

  r.onProgress({ ...progress, phase: 'checking' });
  const leak = await leakCheck(written, r.needles, pool, signal);
  if (signal.aborted) {
    await sink.abort();
    return { ...result(), cancelled: true, leak: undefined };
  }
  return { ...result(), cancelled: false, leak };
};

const folderOf = (path: string): string => path.slice(0, Math.max(0, path.lastIndexOf('/'))) || '.';

/** Re-reads every written file in the workers and counts those holding an identifying string. */
const leakCheck = async (
  written: Written[],
  needles: { values: number; forms: string[] },
  pool: Pool,
  signal: AbortSignal,
): Promise<LeakCheck> => {
  const results: ScanResult[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < written.length && !signal.aborted) {
      const start = next;
      next += SCAN_BATCH;
      const batch = written.slice(start, start + SCAN_BATCH).map((w, i) => ({ id: start + i, blob: w.blob }));
      results.push(...(await pool.run((api) => api.scan(batch, needles.forms))));
    }
  };
  await Promise.all(Array.from({ length: pool.size }, lane));
  const leaking = results.filter((s) => s.found.length);
  return {
    files: written.length,
    leaking: leaking.length,
    values: needles.values,
    found: [...new Set(leaking.flatMap((s) => s.found))],
    unreadable: results.filter((s) => s.error).map((s) => `${written[s.id]!.path}: ${s.error}`),
  };
};
