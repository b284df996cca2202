/**
 * The typed API between the page and the 3D view's worker (`view3d.worker.ts`): the skin surface
 * of one head series before and after defacing, and the face check on it (issue 4, "show the
 * proof"). Only types live here, so the page imports no engine code. Pictures cross as
 * transferred buffers, files as `File` handles (the worker reads them itself).
 */
import type { SeriesVerdict } from '../src/pixels/deface/defaceSeries.ts';
import type { FaceCheckResult } from '../src/pixels/faceCheck/faceCheck.ts';
import type { InputRef } from './api.ts';

export type { InputRef };

/** What "after" is in the 3D view. */
export type AfterKind =
  /** The defaced volume: the cut filled with air. */
  | 'defaced'
  /** Nothing is cut (no face in view, not a head): the run writes the pixels as they were. */
  | 'unchanged'
  /** The series would be withheld: nothing is written, so there is no "after" to show. */
  | 'none';

/** The series opened in the 3D view: the defacing verdict (as the run decides it) and what "after" is. */
export type SkinSummary =
  | {
      ok: true;
      verdict: SeriesVerdict;
      after: AfterKind;
      modality: 'CT' | 'MR';
      /** Columns, rows, slices of the volume. */
      dims: readonly [number, number, number];
    }
  | { ok: false; reason: string };

/** One view of the skin, before and after: one byte per pixel, `size` × `size`, row by row from the top left. */
export interface SkinPictures {
  ok: true;
  yaw: number;
  pitch: number;
  size: number;
  before: Uint8ClampedArray;
  /** Absent when the series would be withheld (nothing is written). */
  after?: Uint8ClampedArray;
}

/**
 * The face check's result with the pictures it looked at, shrunk for a strip: for view `i` of
 * `result.views`, bytes `i · thumb² … (i + 1) · thumb² − 1` of `before` and `after`.
 */
export type FaceCheckOutcome =
  | {
      ok: true;
      result: FaceCheckResult;
      /** The score from which a view counts as showing a face. */
      minScore: number;
      thumb: number;
      before: Uint8ClampedArray;
      after: Uint8ClampedArray;
    }
  | { ok: false; reason: string };

/** The 3D view's worker. One series at a time: `open` drops the one before. */
export interface View3dApi {
  /** Reads and decodes one series (its files' handles), plans the cut with the run's defaults, builds the scenes. */
  open(refs: InputRef[]): Promise<SkinSummary>;
  /** Renders the open series from a yaw and pitch (degrees), `size` pixels square. */
  render(yaw: number, pitch: number, size: number): Promise<SkinPictures | { ok: false; reason: string }>;
  /** Loads the face detector (once per worker) and runs the face check on the open series. */
  faceCheck(): Promise<FaceCheckOutcome>;
  /** Drops the open series (its volumes and scenes). */
  close(): Promise<void>;
}
