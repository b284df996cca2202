import type { InstanceInfo } from './InstanceInfo.ts';

/**
 * Which series may show a face, from headers only: shared by the app's inventory and the CLI's
 * first pass, before any pixel is read. The metadata is a hint; the content decides
 * (`pixels/deface/defaceSeries`). Issue 4, "which series".
 */

/** The few header facts of one instance the classifier needs: small, as they cross threads for every file. */
export interface SeriesFacts {
  seriesInstanceUID: string;
  modality: string;
  sopClassUID: string;
  imageType: string;
  frameOfReferenceUID: string;
  /** ImageOrientationPatient rounded (InstanceInfo.orientation). */
  orientation: string;
  /** Number of Frames (1 for single-frame images). */
  frames: number;
  /** The image has Rows and Columns (it is an image at all). */
  image: boolean;
  /** What in the header says "head", e.g. "Body Part Examined HEAD"; empty when nothing does. */
  headHint: string;
  /** Words of Image Type and descriptions that name a 3D rendering (VOLUME RENDER, VRT, MIP…); empty when none. */
  renderHint: string;
}

/** What a series is, for defacing. */
export type SeriesClass =
  /** CT or MR slices that may make a head volume: read the pixels and decide. */
  | { kind: 'head-candidate'; headHint: string }
  /**
   * A CT or MR image that is not a volume (a localizer, a scout, a single 2D image, a few slices):
   * it may show the face in profile, so it follows the verdict on the volumes of its frame of reference.
   */
  | { kind: 'localizer'; why: string; frameOfReferenceUID: string }
  /** A 3D rendering of a head (secondary capture or derived image): a picture of the face. */
  | { kind: 'volume-render'; why: string }
  /** Nothing to deface: other modalities, SR, RT, PR, documents. */
  | { kind: 'not-a-volume'; why: string };

/** Slices (or frames) a head volume needs, as `geometry/Volume.ts` REASONABLE_VOLUME asks. */
const MIN_SLICES = 20;

/**
 * Words that say "head" in Body Part Examined, Protocol Name and the descriptions, as the app's
 * inventory reads them (src/ui/findings.ts), and a few more in the languages scanners are set up in.
 */
const HEAD_WORDS =
  /\b(HEAD|BRAIN|SKULL|CRANI\w*|CRANE|KOPF|SCHAEDEL|SCHADEL|CABEZA|CRANEO|CERVEAU|NEURO\w*|FACE|FACIAL|SINUS\w*|ORBIT\w*|NECK|MAXILL\w*|MANDIB\w*|DENTAL|CEREBR\w*|IAC|PITUITARY|HYPOPHYS\w*|STROKE|TEMPORAL BONE|PETROUS)\b/;

/** Words of a 3D rendering rather than slices. */
const RENDER_WORDS = /\b(VOLUME[ _]?REND\w*|VRT|VR|3D|3-D|MIP|MINIP|SSD|SURFACE|RENDER\w*|CINEMATIC)\b/;

const SECONDARY_CAPTURE = '1.2.840.10008.5.1.4.1.1.7';

/** The facts of one instance, from its header. */
export const seriesFactsOf = (info: InstanceInfo): SeriesFacts => {
  // Underscores join words in protocol names ("t1_mprage_brain"): they separate here.
  const words = (...xs: (string | undefined)[]) => xs.map((x) => (x ?? '').toUpperCase().replace(/_/g, ' ')).join(' ');
  const body = words(info.bodyPartExamined);
  const head = HEAD_WORDS.exec(body)
    ? `Body Part Examined ${info.bodyPartExamined}`
    : HEAD_WORDS.exec(words(info.protocolName))
      ? `Protocol Name "${info.protocolName}"`
      : HEAD_WORDS.exec(words(info.seriesDescription))
        ? `Series Description "${info.seriesDescription}"`
        : HEAD_WORDS.exec(words(info.studyDescription))
          ? `Study Description "${info.studyDescription}"`
          : '';
  const render = RENDER_WORDS.exec(words(info.imageType.replace(/\\/g, ' '), info.seriesDescription));
  return {
    seriesInstanceUID: info.seriesInstanceUID,
    modality: info.modality,
    sopClassUID: info.sopClassUID,
    imageType: info.imageType.toUpperCase(),
    frameOfReferenceUID: info.frameOfReferenceUID ?? '',
    orientation: info.orientation ?? '',
    frames: Math.max(1, info.numberOfFrames ?? 1),
    image: !!info.rows && !!info.columns,
    headHint: head,
    renderHint: render ? render[0] : '',
  };
};

/**
 * Classifies the instances of one series:
 * - CT or MR with at least 20 slices or frames in one orientation → `head-candidate`, and with a
 *   head hint even in several (a stray scout among the slices must not let a face through: the
 *   content check then withholds it);
 * - a 3D rendering of a head (secondary capture, or another derived image, whose Image Type or
 *   description names VOLUME RENDER, VRT, 3D, MIP, SSD…, with a head hint) → `volume-render`;
 * - other CT or MR images (Image Type LOCALIZER, a single 2D image, a few slices) → `localizer`;
 * - anything else → `not-a-volume`.
 */
export const classifySeries = (instances: readonly SeriesFacts[]): SeriesClass => {
  const first = instances[0];
  if (!first) return { kind: 'not-a-volume', why: 'no instances' };
  const images = instances.filter((i) => i.image);
  if (images.length === 0) return { kind: 'not-a-volume', why: 'no images (SR, RT, PR or documents)' };
  const headHint = images.find((i) => i.headHint)?.headHint ?? '';
  const renderHint = images.find((i) => i.renderHint)?.renderHint ?? '';
  const secondary = images.some((i) => i.sopClassUID.startsWith(SECONDARY_CAPTURE));
  const derived = images.some((i) => i.imageType.startsWith('DERIVED'));
  const ctmr = images.every((i) => i.modality === 'CT' || i.modality === 'MR') && !secondary;
  const slices = images.reduce((n, i) => n + i.frames, 0);
  const orientations = new Set(images.map((i) => i.orientation));
  const localizer = images.every((i) => /\b(LOCALIZER|SCOUT)\b/.test(i.imageType.replace(/\\/g, ' ')));
  // Slices first: a derived reformat of a 3D acquisition ("t1 3D MPR") is a volume, and content decides.
  if (ctmr && !localizer && slices >= MIN_SLICES && (orientations.size === 1 || headHint))
    return { kind: 'head-candidate', headHint };
  if (headHint && renderHint && (secondary || derived))
    return {
      kind: 'volume-render',
      why: `a 3D rendering of a head (${renderHint}; ${headHint}): it is a picture of the face`,
    };
  if (!ctmr) return { kind: 'not-a-volume', why: `${first.modality || 'unknown modality'}: not a CT or MR volume` };
  const frameOfReferenceUID = first.frameOfReferenceUID;
  const why = localizer
    ? 'a localizer (scout)'
    : slices === 1
      ? 'a single 2D image'
      : `${slices} slices${orientations.size > 1 ? ` in ${orientations.size} orientations` : ''}: not a volume`;
  return { kind: 'localizer', why, frameOfReferenceUID };
};
