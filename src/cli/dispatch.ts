import { type FileRecord, originalSeries } from '../output/report.ts';
import { describeError } from './files.ts';
import type { Staged } from './finalize.ts';
import { Interner } from './intern.ts';
import { type WorkerPool, WorkerStopped } from './pool.ts';
import type { Progress } from './progress.ts';
import type { Job, Reply, Spent } from './protocol.ts';
import type { InputEntry, InputFile } from './walk.ts';

/** What became of the input files: a record for each one not staged, and the staged outputs. */
export interface Dispatched {
  records: FileRecord[];
  staged: Staged[];
  /** Seconds (since process start) when the first file came back: the workers' start-up shows here. */
  firstReplyAt?: number;
  /** Milliseconds all workers together spent reading, in the engine, and writing. */
  spent: Spent;
}

/**
 * Hands every input file to the worker pool and collects the results. The workers read,
 * classify, de-identify and write; this thread only keeps the books, so it never waits on file
 * bytes. At most `perWorker` files per worker are in flight: the next file is already queued when
 * a worker finishes one, and the file bytes held at once stay bounded whatever the input's size.
 * What does grow is the bookkeeping, about 2 KB a file once interned (see Interner).
 */
export const dispatchAll = async (
  entries: readonly InputEntry[],
  pool: WorkerPool,
  opts: { workers: number; perWorker?: number; progress: Progress; extraIdentity?: readonly string[] },
): Promise<Dispatched> => {
  const out: Dispatched = { records: [], staged: [], spent: { read: 0, engine: 0, write: 0 } };
  const { records, staged } = out;
  const interner = new Interner();

  const one = async (entry: InputFile): Promise<void> => {
    const { rel, size } = entry;
    let reply: Reply;
    try {
      reply = await runWithRetry(pool, { name: rel, path: entry.path, extraIdentity: opts.extraIdentity });
    } catch (e) {
      records.push({ status: 'withheld', input: rel, bytes: size, reason: `${rel}: ${describeError(e)}` });
      return;
    }
    out.firstReplyAt ??= performance.now() / 1000;
    out.spent.read += reply.spent.read;
    out.spent.engine += reply.spent.engine;
    out.spent.write += reply.spent.write;
    if (reply.status === 'withheld') {
      const series = reply.original ? { series: originalSeries(reply.original) } : {};
      records.push({ status: 'withheld', input: rel, bytes: size, reason: reply.reason, ...series });
    } else if (reply.status === 'skipped') {
      records.push({ status: 'skipped', input: rel, bytes: size, what: reply.what });
    } else if (reply.status === 'scanned') {
      records.push({ status: 'withheld', input: rel, bytes: size, reason: `${rel}: internal error (a scan reply)` });
    } else {
      const { stagePath, counts, outputBytes } = reply;
      const info = interner.info(reply.info);
      const identity = interner.list(reply.identity);
      const notes = reply.notes.map((n) => interner.string(n));
      staged.push({ entry, stagePath, info, identity, counts, notes, outputBytes });
    }
  };

  const limit = (opts.perWorker ?? 2) * opts.workers;
  const running = new Set<Promise<void>>();
  for (const entry of entries) {
    if (entry.kind === 'not-followed') {
      records.push({ status: 'skipped', input: entry.rel, bytes: 0, what: entry.what });
      opts.progress.tick(0);
      continue;
    }
    while (running.size >= limit) await Promise.race(running);
    const p: Promise<void> = one(entry)
      .catch((e) => {
        // Only a bug gets here; the file is still accounted for.
        const reason = `${entry.rel}: ${describeError(e)}`;
        records.push({ status: 'withheld', input: entry.rel, bytes: entry.size, reason });
      })
      .finally(() => {
        running.delete(p);
        opts.progress.tick(entry.size);
      });
    running.add(p);
  }
  await Promise.all(running);
  return out;
};

/**
 * The first pass: every input file's identity strings, gathered by the workers from headers only,
 * so the second pass can search each file for what the whole batch says about its patients
 * (an ID in one file's header, written into another file's comments). Bounded like the second pass.
 */
export const scanIdentity = async (
  entries: readonly InputEntry[],
  pool: WorkerPool,
  opts: { workers: number; perWorker?: number },
): Promise<string[]> => {
  const found = new Set<string>();
  const limit = (opts.perWorker ?? 2) * opts.workers;
  const running = new Set<Promise<void>>();
  for (const entry of entries) {
    if (entry.kind === 'not-followed') continue;
    while (running.size >= limit) await Promise.race(running);
    const p: Promise<void> = runWithRetry(pool, { name: entry.rel, path: entry.path, scan: true })
      .then((reply) => {
        if (reply.status === 'scanned') for (const s of reply.identity) found.add(s);
      })
      // A file the first pass can't scan is judged on its own in the second: nothing is lost here.
      .catch(() => undefined)
      .finally(() => running.delete(p));
    running.add(p);
  }
  await Promise.all(running);
  return [...found];
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
