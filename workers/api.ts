/**
 * The one typed API between the page and the engine workers. Only types live here, so the main
 * bundle imports no engine code. Bytes cross as transferables; files cross as `File` handles
 * (the worker reads them, the page never does).
 */
import type { Plan } from '../src/deid/anonymize.ts';
import type { ActionCounts, TextCleaning } from '../src/deid/Outcome.ts';
import type { DicomdirResult, DirectoryEntry } from '../src/output/dicomdir.ts';
import type { SeriesVerdict } from '../src/pixels/deface/defaceSeries.ts';
import type { Box } from '../src/pixels/text/Box.ts';
import type { InstanceInfo } from '../src/study/InstanceInfo.ts';

/** One input file: a handle to it and where it sat in what the user gave us. */
export interface InputRef {
  id: number;
  file: Blob;
  /** Relative path as given (folder/sub/FILE); may hold PHI, so it is shown and reported, never written. */
  path: string;
}

/** Kinds of identifying detail the findings summary talks about: the engine's own list. */
export type { IdentityKind } from '../src/deid/IdentityKind.ts';

/** One identifying value found in a file, and how many elements of that file mention it. */
import type { IdentityKind } from '../src/deid/IdentityKind.ts';

export interface IdentityHit {
  kind: IdentityKind;
  value: string;
  /** Elements (any nesting depth, the value's own included) whose text contains it. */
  places: number;
  /** Of those, how many are private tags. */
  privatePlaces: number;
  /** The strings a leak check searches for: name parts, the ways a date is written… */
  forms: string[];
}

/** What the header of one DICOM file says, for the tree and the findings. */
export interface DicomEntry {
  id: number;
  kind: 'dicom';
  info: InstanceInfo;
  /** A Media Storage Directory (DICOMDIR): read for findings, replaced by a new one on output. */
  isDicomdir: boolean;
  /** Body Part Examined, Protocol Name and descriptions, upper-cased: for the "shows the face" hint. */
  anatomy: string;
  identity: IdentityHit[];
  /** Whether the pixels may carry burned-in text: declared YES, or a screenshot-like image with no declaration. */
  burnedIn: 'yes' | 'maybe' | 'no';
  /** Pixel Data is native (not compressed): showing it needs no codec to be loaded. */
  nativePixels: boolean;
  hasPixels: boolean;
}

/** A file that is not DICOM: listed as skipped, never as an error. */
export interface SkippedEntry {
  id: number;
  kind: 'skipped';
  /** What it looked like, e.g. "PDF document". */
  what: string;
}

/** A file that looks like DICOM (or might be) but cannot be read. */
export interface UnreadableEntry {
  id: number;
  kind: 'unreadable';
  reason: string;
}

export type InventoryEntry = DicomEntry | SkippedEntry | UnreadableEntry;

/** The result of de-identifying one file; `bytes` is transferred, never copied. */
export type ProcessResult =
  | {
      id: number;
      status: 'anonymized';
      bytes: Uint8Array;
      /** CRC-32 of `bytes`, computed in the worker so the zip writer does no hashing on the page. */
      crc32: number;
      info: InstanceInfo;
      counts: ActionCounts;
      notes: string[];
      /** The input's identity strings (PHI; only to check the output's name against). */
      identity: string[];
      /** Burned-in text blacked out in its pixels (boxes and flags, no PHI), for the report and the summary. */
      text?: TextCleaning;
    }
  | { id: number; status: 'withheld'; reason: string; original?: InstanceInfo }
  | { id: number; status: 'skipped'; what: string };

/**
 * The end of one series call (issue 4): the verdict on the series (defaced, no face in view, not
 * a head, not a volume, withheld, off). Every input's result, one that could not be read
 * included, went to the call's `onResult` as it was made.
 */
export interface SeriesResult {
  verdict: SeriesVerdict;
}

/** One written output to re-read for the leak check. */
export interface WrittenRef {
  id: number;
  blob: Blob;
}

/** The leak check's verdict on one written file. */
export interface ScanResult {
  id: number;
  /** Identifying strings found in it (empty when clean). */
  found: string[];
  /** Set when the file could not be re-read as DICOM. */
  error?: string;
}

/** A decoded frame for the viewer: modality values (rescale applied) or RGB. */
export interface Frame {
  width: number;
  height: number;
  /** Number of frames in the file (multi-frame images). */
  frames: number;
  kind: 'mono' | 'rgb';
  /** Mono: Float32 modality values. RGB: interleaved 8-bit RGB. */
  pixels: Float32Array | Uint8Array;
  /** MONOCHROME1 displays inverted. */
  invert: boolean;
  /** The file's own window, or one spanning min..max. */
  window: { center: number; width: number };
  min: number;
  max: number;
}

export type FrameResult = { ok: true; frame: Frame } | { ok: false; reason: string };

/** How one attribute fared, for the tag table. */
export type TagStatus = 'kept' | 'replaced' | 'removed' | 'added';

export interface TagRow {
  /** Nesting path, e.g. "(0008,1140)[1] > (0008,1155)". */
  path: string;
  depth: number;
  keyword: string;
  vr: string;
  before: string | undefined;
  after: string | undefined;
  status: TagStatus;
}

export type TagTableResult = { ok: true; rows: TagRow[]; outcome: string } | { ok: false; reason: string };

/**
 * Burned-in text in one image as OCR finds it, for the preview's boxes: one list per frame, each
 * box with what was read (PHI: shown on this device only) and its "PHI found in pixels" flag.
 * Coordinates only; no pixels cross.
 */
export type TextFound =
  | {
      ok: true;
      boxes: Box[][];
      /** One layout served every frame (a multi-frame image read on a sample of frames). */
      static: boolean;
      /** The device and size the image comes from: where "every image from this device" applies. */
      device: { key: string; label: string };
    }
  | { ok: false; reason: string };

/** Which plan a call uses. */
export type PlanSlot = 'run' | 'preview';

/** The API each engine worker exposes through comlink. */
export interface EngineApi {
  /** Resolves once the worker has loaded (used to warm the pool before the app says it is ready). */
  ping(): Promise<true>;
  /** Reads the headers of a batch of files (never pixel data). */
  inventory(batch: InputRef[]): Promise<InventoryEntry[]>;
  /**
   * Sets a plan: 'run' is used by `process`, 'preview' by `frame` (after) and `tags`. Two slots,
   * so that opening a preview with other settings can never change a run in progress.
   */
  setPlan(slot: PlanSlot, plan: Plan): Promise<void>;
  /** De-identifies one file. */
  process(input: InputRef): Promise<ProcessResult>;
  /**
   * De-identifies the files of one head-candidate series together, defacing them when they are a
   * head (`streamSeries` with the 'run' plan). The worker reads each file itself, as often as the
   * series call needs it, and holds one file and the series' judging copy while it works; call it
   * for one series per worker at a time. Each result is handed
   * to `onResult` (a `Comlink.proxy`, its `bytes` transferred) as soon as it is made, and awaited:
   * a slow sink slows the series rather than filling the worker.
   */
  processSeries(inputs: InputRef[], onResult: (result: ProcessResult) => Promise<void>): Promise<SeriesResult>;
  /** Re-reads written outputs and looks for any of the identifying strings. */
  scan(items: WrittenRef[], needles: string[]): Promise<ScanResult[]>;
  /**
   * Decodes one frame of an image, as it is (before) or as it will be written (after). With
   * `series` (the whole series `input` belongs to, a head candidate), "after" comes from the
   * series call with the 'preview' plan, so a head shows its defaced slice; the worker keeps that
   * one series' outputs until another series is asked for.
   */
  frame(input: InputRef, index: number, after: boolean, series?: InputRef[]): Promise<FrameResult>;
  /** The tag table: every attribute of the original beside the de-identified one (`series` as for `frame`). */
  tags(input: InputRef, series?: InputRef[]): Promise<TagTableResult>;
  /**
   * The verdict of the series call on a whole series under the 'preview' plan (cached as for
   * `frame`): what a run would do to it.
   */
  previewVerdict(series: InputRef[]): Promise<SeriesVerdict>;
  /**
   * Finds the burned-in text of one image with OCR (the 'preview' plan's identity strings flag
   * "PHI found in pixels"), for the preview to draw and the user to edit. Loads the OCR once per worker.
   */
  findText(input: InputRef): Promise<TextFound>;
  /** Writes a new DICOMDIR for the output tree. */
  dicomdir(entries: DirectoryEntry[]): Promise<DicomdirResult & { crc32?: number }>;
}
