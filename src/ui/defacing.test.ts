import { describe, expect, it } from 'vitest';
import type { DicomEntry } from '../../workers/api.ts';
import type { SeriesVerdict } from '../pixels/deface/defaceSeries.ts';
import type { InstanceInfo } from '../study/InstanceInfo.ts';
import {
  classifyEntries,
  faceCheckOf,
  localizerRisk,
  planLine,
  planWork,
  statusLine,
  verdictLine,
} from './defacing.ts';

const CT = '1.2.840.10008.5.1.4.1.1.2';
const SC = '1.2.840.10008.5.1.4.1.1.7';

let next = 0;
const entry = (o: Partial<InstanceInfo>): DicomEntry => {
  const id = next++;
  return {
    id,
    kind: 'dicom',
    info: {
      patientId: 'P1',
      studyInstanceUID: '2.25.1',
      sopInstanceUID: `2.25.3.${id}`,
      modality: 'CT',
      sopClassUID: CT,
      imageType: 'ORIGINAL\\PRIMARY\\AXIAL',
      rows: 256,
      columns: 256,
      orientation: '1\\0\\0\\0\\1\\0',
      ...o,
    } as InstanceInfo,
    isDicomdir: false,
    anatomy: '',
    identity: [],
    burnedIn: 'no',
    nativePixels: true,
    hasPixels: true,
  };
};

/** A head CT (30 slices) with its localizer, a 3D rendering, a short MR brain, a chest CT volume, a radiograph. */
const head = Array.from({ length: 30 }, () =>
  entry({ seriesInstanceUID: '2.25.10', frameOfReferenceUID: '2.25.99', bodyPartExamined: 'HEAD' }),
);
const scout = entry({
  seriesInstanceUID: '2.25.11',
  frameOfReferenceUID: '2.25.99',
  imageType: 'ORIGINAL\\PRIMARY\\LOCALIZER',
  bodyPartExamined: 'HEAD',
});
const render = entry({
  seriesInstanceUID: '2.25.12',
  sopClassUID: SC,
  modality: 'OT',
  imageType: 'DERIVED\\SECONDARY\\VOLUME RENDER',
  seriesDescription: 'VRT Kopf',
  bodyPartExamined: 'HEAD',
});
const mr = Array.from({ length: 8 }, () =>
  entry({ seriesInstanceUID: '2.25.13', modality: 'MR', bodyPartExamined: 'BRAIN', frameOfReferenceUID: '2.25.98' }),
);
const chest = Array.from({ length: 40 }, () =>
  entry({ seriesInstanceUID: '2.25.14', frameOfReferenceUID: '2.25.97', bodyPartExamined: 'CHEST' }),
);
const cr = entry({ seriesInstanceUID: '2.25.15', modality: 'CR', sopClassUID: '1.2.840.10008.5.1.4.1.1.1' });
const all = [...head, scout, render, ...mr, ...chest, cr];
const pathOf = (id: number) => `CD/F${id}`;

describe('planWork (the CLI policy, in the app)', () => {
  it('sends head candidates whole, holds localizers for the verdict, withholds head renderings', () => {
    const w = planWork(all, true, new Set(), pathOf);
    // The chest CT is a candidate too: its content decides (the engine finds no head and leaves it be).
    expect(w.series.map((s) => [s.seriesInstanceUID, s.entries.length])).toEqual([
      ['2.25.14', 40],
      ['2.25.10', 30],
    ]);
    expect(w.waiting.map((x) => [x.entry.id, x.frameOfReferenceUID, x.why])).toEqual([
      [scout.id, '2.25.99', 'a localizer (scout)'],
    ]);
    expect(w.withheld).toHaveLength(1);
    expect(w.withheld[0]!.reason).toMatch(new RegExp(`^CD/F${render.id}: a 3D rendering of a head .*; withheld$`));
    expect(w.singles.map((e) => e.id).sort((a, b) => a - b)).toEqual([...mr, cr].map((e) => e.id));
    // Every file is in exactly one place.
    const placed = w.series.reduce((n, s) => n + s.entries.length, 0) + w.waiting.length + w.withheld.length;
    expect(placed + w.singles.length).toBe(all.length);
  });

  it('holds back a head series also chosen to be scanned for text, and its localizer, as the CLI does', () => {
    const w = planWork(all, true, new Set(), pathOf, new Set(['2.25.10']));
    expect(w.series.map((s) => s.seriesInstanceUID)).toEqual(['2.25.14']);
    expect(w.withheld.filter((x) => x.reason.includes('scanned for text'))).toHaveLength(30);
    expect(w.unsafeFrames.get('2.25.99')).toMatch(/head series that was withheld/);
    // With defacing off the series goes file by file, and is scanned for text there.
    expect(planWork(all, false, new Set(), pathOf, new Set(['2.25.10'])).withheld).toEqual([]);
  });

  it('lets a rendering the user cleared go alone, and everything goes alone with defacing off', () => {
    const cleared = planWork(all, true, new Set(['2.25.12']), pathOf);
    expect(cleared.withheld).toEqual([]);
    expect(cleared.singles).toContain(render);
    const off = planWork(all, false, new Set(), pathOf);
    expect(off.series).toEqual([]);
    expect(off.waiting).toEqual([]);
    expect(off.withheld).toEqual([]);
    expect(off.singles).toHaveLength(all.length);
  });
});

describe('what the inventory says about faces', () => {
  const map = classifyEntries(all);
  const line = (uid: string, deface = true, allowed = new Set<string>()) =>
    planLine(map.series.get(uid)!, map, deface, allowed);

  it('names head volumes, localizers, renderings and short head series; nothing for a radiograph', () => {
    expect(line('2.25.10')).toEqual({
      kind: 'head',
      text: 'Head volume: will be defaced (the face is cut away, the brain is not touched)',
    });
    expect(line('2.25.11')?.kind).toBe('localizer');
    expect(line('2.25.11')?.text).toMatch(/^Localizer: held back if its head is defaced/);
    expect(line('2.25.12')?.kind).toBe('render');
    expect(line('2.25.12', true, new Set(['2.25.12']))?.kind).toBe('render-allowed');
    expect(line('2.25.13')).toEqual({
      kind: 'not-volume',
      text: 'Not a volume (8 slices): no face to cut away',
    });
    expect(line('2.25.14')?.kind).toBe('maybe-head');
    expect(line('2.25.15')).toBeUndefined();
    // A scout of a head with no volume on its frame of reference: nothing to wait for.
    const lone = classifyEntries([{ ...scout, info: { ...scout.info, frameOfReferenceUID: '2.25.50' } }]);
    expect(planLine(lone.series.get('2.25.11')!, lone, true, new Set())).toEqual({
      kind: 'not-volume',
      text: 'A localizer (scout): not a volume, no face to cut away',
    });
  });

  it('says the face stays when defacing is off', () => {
    expect(line('2.25.10', false)).toEqual({ kind: 'off', text: 'Head volume: defacing is off, so the face stays' });
    expect(line('2.25.11', false)).toEqual({
      kind: 'off',
      text: 'Localizer: defacing is off, so it is not held back for the face',
    });
    expect(line('2.25.14', false)).toBeUndefined();
  });
});

describe('verdicts in words', () => {
  const defaced: SeriesVerdict = {
    kind: 'defaced',
    removedMl: 612.4,
    brainMl: 1364.9,
    marginMm: 10,
    message: '',
    notes: [],
    frameOfReferenceUID: '2.25.99',
  };

  it('gives the mL removed, and a held-back series its reason', () => {
    expect(verdictLine(defaced)).toEqual({
      kind: 'defaced',
      text: 'Face removed: 612 mL of tissue cut away; the brain (1,365 mL) kept with a 10 mm margin',
    });
    expect(verdictLine({ kind: 'withheld', message: 'the brain volume is implausible' }).text).toBe(
      'Held back: the brain volume is implausible',
    );
    expect(verdictLine({ kind: 'no-face', message: 'x', brainMl: 1, frameOfReferenceUID: '' }).text).toMatch(
      /^No face in view/,
    );
    expect(statusLine({ heldBack: 'a localizer (scout), …' })).toEqual({
      kind: 'held-back',
      text: 'Held back: a localizer (scout), …',
    });
  });

  it('holds localizers back after a defaced or withheld head, not after one with no face in view', () => {
    expect(localizerRisk(defaced)).toMatch(/defaced head/);
    expect(localizerRisk({ kind: 'withheld', message: 'x' })).toMatch(/withheld/);
    expect(localizerRisk({ kind: 'no-face', message: 'x', brainMl: 1, frameOfReferenceUID: '' })).toBeUndefined();
  });

  it('shows a face check when the engine made one, and nothing otherwise', () => {
    expect(faceCheckOf(defaced)).toBeUndefined();
    const message = 'Face check: a face in 7 of 9 views before, 0 of 9 after';
    const faceCheck = { views: [], detectedBefore: 7, detectedAfter: 0, total: 9, proves: true, message };
    const checked: SeriesVerdict = { ...defaced, faceCheck };
    expect(faceCheckOf(checked)).toBe(message);
  });
});
