import type { DicomEntry } from '../../workers/api.ts';
import type { SeriesVerdict } from '../pixels/deface/defaceSeries.ts';
import { classifySeries, type SeriesClass, seriesFactsOf } from '../study/headVolume.ts';
import { count } from './format.ts';

/**
 * Which series may show a face, and what a run does about it (issue 4), for the app: the same
 * header-only classifier as the CLI (`study/headVolume.ts`) and the same policy
 * (`cli/dispatch.ts`): head-candidate series go to the series call whole; localizers on the frame
 * of reference of a head candidate wait for its verdict; 3D renderings of a head are held back
 * unless the user has looked and cleared them; everything else goes file by file. Also the plain
 * words the inventory shows before and after a run.
 */

/** One series as the classifier sees it. */
export interface SeriesPlan {
  seriesInstanceUID: string;
  cls: SeriesClass;
  /** What in the headers says "head", e.g. "Body Part Examined HEAD"; empty when nothing does. */
  headHint: string;
  entries: DicomEntry[];
}

/** Every series of a set of files, classified, and the frames of reference of the head candidates. */
export interface DefaceMap {
  series: Map<string, SeriesPlan>;
  /** Frame of Reference UIDs of head-candidate series: their localizers wait for the verdict. */
  candidateFrames: Set<string>;
}

/** Classifies the series of these files from their headers (files with no Series Instance UID are left out). */
export const classifyEntries = (entries: readonly DicomEntry[]): DefaceMap => {
  const bySeries = new Map<string, DicomEntry[]>();
  for (const e of entries) {
    const uid = e.info.seriesInstanceUID;
    if (!uid) continue;
    const list = bySeries.get(uid) ?? [];
    list.push(e);
    bySeries.set(uid, list);
  }
  const series = new Map<string, SeriesPlan>();
  const candidateFrames = new Set<string>();
  for (const [uid, list] of bySeries) {
    const facts = list.map((e) => seriesFactsOf(e.info));
    const cls = classifySeries(facts);
    series.set(uid, {
      seriesInstanceUID: uid,
      cls,
      headHint: facts.find((f) => f.headHint)?.headHint ?? '',
      entries: list,
    });
    if (cls.kind === 'head-candidate')
      for (const f of facts) if (f.frameOfReferenceUID) candidateFrames.add(f.frameOfReferenceUID);
  }
  return { series, candidateFrames };
};

/** Why a head series the user also asked to scan for text is held back while defacing is on. */
export const HEAD_AND_TEXT =
  'a head series chosen to be scanned for text; defacing and text cleaning are not done together yet (turn off “Remove the face from head scans” to scan it for text)';

/** The work of a run, sorted by the policy. */
export interface DefaceWork {
  /** Head-candidate series, each one unit for the series call. */
  series: SeriesPlan[];
  /** Files that go one by one, now. */
  singles: DicomEntry[];
  /** Localizers and 2D images on a head candidate's frame of reference: decided after its verdict. */
  waiting: { entry: DicomEntry; why: string; frameOfReferenceUID: string }[];
  /** Held back from the header alone (3D renderings of a head), with the reason. */
  withheld: { entry: DicomEntry; reason: string }[];
  /** Frames of reference whose head series is held back whole: why their localizers are held back too. */
  unsafeFrames: Map<string, string>;
}

/**
 * Sorts the files of a run (already free of duplicate instances). With defacing off every file
 * goes alone, as the CLI does. `allowedRenders` are Series Instance UIDs of 3D renderings the user
 * has looked at and cleared: they go alone like any other image.
 */
export const planWork = (
  entries: readonly DicomEntry[],
  deface: boolean,
  allowedRenders: ReadonlySet<string>,
  pathOf: (id: number) => string,
  scanSeries: ReadonlySet<string> = new Set(),
): DefaceWork => {
  const work: DefaceWork = { series: [], singles: [], waiting: [], withheld: [], unsafeFrames: new Map() };
  if (!deface) {
    work.singles = [...entries];
    return work;
  }
  const map = classifyEntries(entries);
  for (const e of entries) {
    const plan = e.info.seriesInstanceUID ? map.series.get(e.info.seriesInstanceUID) : undefined;
    const c = plan?.cls;
    if (!c) work.singles.push(e);
    else if (c.kind === 'head-candidate') {
      // As the CLI does: defacing and text cleaning are not combined on the same pixels yet, and
      // doing only one would drop a step the user asked for.
      if (scanSeries.has(plan.seriesInstanceUID)) {
        work.withheld.push({ entry: e, reason: `${pathOf(e.id)}: ${HEAD_AND_TEXT}; withheld` });
        if (e.info.frameOfReferenceUID)
          work.unsafeFrames.set(
            e.info.frameOfReferenceUID,
            'a localizer or 2D image of a head series that was withheld: it may show the face in profile',
          );
      } else if (plan.entries[0] === e) work.series.push(plan);
    } else if (c.kind === 'volume-render' && !allowedRenders.has(plan.seriesInstanceUID))
      work.withheld.push({ entry: e, reason: `${pathOf(e.id)}: ${c.why}; withheld` });
    else if (c.kind === 'localizer' && map.candidateFrames.has(c.frameOfReferenceUID))
      work.waiting.push({ entry: e, why: c.why, frameOfReferenceUID: c.frameOfReferenceUID });
    else work.singles.push(e);
  }
  // The biggest jobs first keeps every worker busy to the end.
  work.series.sort((a, b) => b.entries.length - a.entries.length);
  return work;
};

/**
 * Why the localizers of a frame of reference are held back after this verdict on its head series,
 * or undefined when they may go (the head had no face in view, was not a head, defacing was off).
 */
export const localizerRisk = (v: SeriesVerdict): string | undefined =>
  v.kind === 'defaced'
    ? 'a localizer or 2D image of a defaced head: it shows the face in profile'
    : v.kind === 'withheld'
      ? 'a localizer or 2D image of a head series that was withheld: it may show the face in profile'
      : undefined;

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A line of the inventory about a series' face: its kind (for styling and tests) and its words. */
export interface FaceLine {
  kind: string;
  text: string;
}

/** What a run will do to a series' face, from headers only; undefined where there is nothing worth saying. */
export const planLine = (
  p: SeriesPlan,
  map: DefaceMap,
  deface: boolean,
  allowedRenders: ReadonlySet<string>,
): FaceLine | undefined => {
  const c = p.cls;
  switch (c.kind) {
    case 'head-candidate':
      if (!deface)
        return p.headHint ? { kind: 'off', text: 'Head volume: defacing is off, so the face stays' } : undefined;
      return p.headHint
        ? { kind: 'head', text: 'Head volume: will be defaced (the face is cut away, the brain is not touched)' }
        : { kind: 'maybe-head', text: 'Volume: if its pixels show a head, the face will be cut away' };
    case 'localizer': {
      if (map.candidateFrames.has(c.frameOfReferenceUID))
        return deface
          ? { kind: 'localizer', text: 'Localizer: held back if its head is defaced (it shows the face in profile)' }
          : { kind: 'off', text: 'Localizer: defacing is off, so it is not held back for the face' };
      if (!p.headHint) return undefined;
      // "a localizer (scout)", "a single 2D image", "8 slices: not a volume"
      const text = c.why.startsWith('a ')
        ? `${capital(c.why)}: not a volume, no face to cut away`
        : `Not a volume (${c.why.replace(/: not a volume$/, '')}): no face to cut away`;
      return { kind: 'not-volume', text };
    }
    case 'volume-render':
      if (!deface)
        return { kind: 'off', text: '3D rendering of a head: defacing is off, so it is not held back for its face' };
      return allowedRenders.has(p.seriesInstanceUID)
        ? { kind: 'render-allowed', text: '3D rendering of a head: not held back for its face, as you chose' }
        : { kind: 'render', text: '3D rendering of a head: held back (it is a picture of the face)' };
    case 'not-a-volume':
      return undefined;
  }
};

/** What became of a series' face in a run. */
export type SeriesStatus =
  /** It went through the series call. */
  | { verdict: SeriesVerdict }
  /** A localizer or rendering held back because of the face, with the reason. */
  | { heldBack: string }
  /** A localizer whose head was not defaced: written as usual. */
  | { kept: string };

const ml = (x: number) => `${count(Math.round(x))} mL`;

/** The face check on the verdict (renders before and after, when the engine had a detector): its message. */
export const faceCheckOf = (v: SeriesVerdict): string | undefined =>
  'faceCheck' in v ? v.faceCheck?.message : undefined;

/** The verdict on a series in plain words. */
export const verdictLine = (v: SeriesVerdict): FaceLine => {
  switch (v.kind) {
    case 'defaced':
      return {
        kind: v.kind,
        text: `Face removed: ${ml(v.removedMl)} of tissue cut away; the brain (${ml(v.brainMl)}) kept with a ${v.marginMm} mm margin`,
      };
    case 'no-face':
      return { kind: v.kind, text: 'No face in view: the pixels are left as they were' };
    case 'not-head':
      return { kind: v.kind, text: `${capital(v.message)}: the pixels are left as they were` };
    case 'not-volume':
      return { kind: v.kind, text: `Not a volume (${v.message}): the pixels are left as they were` };
    case 'withheld':
      return { kind: v.kind, text: `Held back: ${v.message}` };
    case 'off':
      return { kind: v.kind, text: 'Defacing was off: the face stays' };
  }
};

/** What became of a series in words, after a run. */
export const statusLine = (s: SeriesStatus): FaceLine =>
  'verdict' in s
    ? verdictLine(s.verdict)
    : 'heldBack' in s
      ? { kind: 'held-back', text: `Held back: ${s.heldBack}` }
      : { kind: 'kept', text: s.kept };
