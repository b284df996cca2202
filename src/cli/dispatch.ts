import { type FileRecord, originalSeries, type SeriesRecord } from '../output/report.ts';
import { classifySeries, type SeriesFacts } from '../study/headVolume.ts';
import { describeError } from './files.ts';
import type { Staged } from './finalize.ts';
import { Interner } from './intern.ts';
import { type WorkerPool, WorkerStopped } from './pool.ts';
import type { Progress } from './progress.ts';
import type { FileResult, Job, Reply, Spent } from './protocol.ts';
import type { InputEntry, InputFile } from './walk.ts';

/** What became of the input files: a record for each one not staged, and the staged outputs. */
export interface Dispatched {
  records: FileRecord[];
  staged: Staged[];
  /** The verdict on each series that went through the series call (defacing), for the report. */
  series: SeriesRecord[];
  /** Seconds (since process start) when the first file came back: the workers' start-up shows here. */
  firstReplyAt?: number;
  /** Milliseconds all workers together spent reading, in the engine, and writing. */
  spent: Spent;
}

/** What the first pass found: the batch's identity strings and each DICOM file's series facts, by input path. */
export interface Scanned {
  identity: string[];
  facts: Map<string, SeriesFacts>;
}

/** The work for the second pass: single files, whole series, and files that wait for a series' verdict. */
interface Work {
  singles: InputFile[];
  series: { files: InputFile[]; facts: SeriesFacts }[];
  /** Localizers and 2D images on the frame of reference of a head-candidate series. */
  waiting: { entry: InputFile; why: string; frameOfReferenceUID: string }[];
  /** Decided from the header alone (a 3D rendering of a head). */
  withheld: { entry: InputFile; reason: string }[];
  /** Frames of reference whose localizers are unsafe before any series runs, and why. */
  unsafeFrames: Map<string, string>;
}

/**
 * Sorts the files for the second pass (issue 4, "which series"): head-candidate series go to a
 * worker whole; localizers and 2D CT/MR images sharing a candidate's frame of reference wait for
 * its verdict; 3D renderings of a head are withheld; everything else goes file by file. A head
 * series the user also asked to scan for text is withheld: defacing and text cleaning on the same
 * pixels are not combined yet, and doing only one would drop a step the user asked for.
 */
const planWork = (
  files: InputFile[],
  facts: ReadonlyMap<string, SeriesFacts> | undefined,
  deface: boolean,
  scanSeries: ReadonlySet<string>,
): Work => {
  const work: Work = { singles: [], series: [], waiting: [], withheld: [], unsafeFrames: new Map() };
  if (!deface || !facts) {
    work.singles = files;
    return work;
  }
  const bySeries = new Map<string, InputFile[]>();
  for (const f of files) {
    const uid = facts.get(f.rel)?.seriesInstanceUID;
    if (!uid) {
      work.singles.push(f);
      continue;
    }
    const list = bySeries.get(uid) ?? [];
    list.push(f);
    bySeries.set(uid, list);
  }
  const classes = [...bySeries.values()].map((list) => ({
    list,
    c: classifySeries(list.map((f) => facts.get(f.rel)!)),
  }));
  const candidateFrames = new Set<string>();
  for (const { list, c } of classes) {
    if (c.kind !== 'head-candidate') continue;
    const uid = facts.get(list[0]!.rel)!.seriesInstanceUID;
    if (scanSeries.has(uid)) {
      for (const entry of list)
        work.withheld.push({
          entry,
          reason: `${entry.rel}: a head series chosen to be scanned for text; defacing and text cleaning are not done together yet (use --no-deface to scan it for text); withheld`,
        });
      for (const f of list) {
        const frame = facts.get(f.rel)!.frameOfReferenceUID;
        candidateFrames.add(frame);
        work.unsafeFrames.set(
          frame,
          'a localizer or 2D image of a head series that was withheld: it may show the face in profile',
        );
      }
      continue;
    }
    work.series.push({ files: list, facts: facts.get(list[0]!.rel)! });
    for (const f of list) candidateFrames.add(facts.get(f.rel)!.frameOfReferenceUID);
  }
  candidateFrames.delete('');
  for (const { list, c } of classes) {
    if (c.kind === 'head-candidate') continue;
    if (c.kind === 'volume-render') {
      for (const entry of list) work.withheld.push({ entry, reason: `${entry.rel}: ${c.why}; withheld` });
    } else if (c.kind === 'localizer' && candidateFrames.has(c.frameOfReferenceUID)) {
      for (const entry of list) work.waiting.push({ entry, why: c.why, frameOfReferenceUID: c.frameOfReferenceUID });
    } else work.singles.push(...list);
  }
  return work;
};

/**
 * Hands every input file to the worker pool and collects the results. The workers read,
 * classify, de-identify and write; this thread only keeps the books, so it never waits on file
 * bytes. At most `perWorker` jobs per worker are in flight: the next is already queued when a
 * worker finishes one, and the file bytes held at once stay bounded whatever the input's size (a
 * series job holds one series, and series run one at a time on one worker: one volume in memory).
 * What does grow is the bookkeeping, about 2 KB a file once interned (see Interner).
 * With defacing on, head-candidate series start first, as one job each, one after another on one
 * worker while the others take the single files; files waiting on their verdict go last.
 */
export const dispatchAll = async (
  entries: readonly InputEntry[],
  pool: WorkerPool,
  opts: {
    workers: number;
    perWorker?: number;
    progress: Progress;
    extraIdentity?: readonly string[];
    /** Series facts from the first pass, by input path. */
    facts?: ReadonlyMap<string, SeriesFacts>;
    /** Deface head volumes (default on). */
    deface?: boolean;
    /** Original Series Instance UIDs the user asked to scan for burned-in text. */
    scanSeries?: readonly string[];
  },
): Promise<Dispatched> => {
  const out: Dispatched = { records: [], staged: [], series: [], spent: { read: 0, engine: 0, write: 0 } };
  const { records, staged } = out;
  const interner = new Interner();

  const accept = (entry: InputFile, result: FileResult): void => {
    const { rel, size } = entry;
    if (result.status === 'withheld') {
      const series = result.original ? { series: originalSeries(result.original) } : {};
      records.push({ status: 'withheld', input: rel, bytes: size, reason: result.reason, ...series });
    } else if (result.status === 'skipped') {
      records.push({ status: 'skipped', input: rel, bytes: size, what: result.what });
    } else {
      const { stagePath, counts, outputBytes } = result;
      const info = interner.info(result.info);
      const identity = interner.list(result.identity);
      const notes = result.notes.map((n) => interner.string(n));
      staged.push({
        entry,
        stagePath,
        info,
        identity,
        counts,
        notes,
        outputBytes,
        ...(result.text ? { text: result.text } : {}),
      });
    }
  };
  const lost = (entry: InputFile, e: unknown) =>
    records.push({
      status: 'withheld',
      input: entry.rel,
      bytes: entry.size,
      reason: `${entry.rel}: ${describeError(e)}`,
    });
  const tally = (reply: Reply) => {
    out.firstReplyAt ??= performance.now() / 1000;
    out.spent.read += reply.spent.read;
    out.spent.engine += reply.spent.engine;
    out.spent.write += reply.spent.write;
  };

  const one = async (entry: InputFile): Promise<void> => {
    let reply: Reply;
    try {
      reply = await runWithRetry(pool, { name: entry.rel, path: entry.path, extraIdentity: opts.extraIdentity });
    } catch (e) {
      lost(entry, e);
      return;
    }
    tally(reply);
    if (reply.status === 'scanned' || reply.status === 'series') {
      lost(entry, new Error('internal error (an unexpected reply)'));
    } else accept(entry, reply);
  };

  /** Verdicts that make the localizers of a frame of reference unsafe, by Frame of Reference UID. */
  const unsafeFrames = new Map<string, string>();
  const series = async (files: InputFile[], facts: SeriesFacts): Promise<void> => {
    let reply: Reply;
    try {
      reply = await runWithRetry(pool, {
        name: files[0]!.rel,
        path: files[0]!.path,
        extraIdentity: opts.extraIdentity,
        series: files.map((f) => ({ name: f.rel, path: f.path })),
      });
    } catch (e) {
      for (const f of files) lost(f, e);
      unsafeFrames.set(facts.frameOfReferenceUID, 'its head series could not be processed');
      return;
    }
    tally(reply);
    if (reply.status !== 'series') {
      for (const f of files) lost(f, new Error('internal error (an unexpected reply)'));
      return;
    }
    const v = reply.verdict;
    for (const [i, f] of files.entries()) accept(f, reply.results[i]!);
    out.series.push({
      seriesInstanceUID: facts.seriesInstanceUID,
      modality: facts.modality,
      files: files.length,
      from: folderOf(files[0]!.rel),
      verdict: v,
    });
    const frame = 'frameOfReferenceUID' in v ? v.frameOfReferenceUID : undefined;
    if (v.kind === 'defaced' && frame)
      unsafeFrames.set(frame, 'a localizer or 2D image of a defaced head: it shows the face in profile');
    if (v.kind === 'withheld')
      unsafeFrames.set(
        frame ?? facts.frameOfReferenceUID,
        'a localizer or 2D image of a head series that was withheld: it may show the face in profile',
      );
  };

  const files: InputFile[] = [];
  for (const entry of entries) {
    if (entry.kind === 'not-followed') {
      records.push({ status: 'skipped', input: entry.rel, bytes: 0, what: entry.what });
      opts.progress.tick(0);
    } else files.push(entry);
  }
  const work = planWork(files, opts.facts, opts.deface !== false, new Set(opts.scanSeries ?? []));
  for (const [frame, why] of work.unsafeFrames) unsafeFrames.set(frame, why);
  for (const { entry, reason } of work.withheld) {
    records.push({ status: 'withheld', input: entry.rel, bytes: entry.size, reason });
    opts.progress.tick(entry.size);
  }

  const limit = (opts.perWorker ?? 2) * opts.workers;
  const running = new Set<Promise<void>>();
  const start = async (task: () => Promise<void>, done: () => void, onBug: (e: unknown) => void) => {
    while (running.size >= limit) await Promise.race(running);
    const p: Promise<void> = task()
      // Only a bug gets here; the files are still accounted for.
      .catch(onBug)
      .finally(() => {
        running.delete(p);
        done();
      });
    running.add(p);
  };
  // Series one after another (the pool gives them all to one worker: one volume and one face
  // detector in memory), beside the single files, which the other workers take meanwhile.
  const allSeries = (async () => {
    for (const s of work.series) {
      try {
        await series(s.files, s.facts);
      } catch (e) {
        for (const f of s.files) lost(f, e);
      }
      for (const f of s.files) opts.progress.tick(f.size);
    }
  })();
  for (const entry of work.singles)
    await start(
      () => one(entry),
      () => opts.progress.tick(entry.size),
      (e) => lost(entry, e),
    );
  await allSeries;
  await Promise.all(running);
  // Localizers last: every series of their frame of reference has its verdict now.
  for (const w of work.waiting) {
    const unsafe = unsafeFrames.get(w.frameOfReferenceUID);
    if (unsafe) {
      records.push({
        status: 'withheld',
        input: w.entry.rel,
        bytes: w.entry.size,
        reason: `${w.entry.rel}: ${w.why}, ${unsafe}; withheld`,
      });
      opts.progress.tick(w.entry.size);
      continue;
    }
    await start(
      () => one(w.entry),
      () => opts.progress.tick(w.entry.size),
      (e) => lost(w.entry, e),
    );
  }
  await Promise.all(running);
  return out;
};

const folderOf = (rel: string): string => rel.slice(0, Math.max(0, rel.lastIndexOf('/'))) || '.';

/**
 * The first pass: every input file's identity strings and series facts, gathered by the workers
 * from headers only, so the second pass can search each file for what the whole batch says about
 * its patients (an ID in one file's header, written into another file's comments) and send head
 * series to the series call whole. Bounded like the second pass.
 */
export const scanIdentity = async (
  entries: readonly InputEntry[],
  pool: WorkerPool,
  opts: { workers: number; perWorker?: number },
): Promise<Scanned> => {
  const found = new Set<string>();
  const facts = new Map<string, SeriesFacts>();
  const limit = (opts.perWorker ?? 2) * opts.workers;
  const running = new Set<Promise<void>>();
  for (const entry of entries) {
    if (entry.kind === 'not-followed') continue;
    while (running.size >= limit) await Promise.race(running);
    const p: Promise<void> = runWithRetry(pool, { name: entry.rel, path: entry.path, scan: true })
      .then((reply) => {
        if (reply.status !== 'scanned') return;
        for (const s of reply.identity) found.add(s);
        if (reply.facts) facts.set(entry.rel, reply.facts);
      })
      // A file the first pass can't scan is judged on its own in the second: nothing is lost here.
      .catch(() => undefined)
      .finally(() => running.delete(p));
    running.add(p);
  }
  await Promise.all(running);
  return { identity: [...found], facts };
};

/**
 * Runs a job; if its worker died while the job was only queued behind another file, the job was
 * not at fault (and nothing of it was written): run it once more on another worker.
 */
const runWithRetry = async (pool: WorkerPool, task: Omit<Job, 'id'>): Promise<Reply> => {
  try {
    return await pool.run(task);
  } catch (e) {
    if (!(e instanceof WorkerStopped) || e.culprit) throw e;
    return pool.run(task);
  }
};
