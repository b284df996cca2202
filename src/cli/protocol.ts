import type { Plan } from '../deid/anonymize.ts';
import type { ActionCounts } from '../deid/Outcome.ts';
import type { InstanceInfo } from '../study/InstanceInfo.ts';

/**
 * Messages between the CLI's main thread and its workers. File bytes travel as transferred
 * ArrayBuffers (moved, not copied, and never JSON); everything else is small.
 */

/** Sent once, as workerData. */
export interface WorkerSetup {
  plan: Plan;
}

/** One file to de-identify. `buffer` is transferred and holds exactly the file. */
export interface Job {
  id: number;
  /** Used in messages only. */
  name: string;
  buffer: ArrayBuffer;
}

/** What became of a job. For `anonymized`, `buffer` is transferred back and holds exactly the output. */
export type Reply = { id: number } & (
  | {
      status: 'anonymized';
      buffer: ArrayBuffer;
      /** The output's header, as the engine re-read it from the output bytes. */
      info: InstanceInfo;
      /** Identity strings found in the input (names, IDs…), to check output paths against. */
      identity: string[];
      counts: ActionCounts;
      notes: string[];
    }
  | { status: 'withheld'; reason: string; original?: InstanceInfo }
  | { status: 'skipped'; what: string }
);
