import type { InstanceInfo } from '../study/InstanceInfo.ts';

/** What happened to one input file. Every input file gets exactly one (nothing lost). */
export type Outcome = Anonymized | Withheld | Skipped;

/** De-identified, written, re-read and verified clean. Only these bytes may be offered. */
export interface Anonymized {
  status: 'anonymized';
  bytes: Uint8Array;
  /** The output's own header fields (pseudonyms, new UIDs): for naming and the DICOMDIR. */
  info: InstanceInfo;
  /** Counts of what the profile did, for the report. */
  counts: ActionCounts;
  /** Non-fatal notes worth a line in the report. */
  notes: string[];
  /** The identity strings found in the input (PHI: for leak checks on paths and outputs only). */
  identity: string[];
}

/** Not offered: it could not be read, cleaned or verified. `reason` is written for a person. */
export interface Withheld {
  status: 'withheld';
  reason: string;
  /** The original's header, when it could be read (grouping in the report; may hold PHI). */
  original?: InstanceInfo;
}

/** Not DICOM at all (autorun.inf, a viewer .exe, a PDF): listed, never an error. */
export interface Skipped {
  status: 'skipped';
  /** What it looked like, e.g. "PDF document", "Windows program", "text file". */
  what: string;
}

/** How many attributes each action touched, over all nesting levels. */
export interface ActionCounts {
  removed: number;
  emptied: number;
  replaced: number;
  kept: number;
  cleaned: number;
  uids: number;
}
