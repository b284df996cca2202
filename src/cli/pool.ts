import { Worker } from 'node:worker_threads';
import type { Job, Reply, WorkerSetup } from './protocol.ts';

/** A worker stopped while it held this job; `culprit` if the job was the one it was working on. */
export class WorkerStopped extends Error {
  constructor(
    message: string,
    readonly culprit: boolean,
  ) {
    super(message);
  }
}

interface Slot {
  worker: Worker;
  /** Jobs sent to this worker, in the order it will process them. */
  pending: Map<number, { resolve: (r: Reply) => void; reject: (e: WorkerStopped) => void; series: boolean }>;
  /** Series jobs among them. */
  series: number;
}

/**
 * A fixed-size pool of worker threads, started on first use or by start(). Each file job goes to
 * the worker with the fewest jobs queued (a worker busy with a series only when every worker is),
 * so with two jobs per worker in flight the next file is already waiting when a worker finishes.
 * Series jobs all go to the first worker: a head series holds its judging copy and, once a face
 * has been checked, the face detector (about 150 MB of WebAssembly memory that never shrinks), so
 * two series on two workers took the process to 580 MB (two real head CTs at once, measured)
 * against 365 MB for one; meanwhile the other workers take the single files. A worker that dies
 * takes only its own jobs with it, and is replaced.
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private nextId = 1;

  constructor(
    private readonly size: number,
    private readonly setup: WorkerSetup,
  ) {}

  /**
   * Starts up to `n` workers now (never more than the pool's size), so that their start-up, which
   * loads the whole engine, overlaps the main thread's own preparations.
   */
  start(n: number): void {
    while (this.slots.length < Math.min(n, this.size)) this.spawn();
  }

  /** Runs one job: the worker reads the input and writes the output itself; only metadata returns. */
  run(task: Omit<Job, 'id'>): Promise<Reply> {
    const series = task.series !== undefined;
    const slot = series ? (this.slots[0] ?? this.spawn()) : this.pick();
    const id = this.nextId++;
    if (series) slot.series++;
    return new Promise<Reply>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject, series });
      const job: Job = { id, ...task };
      slot.worker.postMessage(job);
    });
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    const all = this.slots.splice(0);
    await Promise.all(all.map((s) => s.worker.terminate()));
  }

  private pick(): Slot {
    const free = this.slots.filter((s) => s.series === 0);
    const idle = (free.length ? free : this.slots).reduce<Slot | undefined>(
      (best, s) => (!best || s.pending.size < best.pending.size ? s : best),
      undefined,
    );
    if (idle && (idle.pending.size === 0 || this.slots.length >= this.size)) return idle;
    return this.spawn();
  }

  private spawn(): Slot {
    const start = workerStart();
    const { script, ...options } = start;
    const worker = new Worker(script, { ...options, workerData: this.setup });
    const slot: Slot = { worker, pending: new Map(), series: 0 };
    worker.on('message', (reply: Reply) => {
      const p = slot.pending.get(reply.id);
      slot.pending.delete(reply.id);
      if (p?.series) slot.series--;
      p?.resolve(reply);
    });
    const fail = (why: string) => {
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      let first = true;
      for (const p of slot.pending.values()) {
        p.reject(new WorkerStopped(why, first));
        first = false;
      }
      slot.pending.clear();
      slot.series = 0;
    };
    worker.on('error', (e: Error) => fail(`the worker stopped: ${e.message}`));
    worker.on('exit', (code) => {
      if (slot.pending.size) fail(`the worker exited (code ${code})`);
    });
    this.slots.push(slot);
    return slot;
  }
}

/**
 * How to start a worker. The bundle (`npm run cli`, scripts/cli.mjs) starts worker.js beside it.
 * Under tsx (the tests: `node --import tsx src/cli/main.ts`) the worker is TypeScript, and on Node 20 tsx registers its loader on the main thread only, so
 * a tiny JS bootstrap registers it in the worker and then imports worker.ts. tsx's own flags are
 * dropped from the worker's execArgv (they do nothing there); other Node flags are kept.
 */
const workerStart = (): { script: string | URL; eval: boolean; execArgv?: string[] } => {
  const url = new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url);
  // Left unset, execArgv is inherited, minus the flags a worker cannot take (--trace-gc…), which
  // would make passing process.execArgv explicitly fail.
  if (!import.meta.url.endsWith('.ts')) return { script: url, eval: false };
  const api = import.meta.resolve('tsx/esm/api');
  const script = `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); });`;
  const execArgv: string[] = [];
  for (let i = 0; i < process.execArgv.length; i++) {
    const a = process.execArgv[i]!;
    const next = process.execArgv[i + 1] ?? '';
    if ((a === '--import' || a === '--require' || a === '--loader') && /(^|[\\/])tsx([\\/]|$)/.test(next)) i++;
    else if (!/(^|[\\/])tsx([\\/]|$)/.test(a)) execArgv.push(a);
  }
  return { script, eval: true, execArgv };
};
