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
  /** Burned-in text was found and blacked out (113101): where, for the report. Absent otherwise. */
  text?: TextCleaning;
}

/**
 * What burned-in text cleaning did to one image, for the report and the app. It holds no PHI:
 * boxes are coordinates, sizes and flags; the text OCR read is given only for boxes kept on
 * purpose (allow-listed: an orientation letter, a scale mark, a unit, a probe or depth figure).
 */
export interface TextCleaning {
  /** Frames in the image. */
  frames: number;
  /** One layout served every frame: the boxes are listed once, for frame 'all'. */
  static: boolean;
  /** "PHI found in pixels": a box matched one of the input's identity strings. */
  phiFound: boolean;
  /** Boxes per frame (only frames with boxes), frames numbered from 1, or 'all'. */
  frameBoxes: { frame: number | 'all'; boxes: TextBox[] }[];
}

/** One box of text in a frame's pixel coordinates (column x, row y from the top left). */
export interface TextBox {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Blacked out (true), or kept as allow-listed text (false). */
  blackedOut: boolean;
  /** It matched an identity string of the input ("PHI found in pixels"). */
  phi: boolean;
  /** The kinds of identifying text read there: identity, date, time, ID-like (words, never the text). */
  risks: string[];
  /** What a kept box says (allow-listed, never identifying); absent for blacked-out boxes. */
  kept?: string;
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
