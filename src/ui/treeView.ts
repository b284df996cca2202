import type { DicomEntry } from '../../workers/api.ts';
import type { SeriesGroup } from '../study/group.ts';
import { type TextChoices, textPlanLine } from './burnedIn.ts';
import { classifyEntries, type FaceLine } from './defacing.ts';
import { h, replace } from './dom.ts';
import { dicomDate, personName, plural } from './format.ts';
import type { Inventory } from './inventory.ts';

/**
 * The patient → study → series tree. Every value shown comes from a DICOM header and is
 * untrusted, so it goes in as text only (see dom.ts).
 */

export interface TreeHandlers {
  /** The user typed a pseudonym for a patient (by original Patient ID). */
  onPseudonym(patientId: string, pseudonym: string): void;
  /** The user included (or excluded again) a series that may have text in its pixels, without scanning it. */
  onAllowBurnedIn(seriesUid: string, allowed: boolean): void;
  /** The user asked (or stopped asking) for a series nothing says has text to be scanned for it too. */
  onScanSeries(seriesUid: string, scan: boolean): void;
  /** The user included (or excluded again) a 3D rendering of a head, having looked: no face in it. */
  onAllowRender(seriesUid: string, allowed: boolean): void;
  /** Open the viewer and tag table for a series. */
  onPreview(series: SeriesGroup<DicomEntry>): void;
  /** A place to draw a series' thumbnail, once there is time. */
  onThumbnail(series: SeriesGroup<DicomEntry>, canvas: HTMLCanvasElement): void;
}

/** Where each series shows what happens to its face: before the run (plan) and after it (verdict). */
interface FaceSlots {
  plan: HTMLElement;
  verdict: HTMLElement;
  check: HTMLElement;
}
let faceSlots = new Map<string, FaceSlots[]>();

const setLine = (el: HTMLElement, line: FaceLine | undefined): void => {
  el.hidden = !line;
  el.textContent = line?.text ?? '';
  if (line) el.dataset.kind = line.kind;
  else delete el.dataset.kind;
};

/** Where each series says what a run does about text in its pixels. */
let textSlots = new Map<string, { line: HTMLElement; entries: DicomEntry[] }[]>();

/** Shows, per series, what a run will do about text burned into its pixels under these choices. */
export const showTextPlans = (c: TextChoices): void => {
  for (const slots of textSlots.values())
    for (const s of slots) {
      const line = textPlanLine(s.entries, c);
      s.line.hidden = !line;
      s.line.textContent = line?.text ?? '';
      if (line) s.line.dataset.kind = line.kind;
      else delete s.line.dataset.kind;
    }
};

/** Shows, per series (by Series Instance UID), what a run will do to its face; series not in `lines` say nothing. */
export const showFacePlans = (lines: ReadonlyMap<string, FaceLine | undefined>): void => {
  for (const [uid, slots] of faceSlots) for (const s of slots) setLine(s.plan, lines.get(uid));
};

/** Shows, per series, what the run did to its face (and the face check, when the engine made one). */
export const showFaceResults = (
  results: ReadonlyMap<string, { line: FaceLine; faceCheck?: string | undefined }> | undefined,
): void => {
  for (const [uid, slots] of faceSlots)
    for (const s of slots) {
      const r = results?.get(uid);
      setLine(s.verdict, r?.line);
      setLine(s.check, r?.faceCheck ? { kind: 'face-check', text: r.faceCheck } : undefined);
    }
};

const seriesItem = (
  s: SeriesGroup<DicomEntry>,
  handlers: TreeHandlers,
  allowed: Set<string>,
  render: { allowed: Set<string>; isRender: boolean },
  scanSeries: Set<string>,
): HTMLLIElement => {
  const info = s.info;
  const frames = s.instances.reduce((n, i) => n + Math.max(1, i.info.numberOfFrames ?? 1), 0);
  const images =
    frames > s.instances.length
      ? `${plural(s.instances.length, 'file')}, ${plural(frames, 'image')}`
      : plural(s.instances.length, 'image');
  const burned = s.instances.find((i) => i.burnedIn !== 'no')?.burnedIn;
  const label = `${info.modality || 'Unknown type'} series ${info.seriesNumber ?? ''} ${info.seriesDescription}`.trim();
  const canvas = h('canvas', { class: 'thumb', width: 64, height: 64, 'aria-hidden': 'true' });
  const li = h(
    'li',
    { class: 'series' },
    canvas,
    h(
      'div',
      { class: 'series-main' },
      h('span', { class: 'modality' }, info.modality || '?'),
      h(
        'span',
        { class: 'desc' },
        info.seriesDescription || `Series ${info.seriesNumber ?? ''}`.trim() || 'No description',
      ),
      h(
        'span',
        { class: 'meta' },
        [images, info.studyDate ? dicomDate(info.studyDate) : ''].filter(Boolean).join(' · '),
      ),
    ),
    h(
      'button',
      { type: 'button', class: 'button small', 'aria-label': `Preview ${label}`, onclick: () => handlers.onPreview(s) },
      'Preview',
    ),
  );
  const slots: FaceSlots = {
    plan: h('p', { class: 'face', 'data-testid': 'deface-plan', hidden: true }),
    verdict: h('p', { class: 'face verdict', 'data-testid': 'deface-verdict', role: 'status', hidden: true }),
    check: h('p', { class: 'face', 'data-testid': 'face-check', hidden: true }),
  };
  li.append(slots.plan, slots.verdict, slots.check);
  faceSlots.set(s.seriesInstanceUID, [...(faceSlots.get(s.seriesInstanceUID) ?? []), slots]);
  if (render.isRender) {
    const { id, box } = seriesBox('allow-render', s.seriesInstanceUID, render.allowed, handlers.onAllowRender);
    li.append(
      h(
        'div',
        { class: 'warning' },
        h('p', {}, box, h('label', { for: id }, ' Include it anyway: I have looked, and it shows no face.')),
      ),
    );
  }
  const textLine = h('p', { class: 'text-plan', 'data-testid': 'text-plan', hidden: true });
  textSlots.set(s.seriesInstanceUID, [
    ...(textSlots.get(s.seriesInstanceUID) ?? []),
    { line: textLine, entries: s.instances },
  ]);
  if (burned) {
    const { id, box } = seriesBox('allow-burned-in', s.seriesInstanceUID, allowed, handlers.onAllowBurnedIn);
    li.append(
      h(
        'div',
        { class: 'warning' },
        h(
          'p',
          {},
          burned === 'yes'
            ? 'This series has text burned into the image (it says so itself).'
            : 'This series may have text burned into the image (a screenshot, an ultrasound or a radiograph).',
        ),
        textLine,
        h(
          'p',
          {},
          box,
          h(
            'label',
            { for: id },
            ' Include it without scanning: skip the text search, I have looked and there is no name, date or ID in the picture.',
          ),
        ),
      ),
    );
  } else if (s.instances.some((i) => i.hasPixels)) {
    // CT and MR volumes (and anything else nothing says has text) are not scanned unless asked: one click.
    const { id, box: ask } = seriesBox('scan-series', s.seriesInstanceUID, scanSeries, handlers.onScanSeries);
    li.append(
      h(
        'div',
        { class: 'text-scan' },
        h(
          'p',
          {},
          ask,
          h(
            'label',
            { for: id },
            ' Scan this series for text too (find and black out any name or date in the picture)',
          ),
        ),
        textLine,
      ),
    );
  }
  handlers.onThumbnail(s, canvas);
  return li;
};

/** Renders the tree into `el`. */
export const renderTree = (
  el: HTMLElement,
  inv: Inventory,
  handlers: TreeHandlers,
  state: {
    pseudonyms: Map<string, string>;
    allowed: Set<string>;
    allowedRenders: Set<string>;
    scanSeries: Set<string>;
  },
): void => {
  faceSlots = new Map();
  textSlots = new Map();
  const classes = classifyEntries(inv.dicom).series;
  const renderOf = (uid: string) => ({
    allowed: state.allowedRenders,
    isRender: classes.get(uid)?.cls.kind === 'volume-render',
  });
  replace(
    el,
    ...inv.tree.map((p, pi) => {
      const info = p.info;
      const inputId = `pseudonym-${pi}`;
      const input = h('input', {
        id: inputId,
        type: 'text',
        maxlength: 64,
        autocomplete: 'off',
        spellcheck: 'false',
        placeholder: 'automatic, e.g. VEIL-7Q2M9K4D',
        'data-testid': 'pseudonym',
        oninput: (e: Event) => handlers.onPseudonym(info.patientId, (e.target as HTMLInputElement).value),
      });
      input.value = state.pseudonyms.get(info.patientId) ?? '';
      const meta = [
        info.patientId ? `ID ${info.patientId}` : 'no patient ID',
        info.patientBirthDate ? `born ${dicomDate(info.patientBirthDate)}` : '',
        info.patientSex ? `sex ${info.patientSex}` : '',
      ].filter(Boolean);
      return h(
        'section',
        { class: 'patient', 'aria-labelledby': `patient-${pi}` },
        h('h3', { id: `patient-${pi}` }, `Patient: ${personName(info.patientName) || '(no name)'}`),
        h('p', { class: 'meta' }, meta.join(' · ')),
        h('p', { class: 'pseudonym' }, h('label', { for: inputId }, 'Pseudonym for this patient (optional) '), input),
        h(
          'ul',
          { class: 'studies' },
          ...p.studies.map((st) =>
            h(
              'li',
              { class: 'study' },
              h(
                'h4',
                {},
                [st.info.studyDate ? dicomDate(st.info.studyDate) : 'Undated study', st.info.studyDescription]
                  .filter(Boolean)
                  .join(' — '),
              ),
              h(
                'ul',
                { class: 'series-list' },
                ...st.series.map((s) =>
                  seriesItem(s, handlers, state.allowed, renderOf(s.seriesInstanceUID), state.scanSeries),
                ),
              ),
            ),
          ),
        ),
      );
    }),
  );
};

/**
 * A per-series checkbox (clear a rendering, release unscanned, scan on request): its test id, an
 * element id derived from the Series Instance UID, ticked when the series is in `chosen`.
 */
const seriesBox = (
  testId: string,
  uid: string,
  chosen: ReadonlySet<string>,
  onChange: (uid: string, checked: boolean) => void,
): { id: string; box: HTMLInputElement } => {
  const id = `${testId}-${uid.replace(/[^0-9A-Za-z]/g, '-')}`;
  const box = h('input', {
    type: 'checkbox',
    id,
    'data-testid': testId,
    onchange: (e: Event) => onChange(uid, (e.target as HTMLInputElement).checked),
  });
  box.checked = chosen.has(uid);
  return { id, box };
};
