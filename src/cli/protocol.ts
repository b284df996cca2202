import type { Plan } from '../deid/anonymize.ts';
import type { ActionCounts, TextCleaning } from '../deid/Outcome.ts';
import type { SeriesVerdict } from '../pixels/deface/defaceSeries.ts';
import type { SeriesFacts } from '../study/headVolume.ts';
import type { InstanceInfo } from '../study/InstanceInfo.ts';

/**
 * Messages between the CLI's main thread and its workers. File bytes never cross: a job names
 * the input file and where to write the output, the worker does the reading and writing itself,
 * and only small metadata comes back. So the main thread never waits on file I/O and no buffer
 * is ever copied or transferred between threads.
 */

/** Sent once, as workerData. */
export interface WorkerSetup {
  plan: Plan;
  /**
   * The staging folder. Each worker writes into a subfolder of its own, as creating files in
   * one folder from two threads at once makes them wait on each other (the folder's lock).
   */
  stageDir: string;
}

/** One input file to classify and, if it is DICOM, de-identify. */
export interface Job {
  id: number;
  /** The input's path relative to the input folder: used in messages only. */
  name: string;
  /** Where to read the input. */
  path: string;
  /**
   * Only collect the file's identity strings (the first pass): the leak scan of every file then
   * looks for what any file of the batch says about the patients, as the app does.
   */
  scan?: boolean;
  /** Identity strings found anywhere in the batch, searched for in this file as well. */
  extraIdentity?: readonly string[];
  /**
   * The files of one head-candidate series, de-identified together and defaced when they are a
   * head (`defaceSeries`); `name` and `path` then only label the job. Each file's output goes to
   * the job's staging path with its index appended.
   */
  series?: readonly { name: string; path: string }[];
}

/** What became of one input file. `anonymized` means the output is complete at `stagePath`. */
export type FileResult =
  | {
      status: 'anonymized';
      /** Where the output was written, in the staging folder; its final name comes later. */
      stagePath: string;
      /** Size of the written output. */
      outputBytes: number;
      /** The output's header, as the engine re-read it from the output bytes. */
      info: InstanceInfo;
      /** Identity strings found in the input (names, IDs…), to check output paths against. */
      identity: string[];
      counts: ActionCounts;
      notes: string[];
      /** Burned-in text blacked out in its pixels: where (no PHI). */
      text?: TextCleaning;
    }
  | { status: 'withheld'; reason: string; original?: InstanceInfo }
  | { status: 'skipped'; what: string };

/** What a job gives back: a file's result, the first pass's facts, or a series' results. */
export type JobResult =
  | FileResult
  /** The first pass: the file's identity strings, and its series facts when it is DICOM with a readable header. */
  | { status: 'scanned'; identity: string[]; facts?: SeriesFacts }
  /** A series job: the verdict on the series and one result per file, in the job's order. */
  | { status: 'series'; verdict: SeriesVerdict; results: FileResult[] };

/** Milliseconds a job spent reading its input, in the engine, and writing its output. */
export interface Spent {
  read: number;
  engine: number;
  write: number;
}

/** The answer to job `id`, with where its time went (for --timing; three clock reads a file). */
export type Reply = { id: number; spent: Spent } & JobResult;
