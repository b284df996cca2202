import * as Comlink from 'comlink';
import type { EngineApi } from '../../workers/api.ts';

/**
 * A pool of engine workers, one per core. Tasks go to the least busy worker; each worker runs
 * its tasks one after another, so a task's memory is bounded by the files it holds.
 */

interface Slot {
  worker: Worker;
  api: Comlink.Remote<EngineApi>;
  busy: number;
  /** A series call is running on it (it holds a whole volume). */
  series: boolean;
}

export class Pool {
  private readonly slots: Slot[];

  constructor(readonly size = Math.max(1, Math.min(navigator.hardwareConcurrency || 2, 16))) {
    this.slots = Array.from({ length: size }, (_, i) => {
      const worker = new Worker(new URL('../../workers/engine.worker.ts', import.meta.url), {
        type: 'module',
        name: `veil-engine-${i + 1}`,
      });
      return { worker, api: Comlink.wrap<EngineApi>(worker), busy: 0, series: false };
    });
  }

  /** Resolves when every worker has loaded the engine. */
  async ready(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.api.ping()));
  }

  /** Runs a task on the least busy worker. */
  // Typed by the task's whole return type: comlink turns a union result into a union of promises.
  async run<R extends Promise<unknown>>(task: (api: Comlink.Remote<EngineApi>) => R): Promise<Awaited<R>> {
    // A worker busy with a series only when every worker is: a file queued behind a volume waits for it.
    const free = this.slots.filter((s) => !s.series);
    const slot = (free.length ? free : this.slots).reduce((a, b) => (b.busy < a.busy ? b : a));
    slot.busy++;
    try {
      return await task(slot.api);
    } finally {
      slot.busy--;
    }
  }

  private readonly seriesWaiting: (() => void)[] = [];

  /**
   * Runs a series call (a whole volume) on the first worker, once it holds no other series: series
   * go one at a time, so the tab holds one judging copy and one face detector (about 150 MB of
   * WebAssembly memory that never shrinks, per worker that ever loads it), while the other workers
   * take the single files. As the CLI's pool does (src/cli/pool.ts).
   */
  async runSeries<R extends Promise<unknown>>(task: (api: Comlink.Remote<EngineApi>) => R): Promise<Awaited<R>> {
    const slot = this.slots[0]!;
    while (slot.series) await new Promise<void>((wake) => this.seriesWaiting.push(wake));
    slot.series = true;
    slot.busy++;
    try {
      return await task(slot.api);
    } finally {
      slot.busy--;
      slot.series = false;
      this.seriesWaiting.shift()?.();
    }
  }

  /**
   * Runs a task on the first worker, always: the preview's series calls go there, so the one
   * series that worker caches is the one asked for next.
   */
  async runPinned<R extends Promise<unknown>>(task: (api: Comlink.Remote<EngineApi>) => R): Promise<Awaited<R>> {
    const slot = this.slots[0]!;
    slot.busy++;
    try {
      return await task(slot.api);
    } finally {
      slot.busy--;
    }
  }

  /** Runs the same call on every worker (setting the plan). */
  async each(task: (api: Comlink.Remote<EngineApi>) => Promise<void>): Promise<void> {
    await Promise.all(this.slots.map((s) => task(s.api)));
  }

  /** How many tasks are queued or running in total. */
  get busy(): number {
    return this.slots.reduce((n, s) => n + s.busy, 0);
  }
}
