import type { DicomEntry, InputRef, TextFound } from '../../../workers/api.ts';
import type { TextBoxPlan } from '../../deid/anonymize.ts';
import type { Box } from '../../pixels/text/Box.ts';
import {
  type BoxScope,
  type BoxSource,
  commitBoxes,
  drawnBox,
  effectiveBoxes,
  type ImageKeys,
  resetBoxes,
} from '../burnedIn.ts';
import { h, replace } from '../dom.ts';
import { plural } from '../format.ts';
import type { Pool } from '../pool.ts';
import { boxesOf, loadTemplate, saveTemplate, templateOf } from '../textTemplates.ts';

/**
 * Burned-in text in the preview (issue 5 §4): for an image that will be scanned, OCR runs in a
 * worker and its boxes are drawn over the image, coloured by what they hold ("PHI found in
 * pixels", other text, kept on purpose: dashed). The user removes a box (select it, then Delete,
 * or its × in the list), draws one by dragging, and chooses where the edit applies: this image (or
 * frame), its series, or every image of its size from its device. Edits go into the plan, so the
 * "De-identified" view and the run use exactly those boxes. Layouts can be remembered per device.
 * Only coordinates cross from the worker; the pixels stay there.
 */

/** What the page gives the preview about text: the choices so far and where to record edits. */
export interface PreviewText {
  /** Whether an image will be scanned for text in a run (so its boxes are worth showing). */
  willScan(e: DicomEntry): boolean;
  /** The user's boxes, shared with the page's plan (edited in place). */
  plan: TextBoxPlan;
  /** What OCR found per image (by inventory id), kept while the inventory lasts. */
  found: Map<number, TextFound>;
  /** The plan changed: hand it to the workers (resolves once they have it). */
  changed(): Promise<void>;
}

/** What the dialog hands the layer. */
export interface TextLayerOptions {
  stage: HTMLElement;
  canvas: HTMLCanvasElement;
  pool: Pool;
  refOf(e: DicomEntry): InputRef;
  text: PreviewText;
  /** The boxes changed and the workers know: "after" views and the tag table are out of date. */
  onBoxesChanged(): void;
}

/** The layer: the panel to place in the dialog, and what the dialog calls whenever it draws. */
export interface TextLayer {
  panel: HTMLElement;
  /** The dialog drew a frame (or none): place the boxes over it. */
  show(entry: DicomEntry, frame: number, size: { width: number; height: number } | undefined, after: boolean): void;
  /** Resolves once the last edit has reached the workers (ask for "after" only then). */
  settled(): Promise<void>;
}

const KIND_WORDS = { phi: 'PHI found in pixels', text: 'Text', kept: 'Kept (safe to keep)' } as const;
type Kind = keyof typeof KIND_WORDS;
const kindOf = (b: Box): Kind => (b.phi ? 'phi' : b.keep ? 'kept' : 'text');

const SOURCE_WORDS: Record<BoxSource, string> = {
  ocr: 'found by reading the image',
  image: 'your boxes for this image',
  series: 'your boxes for this series',
  device: 'your boxes for every image of this size from this device',
};

/** The smallest box worth drawing, in frame pixels (a click is not a drag). */
const MIN_SIDE = 3;

/** Creates the layer for one preview dialog. */
export const textLayer = (o: TextLayerOptions): TextLayer => {
  const { text } = o;
  const overlay = h('div', { class: 'text-overlay', 'data-testid': 'text-overlay', hidden: true });
  const status = h('p', { class: 'hint', role: 'status', 'data-testid': 'text-status' });
  const draw = h(
    'button',
    { type: 'button', class: 'button small', 'data-testid': 'text-draw', 'aria-pressed': 'false' },
    'Draw a box',
  );
  const scope = h(
    'select',
    { id: 'pv-text-scope', 'data-testid': 'text-scope' },
    h('option', { value: 'image' }, 'this image'),
    h('option', { value: 'series' }, 'every image in this series'),
    h('option', { value: 'device' }, 'every image of this size from this device'),
  );
  const reset = h(
    'button',
    { type: 'button', class: 'button small', 'data-testid': 'text-reset' },
    'Go back to the boxes found',
  );
  const save = h(
    'button',
    { type: 'button', class: 'button small', 'data-testid': 'text-save-template' },
    'Remember these boxes for this device',
  );
  const use = h(
    'button',
    { type: 'button', class: 'button small', 'data-testid': 'text-use-template', hidden: true },
    'Use the boxes saved for this device',
  );
  const list = h('ul', { class: 'text-box-list', 'data-testid': 'text-box-list' });
  const panel = h(
    'section',
    { class: 'text-panel', 'aria-labelledby': 'pv-text-h', hidden: true, 'data-testid': 'text-panel' },
    h('h3', { id: 'pv-text-h' }, 'Text in the image'),
    status,
    h(
      'p',
      { class: 'legend' },
      h('span', { class: 'box-key', 'data-kind': 'phi' }, KIND_WORDS.phi),
      ' ',
      h('span', { class: 'box-key', 'data-kind': 'text' }, 'other text'),
      ' ',
      h('span', { class: 'box-key', 'data-kind': 'kept' }, 'kept (orientation, scale, units)'),
    ),
    h(
      'p',
      { class: 'hint' },
      'Boxes are blacked out. Select a box and press Delete to keep its text, or press “Draw a box” and drag over text to black it out.',
    ),
    h(
      'div',
      { class: 'buttons' },
      draw,
      h('label', { for: 'pv-text-scope' }, 'My changes apply to '),
      scope,
      reset,
      save,
      use,
    ),
    list,
  );
  o.stage.style.position = 'relative';
  o.stage.append(overlay);

  /** The image shown now, and what is known of it. */
  let current:
    | { entry: DicomEntry; frame: number; width: number; height: number; keys?: ImageKeys; found?: TextFound }
    | undefined;
  let pending: Promise<void> = Promise.resolve();
  let template: { key: string; boxes: Box[] } | undefined;

  const framesOf = (e: DicomEntry) => Math.max(1, e.info.numberOfFrames ?? 1);
  const foundBoxes = () => (current?.found?.ok ? current.found.boxes : undefined);
  const boxesNow = () =>
    current?.keys ? effectiveBoxes(text.plan, current.keys, current.frame, foundBoxes()) : undefined;

  const place = () => {
    overlay.style.left = `${o.canvas.offsetLeft}px`;
    overlay.style.top = `${o.canvas.offsetTop}px`;
    overlay.style.width = `${o.canvas.clientWidth}px`;
    overlay.style.height = `${o.canvas.clientHeight}px`;
  };
  new ResizeObserver(place).observe(o.stage);

  const describeBox = (b: Box, i: number): string => {
    const what = b.text ? `${KIND_WORDS[kindOf(b)]}: “${b.text}”` : `${KIND_WORDS[kindOf(b)]} (a box you drew)`;
    return `Box ${i + 1}, ${what}, at ${b.x}, ${b.y}, ${b.width} by ${b.height} pixels`;
  };

  /** Draws the boxes of the frame shown, and lists them. */
  const render = () => {
    const now = boxesNow();
    if (!current || !now) {
      replace(overlay);
      replace(list);
      return;
    }
    const { width, height } = current;
    const pct = (v: number, of: number) => `${(v / of) * 100}%`;
    replace(
      overlay,
      ...now.boxes.map((b, i) => {
        const kind = kindOf(b);
        const el = h(
          'button',
          {
            type: 'button',
            class: 'text-box',
            'data-testid': 'text-box',
            'data-kind': kind,
            'aria-label': `${describeBox(b, i)}. Press Delete to remove it.`,
          },
          kind === 'phi' ? h('span', { class: 'text-box-label', 'aria-hidden': 'true' }, KIND_WORDS.phi) : undefined,
        );
        el.style.left = pct(b.x, width);
        el.style.top = pct(b.y, height);
        el.style.width = pct(b.width, width);
        el.style.height = pct(b.height, height);
        el.addEventListener('keydown', (e) => {
          if (e.key !== 'Delete' && e.key !== 'Backspace') return;
          e.preventDefault();
          remove(i);
        });
        return el;
      }),
    );
    replace(
      list,
      ...now.boxes.map((b, i) =>
        h(
          'li',
          { 'data-kind': kindOf(b) },
          describeBox(b, i),
          ' ',
          h(
            'button',
            {
              type: 'button',
              class: 'button small',
              'data-testid': 'text-box-remove',
              'aria-label': `Remove box ${i + 1}`,
              onclick: () => remove(i),
            },
            '×',
          ),
        ),
      ),
    );
    const phi = now.boxes.filter((b) => b.phi).length;
    const kept = now.boxes.filter((b) => b.keep).length;
    status.textContent = now.boxes.length
      ? `${plural(now.boxes.length, 'box', 'boxes')} (${SOURCE_WORDS[now.source]})${
          phi ? `; ${KIND_WORDS.phi} in ${phi}` : ''
        }${kept ? `; ${kept} kept` : ''}.`
      : `No text boxes (${SOURCE_WORDS[now.source]}): nothing will be blacked out in this ${
          framesOf(current.entry) > 1 ? 'frame' : 'image'
        }.`;
    if (now.source !== 'ocr') scope.value = now.source;
    reset.disabled = now.source === 'ocr';
    save.disabled = now.boxes.length === 0;
  };

  /** Records an edit of the frame shown and hands the plan to the workers. */
  const edit = (boxes: Box[]) => {
    if (!current?.keys) return;
    commitBoxes(
      text.plan,
      current.keys,
      scope.value as BoxScope,
      current.frame,
      boxes,
      framesOf(current.entry),
      foundBoxes(),
    );
    render();
    publish();
  };
  const publish = () => {
    const p = pending.then(() => text.changed());
    pending = p.catch(() => undefined);
    void p.then(() => o.onBoxesChanged()).catch(() => undefined);
  };

  const remove = (i: number) => {
    const now = boxesNow();
    if (!now) return;
    edit(now.boxes.filter((_, k) => k !== i));
    // Keep the keyboard where it was: on the next box, or the draw button when none is left.
    const next = overlay.querySelectorAll<HTMLButtonElement>('.text-box')[Math.min(i, now.boxes.length - 2)];
    (next ?? draw).focus();
  };

  // Drawing: while "Draw a box" is pressed, a drag over the image makes a box (in frame pixels).
  const setDrawing = (on: boolean) => {
    draw.setAttribute('aria-pressed', String(on));
    overlay.classList.toggle('drawing', on);
  };
  draw.addEventListener('click', () => setDrawing(draw.getAttribute('aria-pressed') !== 'true'));
  let start: { x: number; y: number } | undefined;
  const ghost = h('div', { class: 'text-box ghost', 'aria-hidden': 'true' });
  const at = (e: PointerEvent) => {
    const r = overlay.getBoundingClientRect();
    const w = current?.width ?? 1;
    const ht = current?.height ?? 1;
    return {
      x: Math.min(w, Math.max(0, ((e.clientX - r.left) / r.width) * w)),
      y: Math.min(ht, Math.max(0, ((e.clientY - r.top) / r.height) * ht)),
    };
  };
  const rectOf = (a: { x: number; y: number }, b: { x: number; y: number }) => ({
    x: Math.min(a.x, b.x),
    y: Math.min(a.y, b.y),
    width: Math.abs(a.x - b.x),
    height: Math.abs(a.y - b.y),
  });
  overlay.addEventListener('pointerdown', (e) => {
    if (!overlay.classList.contains('drawing') || !current) return;
    e.preventDefault();
    start = at(e);
    overlay.setPointerCapture(e.pointerId);
    overlay.append(ghost);
  });
  overlay.addEventListener('pointermove', (e) => {
    if (!start || !current) return;
    const r = rectOf(start, at(e));
    ghost.style.left = `${(r.x / current.width) * 100}%`;
    ghost.style.top = `${(r.y / current.height) * 100}%`;
    ghost.style.width = `${(r.width / current.width) * 100}%`;
    ghost.style.height = `${(r.height / current.height) * 100}%`;
  });
  overlay.addEventListener('pointerup', (e) => {
    if (!start) return;
    const r = rectOf(start, at(e));
    start = undefined;
    ghost.remove();
    const now = boxesNow();
    if (!now || r.width < MIN_SIDE || r.height < MIN_SIDE) return;
    setDrawing(false);
    edit([...now.boxes, drawnBox(r, foundBoxes()?.[current!.frame])]);
  });

  scope.addEventListener('change', () => {
    // Moving edits already made to the scope now chosen.
    const now = boxesNow();
    if (!current?.keys || !now || now.source === 'ocr') return;
    resetBoxes(text.plan, current.keys);
    edit(now.boxes);
  });
  reset.addEventListener('click', () => {
    if (!current?.keys) return;
    resetBoxes(text.plan, current.keys);
    scope.value = 'image';
    render();
    publish();
  });
  save.addEventListener('click', async () => {
    const now = boxesNow();
    if (!current?.keys || !current.found?.ok || !now) return;
    const t = templateOf(current.found.device.label, now.boxes);
    try {
      await saveTemplate(current.keys.device, t);
      template = { key: current.keys.device, boxes: boxesOf(t) };
      status.textContent = `Remembered in this browser: next time, images from ${t.device} can use these ${plural(t.boxes.length, 'box', 'boxes')}.`;
    } catch (e) {
      status.textContent = `The boxes could not be remembered: ${(e as Error).message}`;
    }
  });
  use.addEventListener('click', () => {
    if (!current?.keys || !template || template.key !== current.keys.device) return;
    scope.value = 'device';
    edit(template.boxes);
  });

  /** Runs OCR on an image once per inventory (the worker that has the OCR loaded, when it can). */
  const detect = async (entry: DicomEntry): Promise<TextFound> => {
    const known = text.found.get(entry.id);
    if (known) return known;
    const r = await o.pool
      .runPinned((api) => api.findText(o.refOf(entry)))
      .catch((e: Error): TextFound => ({ ok: false, reason: e.message }));
    text.found.set(entry.id, r);
    return r;
  };

  const show: TextLayer['show'] = (entry, frame, size, after) => {
    const scanned = text.willScan(entry);
    panel.hidden = !scanned;
    overlay.hidden = !scanned || after || !size;
    if (!scanned || !size) {
      current = undefined;
      return;
    }
    place();
    const same = current?.entry.id === entry.id;
    current = {
      entry,
      frame,
      width: size.width,
      height: size.height,
      ...(same ? { keys: current!.keys, found: current!.found } : {}),
    };
    if (current.found) {
      render();
      return;
    }
    status.textContent = 'Looking for text in the image…';
    replace(overlay);
    replace(list);
    const mine = current;
    void detect(entry).then(async (found) => {
      if (current !== mine && current?.entry.id !== entry.id) return;
      const cur = current!;
      cur.found = found;
      if (!found.ok) {
        status.textContent = `The text in this image could not be read: ${found.reason}. A run will hold it back.`;
        return;
      }
      cur.keys = { sop: entry.info.sopInstanceUID, series: entry.info.seriesInstanceUID, device: found.device.key };
      const many = framesOf(entry) > 1;
      scope.options[0]!.textContent = many ? 'this frame' : 'this image';
      scope.options[2]!.textContent = `every image of this size from ${found.device.label}`;
      render();
      const saved = await loadTemplate(found.device.key);
      if (current?.entry.id !== entry.id) return;
      template = saved ? { key: found.device.key, boxes: boxesOf(saved) } : undefined;
      use.hidden = !saved;
      if (saved)
        use.textContent = `Use the ${plural(saved.boxes.length, 'box', 'boxes')} saved for ${saved.device} (${saved.saved.slice(0, 10)})`;
    });
  };

  return { panel, show, settled: () => pending };
};
