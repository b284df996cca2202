import type { DicomEntry, Frame, InputRef, TagRow } from '../../../workers/api.ts';
import type { SeriesGroup } from '../../study/group.ts';
import { type FaceLine, faceCheckOf, verdictLine } from '../defacing.ts';
import { byId, h, replace } from '../dom.ts';
import { plural } from '../format.ts';
import type { Inventory } from '../inventory.ts';
import type { Pool } from '../pool.ts';
import { openSkinView } from '../view3d/skinView.ts';
import { CT_PRESETS, toImageData, type Window } from './render.ts';
import { type PreviewText, textLayer } from './textLayer.ts';

/**
 * The preview: a slice viewer (scroll, window/level with CT presets, zoom, before/after on the
 * same slice) and the tag table of the slice shown, original against de-identified. Loaded
 * separately from the main bundle. Values from the files are shown as text only.
 */

interface Slice {
  entry: DicomEntry;
  frame: number;
}

/** Every frame of every image in the series, in order: a series of several cine loops shows (and edits) each frame. */
const slicesOf = (s: SeriesGroup<DicomEntry>): Slice[] =>
  s.instances.flatMap((entry) =>
    Array.from({ length: Math.max(1, entry.info.numberOfFrames ?? 1) }, (_, frame) => ({ entry, frame })),
  );

const STATUS_WORD: Record<TagRow['status'], string> = {
  removed: 'removed',
  replaced: 'replaced',
  kept: 'kept',
  added: 'added',
};

/** What the preview knows of a series' face. */
export interface PreviewFace {
  /**
   * "After" comes from the series call on the whole series (a head candidate with defacing on),
   * so a head shows its defaced slice and the tag table its defaced file.
   */
  wholeSeries: boolean;
  /** What a run will do to the series' face, from its headers (a localizer, a 3D rendering…). */
  note?: FaceLine | undefined;
}

/** Opens the dialog for a series. */
export const openPreviewDialog = (
  series: SeriesGroup<DicomEntry>,
  inv: Inventory,
  pool: Pool,
  face: PreviewFace = { wholeSeries: false },
  text?: PreviewText,
): void => {
  const dialog = byId<HTMLDialogElement>('preview');
  const body = byId('preview-body');
  const slices = slicesOf(series);
  const info = series.info;
  const refOf = (e: DicomEntry): InputRef => {
    const f = inv.files[e.id]!;
    return { id: e.id, file: f.file, path: f.path };
  };
  // The series' refs go along only where the worker needs them; those calls all go to one worker,
  // which keeps the one series' outputs between them.
  const whole = face.wholeSeries ? series.instances.map(refOf) : undefined;
  byId('preview-title').textContent =
    `${info.modality || 'Image'} · ${info.seriesDescription || `series ${info.seriesNumber ?? ''}`} · ${plural(slices.length, 'image')}`;

  let index = Math.floor(slices.length / 2);
  let after = false;
  let zoom = 0; // 0 = fit
  let win: Window | undefined;
  let frame: Frame | undefined;
  let request = 0;
  const cache = new Map<string, Frame | string>();

  const canvas = h('canvas', { class: 'viewer-canvas', tabindex: 0, role: 'img', 'aria-label': 'Image' });
  const stage = h('div', { class: 'viewer-stage' }, canvas);
  const message = h('p', { class: 'viewer-message', role: 'status' });
  const faceLine = h('p', {
    class: 'face',
    'data-testid': 'preview-verdict',
    hidden: !face.wholeSeries && !face.note,
    'data-kind': face.note?.kind,
  });
  faceLine.textContent = face.wholeSeries ? 'Checking this series for a face…' : (face.note?.text ?? '');
  const slider = h('input', { type: 'range', id: 'pv-slice', min: 1, max: slices.length, value: index + 1 });
  const sliceLabel = h('output', { for: 'pv-slice', id: 'pv-slice-out' });
  const presetSelect = h(
    'select',
    { id: 'pv-preset' },
    h('option', { value: 'file' }, 'As in the file'),
    h('option', { value: 'full' }, 'Full range'),
    ...(info.modality === 'CT' ? CT_PRESETS.map((p) => h('option', { value: p.name }, p.name)) : []),
  );
  const center = h('input', { type: 'number', id: 'pv-center', step: 1, class: 'narrow' });
  const width = h('input', { type: 'number', id: 'pv-width', step: 1, min: 1, class: 'narrow' });
  const zoomSelect = h(
    'select',
    { id: 'pv-zoom' },
    h('option', { value: '0' }, 'Fit'),
    h('option', { value: '1' }, '100%'),
    h('option', { value: '2' }, '200%'),
    h('option', { value: '4' }, '400%'),
  );
  const beforeRadio = h('input', { type: 'radio', name: 'pv-which', id: 'pv-before', value: 'before', checked: true });
  const afterRadio = h('input', {
    type: 'radio',
    name: 'pv-which',
    id: 'pv-after',
    value: 'after',
    'data-testid': 'preview-after',
  });

  const search = h('input', {
    type: 'search',
    id: 'pv-search',
    placeholder: 'tag, name or value',
    'data-testid': 'tag-search',
  });
  const tagInfo = h('p', { class: 'hint', role: 'status' });
  const tbody = h('tbody');
  const table = h(
    'table',
    { class: 'tags', 'data-testid': 'tag-table' },
    h('caption', {}, 'Every attribute of the image shown, before and after'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['Tag', 'Name', 'VR', 'Original', 'De-identified', 'What happened'].map((t) => h('th', { scope: 'col' }, t)),
      ),
    ),
    tbody,
  );

  // A head volume's skin before and after, in 3D, with the face check (src/ui/view3d/).
  const view3d = h('div', { class: 'view3d-slot' });
  if (whole) {
    const open3d = () => openSkinView(view3d, whole);
    view3d.append(
      h('button', { type: 'button', class: 'button', 'data-testid': 'view3d-open', onclick: open3d }, '3D view'),
    );
  }
  replace(
    body,
    h(
      'div',
      { class: 'viewer' },
      stage,
      message,
      faceLine,
      h(
        'div',
        { class: 'viewer-controls' },
        h('p', {}, h('label', { for: 'pv-slice' }, 'Slice '), slider, ' ', sliceLabel),
        h(
          'fieldset',
          { class: 'inline' },
          h('legend', {}, 'Show'),
          beforeRadio,
          h('label', { for: 'pv-before' }, 'Original'),
          afterRadio,
          h('label', { for: 'pv-after' }, 'De-identified'),
        ),
        h('p', {}, h('label', { for: 'pv-preset' }, 'Window '), presetSelect),
        h(
          'p',
          {},
          h('label', { for: 'pv-center' }, 'Level '),
          center,
          ' ',
          h('label', { for: 'pv-width' }, 'Width '),
          width,
        ),
        h('p', {}, h('label', { for: 'pv-zoom' }, 'Zoom '), zoomSelect),
        h(
          'p',
          { class: 'hint' },
          'Scroll or use the arrow keys on the image to move through slices; drag on it to change the window.',
        ),
      ),
    ),
    view3d,
    h(
      'section',
      { class: 'tag-section', 'aria-labelledby': 'pv-tags-h' },
      h('h3', { id: 'pv-tags-h' }, 'Tags of this image'),
      h('p', {}, h('label', { for: 'pv-search' }, 'Search '), search),
      h(
        'p',
        { class: 'legend' },
        h('span', { class: 'tag-removed' }, 'removed'),
        ' ',
        h('span', { class: 'tag-replaced' }, 'replaced'),
        ' ',
        h('span', { class: 'tag-added' }, 'added'),
        ' ',
        h('span', { class: 'tag-kept' }, 'kept'),
      ),
      tagInfo,
      // Focusable so keyboard users can scroll a long table.
      h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Tag table' }, table),
    ),
  );

  // Burned-in text (issue 5): boxes over the image, edited by the user (./textLayer.ts).
  const textBoxes = text
    ? textLayer({
        stage,
        canvas,
        pool,
        refOf,
        text,
        onBoxesChanged: () => {
          for (const k of [...cache.keys()]) if (k.endsWith(':true')) cache.delete(k);
          if (after) void load();
          loadTags();
        },
      })
    : undefined;
  if (textBoxes) view3d.before(textBoxes.panel);

  const ctx = canvas.getContext('2d')!;
  const offscreen = document.createElement('canvas');

  const draw = () => {
    if (!frame) {
      textBoxes?.show(slices[index]!.entry, slices[index]!.frame, undefined, after);
      canvas.width = 1;
      canvas.height = 1;
      return;
    }
    const w = win ?? frame.window;
    offscreen.width = frame.width;
    offscreen.height = frame.height;
    offscreen.getContext('2d')!.putImageData(toImageData(frame, w), 0, 0);
    const fit = Math.min(1, Math.max(0.1, Math.min((stage.clientWidth || 512) / frame.width, 512 / frame.height)));
    const s = zoom || Math.max(fit, Math.min(4, (stage.clientWidth || 512) / frame.width));
    canvas.width = Math.round(frame.width * s);
    canvas.height = Math.round(frame.height * s);
    ctx.imageSmoothingEnabled = s < 1;
    ctx.drawImage(offscreen, 0, 0, canvas.width, canvas.height);
    // The frame's own size, so anyone reading the canvas (tests, tools) can map pixels back to it.
    canvas.dataset.frameWidth = String(frame.width);
    canvas.dataset.frameHeight = String(frame.height);
    center.value = String(Math.round(w.center));
    width.value = String(Math.round(w.width));
    canvas.setAttribute(
      'aria-label',
      `Slice ${index + 1} of ${slices.length}, ${after ? 'de-identified' : 'original'}`,
    );
    textBoxes?.show(slices[index]!.entry, slices[index]!.frame, frame, after);
  };

  const load = async () => {
    const mine = ++request;
    const sl = slices[index]!;
    slider.value = String(index + 1);
    sliceLabel.textContent = `${index + 1} of ${slices.length}`;
    const key = `${index}:${after}`;
    let got = cache.get(key);
    if (!got) {
      // Native and compressed frames alike: the worker decodes them (codecs load on first use).
      const ref = refOf(sl.entry);
      // "After" shows the result of exactly the boxes chosen: only once the workers have them.
      if (after) await textBoxes?.settled();
      const r =
        after && whole
          ? await pool.runPinned((api) => api.frame(ref, sl.frame, true, whole))
          : await pool.run((api) => api.frame(ref, sl.frame, after));
      got = r.ok ? r.frame : r.reason.charAt(0).toUpperCase() + r.reason.slice(1);
      if (cache.size > 24) cache.delete(cache.keys().next().value!);
      cache.set(key, got);
    }
    if (mine !== request) return; // a newer slice was asked for meanwhile
    if (typeof got === 'string') {
      frame = undefined;
      message.textContent = got;
    } else {
      frame = got;
      message.textContent = '';
    }
    draw();
  };

  let tagTimer = 0;
  let tagRequest = 0;
  const loadTags = () => {
    clearTimeout(tagTimer);
    tagTimer = window.setTimeout(async () => {
      const mine = ++tagRequest;
      const sl = slices[index]!;
      const f = inv.files[sl.entry.id]!;
      const ref = refOf(sl.entry);
      tagInfo.textContent = whole
        ? 'Reading the tags (the whole series is checked for a face first)…'
        : 'Reading the tags…';
      const r = whole ? await pool.runPinned((api) => api.tags(ref, whole)) : await pool.run((api) => api.tags(ref));
      if (mine !== tagRequest) return;
      if (!r.ok) {
        tagInfo.textContent = r.reason;
        replace(tbody);
        return;
      }
      tagInfo.textContent =
        r.outcome === 'anonymized'
          ? `${f.path}: will be written with the changes shown.`
          : `${f.path}: will be held back (${r.outcome.replace(/^withheld: /, '')}).`;
      replace(
        tbody,
        ...r.rows.map((row) =>
          h(
            'tr',
            { class: `tag-${row.status}` },
            h('td', { class: 'path' }, '\u00a0'.repeat(row.depth * 2) + row.path.split(' > ').pop()),
            h('td', {}, row.keyword),
            h('td', {}, row.vr),
            h('td', { class: 'value' }, row.before ?? ''),
            h('td', { class: 'value' }, row.after ?? ''),
            h('td', {}, STATUS_WORD[row.status]),
          ),
        ),
      );
      filter();
    }, 250);
  };

  const filter = () => {
    const q = search.value.trim().toLowerCase();
    for (const tr of tbody.rows) tr.hidden = !!q && !(tr.textContent ?? '').toLowerCase().includes(q);
  };

  const go = (i: number) => {
    const next = Math.min(slices.length - 1, Math.max(0, i));
    if (next === index) return;
    index = next;
    void load();
    loadTags();
  };

  slider.addEventListener('input', () => go(Number(slider.value) - 1));
  for (const r of [beforeRadio, afterRadio]) {
    r.addEventListener('change', () => {
      after = afterRadio.checked;
      void load();
    });
  }
  presetSelect.addEventListener('change', () => {
    const p = CT_PRESETS.find((x) => x.name === presetSelect.value);
    if (p) win = { ...p.window };
    else if (presetSelect.value === 'full' && frame)
      win = { center: (frame.min + frame.max) / 2, width: Math.max(1, frame.max - frame.min) };
    else win = undefined;
    draw();
  });
  const setWindow = () => {
    const c = Number(center.value);
    const w = Number(width.value);
    if (Number.isFinite(c) && Number.isFinite(w) && w >= 1) {
      win = { center: c, width: w };
      draw();
    }
  };
  center.addEventListener('change', setWindow);
  width.addEventListener('change', setWindow);
  zoomSelect.addEventListener('change', () => {
    zoom = Number(zoomSelect.value);
    draw();
  });
  search.addEventListener('input', filter);
  canvas.addEventListener(
    'wheel',
    (e) => {
      e.preventDefault();
      go(index + Math.sign(e.deltaY));
    },
    { passive: false },
  );
  canvas.addEventListener('keydown', (e) => {
    const step: Record<string, number> = {
      ArrowUp: -1,
      ArrowLeft: -1,
      ArrowDown: 1,
      ArrowRight: 1,
      PageUp: -10,
      PageDown: 10,
    };
    if (e.key in step) {
      e.preventDefault();
      go(index + step[e.key]!);
    } else if (e.key === 'Home') go(0);
    else if (e.key === 'End') go(slices.length - 1);
  });
  // Dragging changes the window: sideways the width, up and down the level.
  let drag: { x: number; y: number; w: Window } | undefined;
  canvas.addEventListener('pointerdown', (e) => {
    if (!frame) return;
    drag = { x: e.clientX, y: e.clientY, w: { ...(win ?? frame.window) } };
    canvas.setPointerCapture(e.pointerId);
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!drag || !frame) return;
    const scale = Math.max(1, drag.w.width) / 256;
    win = {
      center: drag.w.center + (e.clientY - drag.y) * scale,
      width: Math.max(1, drag.w.width + (e.clientX - drag.x) * scale),
    };
    draw();
  });
  canvas.addEventListener('pointerup', () => {
    drag = undefined;
  });

  byId('preview-close').onclick = () => dialog.close();
  if (!dialog.open) dialog.showModal();
  void load();
  loadTags();
  if (whole) {
    void pool
      .runPinned((api) => api.previewVerdict(whole))
      .then((v) => {
        if (!faceLine.isConnected) return;
        const line = verdictLine(v);
        const check = faceCheckOf(v);
        faceLine.textContent = `${line.text}.${check ? ` ${check}` : ''}`;
        faceLine.dataset.kind = line.kind;
      })
      .catch((e: Error) => {
        if (faceLine.isConnected) faceLine.textContent = `The series could not be checked for a face: ${e.message}`;
      });
  }
};
