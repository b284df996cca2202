import * as Comlink from 'comlink';
import type { InputRef } from '../../../workers/api.ts';
import type { FaceCheckOutcome, SkinPictures, SkinSummary, View3dApi } from '../../../workers/view3dApi.ts';
import type { FaceCheckView } from '../../pixels/faceCheck/faceCheck.ts';
import { verdictLine } from '../defacing.ts';
import { h, replace } from '../dom.ts';
import { clampPitch, clampYaw, PITCH_RANGE, pitchWords, shortYaw, viewWords, YAW_RANGE, yawWords } from './angles.ts';
import { Latest } from './latest.ts';

/**
 * The 3D view (issue 4, "show the proof"): the skin surface of a head series before and after
 * defacing, side by side, turned together by dragging, by sliders or by the arrow keys; and the
 * face check on demand, with its sentence and a strip of the views it looked at. Everything is
 * computed in the 3D view's own worker (`workers/view3d.worker.ts`) from the files themselves.
 *
 * The face check runs when the user asks for it, not when the view opens: it loads a 5 MB
 * network and the TensorFlow.js WebAssembly into the worker and takes about ten seconds of one
 * core (36 pictures), which should not slow a run the user may have started, nor every glance
 * at a head. The run's own face check (in the series call) does not depend on it.
 */

/** Full-size pictures, pixels: the size the face check looks at (faceCheck.ts). */
const FULL = 256;
/** Pictures while the head is being turned: about half the time of a full one. */
const QUICK = 128;
/** Quiet time after a key press or slider step before the full-size picture, ms. */
const SETTLE_MS = 200;
/** Degrees per key press, and per pixel dragged. */
const KEY_STEP = 5;
const DRAG_DEG_PER_PX = 0.5;

let worker: { worker: Worker; api: Comlink.Remote<View3dApi> } | undefined;

/** The 3D view's worker, started on first use and kept (the face detector loads once per worker). */
const view3dWorker = (): Comlink.Remote<View3dApi> => {
  if (!worker) {
    const w = new Worker(new URL('../../../workers/view3d.worker.ts', import.meta.url), {
      type: 'module',
      name: 'veil-view3d',
    });
    worker = { worker: w, api: Comlink.wrap<View3dApi>(w) };
  }
  return worker.api;
};

/** Draws a one-byte-per-pixel picture into a canvas of its size. */
const drawGrey = (canvas: HTMLCanvasElement, size: number, grey: Uint8ClampedArray): void => {
  canvas.width = size;
  canvas.height = size;
  const img = new ImageData(size, size);
  const rgba = img.data;
  for (let p = 0, q = 0; p < grey.length; p++, q += 4) {
    const v = grey[p]!;
    rgba[q] = v;
    rgba[q + 1] = v;
    rgba[q + 2] = v;
    rgba[q + 3] = 255;
  }
  canvas.getContext('2d')!.putImageData(img, 0, 0);
};

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A view's score in words, for the strip's text alternatives. */
const scoreWords = (score: number | undefined, found: boolean): string =>
  found
    ? `a face was detected (score ${score!.toFixed(2)})`
    : score === undefined
      ? 'no face was detected'
      : `no face was detected (best candidate ${score.toFixed(2)}, below the threshold)`;

/** A handle on an open 3D view. */
export interface SkinView {
  /** Stops rendering and drops the series from the worker. */
  close(): void;
}

/**
 * Opens the 3D view of one series (the `File` handles of its instances) in `container`,
 * replacing what it held. Closing the dialog around it closes the view.
 */
export const openSkinView = (container: HTMLElement, refs: InputRef[]): SkinView => {
  const api = view3dWorker();
  let yaw = 0;
  let pitch = 0;
  let alive = true;
  let summary: Extract<SkinSummary, { ok: true }> | undefined;

  const help = h(
    'p',
    { class: 'hint', id: 'v3-help' },
    'The skin surface rendered on this computer from the images, before and after defacing. ',
    'Drag a picture, or focus it and use the arrow keys, to move around the head; or use the sliders.',
  );
  const status = h('p', { class: 'v3-status', role: 'status', 'data-testid': 'view3d-status' }, 'Reading the series…');
  const verdict = h('p', { class: 'face', 'data-testid': 'view3d-verdict', hidden: true });
  const picture = (which: 'before' | 'after') =>
    h('canvas', {
      class: 'v3-canvas',
      width: FULL,
      height: FULL,
      tabindex: 0,
      role: 'img',
      'aria-label':
        which === 'before'
          ? 'Skin surface of the original: not drawn yet'
          : 'Skin surface after defacing: not drawn yet',
      'aria-describedby': 'v3-help',
      'data-testid': `view3d-${which}`,
    });
  const before = picture('before');
  const after = picture('after');
  const afterCaption = h('figcaption', { id: 'v3-after-cap' }, 'After');
  const afterNote = h('p', { class: 'v3-none', hidden: true });
  const yawSlider = h('input', {
    type: 'range',
    id: 'v3-yaw',
    min: YAW_RANGE.min,
    max: YAW_RANGE.max,
    step: 1,
    value: 0,
    disabled: true,
    'data-testid': 'view3d-yaw',
  });
  const pitchSlider = h('input', {
    type: 'range',
    id: 'v3-pitch',
    min: PITCH_RANGE.min,
    max: PITCH_RANGE.max,
    step: 1,
    value: 0,
    disabled: true,
    'data-testid': 'view3d-pitch',
  });
  const yawOut = h('output', { for: 'v3-yaw' }, yawWords(0));
  const pitchOut = h('output', { for: 'v3-pitch' }, pitchWords(0));
  const runCheck = h(
    'button',
    { type: 'button', class: 'button', disabled: true, 'data-testid': 'face-check-run' },
    'Run face check',
  );
  const checkResult = h('p', { class: 'face-check-result', role: 'status', 'data-testid': 'face-check-result' });
  const strip = h('div', { class: 'fc-views', 'data-testid': 'face-check-views', hidden: true });

  // Focusable from script: the button that opened the view is gone, so focus moves here.
  const heading = h('h3', { id: 'v3-h', tabindex: -1 }, '3D view: before and after');
  const section = h(
    'section',
    { class: 'view3d', 'data-testid': 'view3d', 'data-state': 'loading', 'aria-labelledby': 'v3-h' },
    heading,
    help,
    status,
    verdict,
    h(
      'div',
      { class: 'v3-pair' },
      h('figure', {}, before, h('figcaption', {}, 'Before')),
      h('figure', {}, after, afterNote, afterCaption),
    ),
    h(
      'div',
      { class: 'v3-controls' },
      h('p', { class: 'v3-row' }, h('label', { for: 'v3-yaw' }, 'Turn '), yawSlider, ' ', yawOut),
      h('p', { class: 'v3-row' }, h('label', { for: 'v3-pitch' }, 'Tilt '), pitchSlider, ' ', pitchOut),
    ),
    h(
      'section',
      { class: 'face-check', 'aria-labelledby': 'fc-h' },
      h('h4', { id: 'fc-h' }, 'Face check'),
      h(
        'p',
        { class: 'hint' },
        'A face detector, running on this computer, looks at the skin from 18 angles before and after defacing. ',
        'It proves something only if it finds the face on the original.',
      ),
      runCheck,
      checkResult,
      strip,
    ),
  );
  replace(container, section);
  heading.focus();

  const label = () => {
    const seen = viewWords(yaw, pitch);
    before.setAttribute('aria-label', `Skin surface of the original, ${seen}`);
    after.setAttribute(
      'aria-label',
      summary?.after === 'unchanged'
        ? `Skin surface as it will be written (unchanged: nothing is cut), ${seen}`
        : `Skin surface after defacing, ${seen}`,
    );
  };

  const renders = new Latest<
    { yaw: number; pitch: number; size: number },
    SkinPictures | { ok: false; reason: string }
  >(
    (q) => api.render(q.yaw, q.pitch, q.size),
    (r) => {
      if (!r.ok) {
        status.textContent = capital(r.reason);
        return;
      }
      drawGrey(before, r.size, r.before);
      if (r.after) drawGrey(after, r.size, r.after);
      for (const c of [before, after]) {
        c.dataset.yaw = String(r.yaw);
        c.dataset.pitch = String(r.pitch);
        c.dataset.size = String(r.size);
      }
      // Ready for readers (tests, tools) only when the full picture of the current angle is drawn.
      section.dataset.state = r.size === FULL && r.yaw === yaw && r.pitch === pitch ? 'ready' : 'turning';
    },
    (e) => {
      status.textContent = `The pictures could not be drawn: ${(e as Error).message}`;
    },
  );

  let settle = 0;
  /** Asks for the current angle: quick now and full once the user pauses, or full at once. */
  const show = (quick: boolean) => {
    if (!summary) return;
    yawSlider.value = String(yaw);
    pitchSlider.value = String(pitch);
    yawOut.textContent = yawWords(yaw);
    pitchOut.textContent = pitchWords(pitch);
    label();
    clearTimeout(settle);
    if (quick) {
      section.dataset.state = 'turning';
      renders.request({ yaw, pitch, size: QUICK });
      settle = window.setTimeout(() => renders.request({ yaw, pitch, size: FULL }), SETTLE_MS);
    } else renders.request({ yaw, pitch, size: FULL });
  };

  const turn = (dyaw: number, dpitch: number, quick: boolean) => {
    const y = clampYaw(yaw + dyaw);
    const p = clampPitch(pitch + dpitch);
    if (y === yaw && p === pitch) return;
    yaw = y;
    pitch = p;
    show(quick);
  };

  yawSlider.addEventListener('input', () => {
    yaw = clampYaw(Number(yawSlider.value));
    show(true);
  });
  pitchSlider.addEventListener('input', () => {
    pitch = clampPitch(Number(pitchSlider.value));
    show(true);
  });
  for (const s of [yawSlider, pitchSlider]) s.addEventListener('change', () => show(false));

  for (const c of [before, after]) {
    // Moving the camera: dragging or pressing right moves it to the right around the head (yaw
    // grows toward the patient's left when seen from the front), up moves it up.
    c.addEventListener('keydown', (e) => {
      const step: Record<string, [number, number]> = {
        ArrowLeft: [-KEY_STEP, 0],
        ArrowRight: [KEY_STEP, 0],
        ArrowUp: [0, KEY_STEP],
        ArrowDown: [0, -KEY_STEP],
      };
      const s = step[e.key];
      if (s) {
        e.preventDefault();
        turn(s[0], s[1], true);
      } else if (e.key === 'Home') {
        e.preventDefault();
        turn(-yaw, -pitch, false);
      }
    });
    let drag: { x: number; y: number; yaw: number; pitch: number } | undefined;
    c.addEventListener('pointerdown', (e) => {
      if (!summary) return;
      drag = { x: e.clientX, y: e.clientY, yaw, pitch };
      c.setPointerCapture(e.pointerId);
    });
    c.addEventListener('pointermove', (e) => {
      if (!drag) return;
      const y = clampYaw(drag.yaw + (e.clientX - drag.x) * DRAG_DEG_PER_PX);
      const p = clampPitch(drag.pitch - (e.clientY - drag.y) * DRAG_DEG_PER_PX);
      if (y === yaw && p === pitch) return;
      yaw = y;
      pitch = p;
      show(true);
    });
    const release = () => {
      if (!drag) return;
      drag = undefined;
      show(false);
    };
    c.addEventListener('pointerup', release);
    c.addEventListener('pointercancel', release);
  }

  const strippedView = (v: FaceCheckView, i: number, r: Extract<FaceCheckOutcome, { ok: true }>) => {
    const n = r.thumb * r.thumb;
    const thumb = (which: 'before' | 'after') => {
      const score = v[which];
      const found = score !== undefined && score >= r.minScore;
      const c = h('canvas', {
        class: found ? 'fc-thumb found' : 'fc-thumb',
        role: 'img',
        'aria-label': `${which === 'before' ? 'Original' : 'After defacing'}, ${viewWords(v.yaw, v.pitch)}: ${scoreWords(score, found)}`,
      });
      drawGrey(c, r.thumb, r[which].subarray(i * n, (i + 1) * n));
      return h(
        'div',
        { class: 'fc-pic' },
        c,
        h('span', { class: found ? 'fc-mark found' : 'fc-mark', 'aria-hidden': 'true' }, found ? 'Face' : 'No face'),
      );
    };
    return h('li', {}, h('p', { class: 'fc-angle' }, shortYaw(v.yaw)), thumb('before'), thumb('after'));
  };

  runCheck.addEventListener('click', async () => {
    runCheck.disabled = true;
    strip.hidden = true;
    checkResult.dataset.state = 'running';
    checkResult.textContent =
      'Running the face check on 18 views before and after. This takes a while (about ten seconds on a fast computer)…';
    let r: FaceCheckOutcome;
    try {
      r = await api.faceCheck();
    } catch (e) {
      r = { ok: false, reason: (e as Error).message };
    }
    if (!alive) return;
    runCheck.disabled = false;
    if (!r.ok) {
      checkResult.dataset.state = 'failed';
      checkResult.textContent = `The face check could not run: ${r.reason}.`;
      return;
    }
    const res = r.result;
    checkResult.dataset.state = res.proves ? 'proves' : res.detectedBefore === 0 ? 'proves-nothing' : 'face-after';
    checkResult.dataset.before = String(res.detectedBefore);
    checkResult.dataset.after = String(res.detectedAfter);
    checkResult.dataset.total = String(res.total);
    checkResult.textContent = `${res.message}.`;
    // One row per pitch, the yaws across: the original's picture above, the defaced one below.
    const pitches = [...new Set(res.views.map((v) => v.pitch))];
    replace(
      strip,
      ...pitches.map((p, k) =>
        h(
          'figure',
          { class: 'fc-row' },
          h('figcaption', { id: `fc-row-${k}` }, `${capital(pitchWords(p))}: the original above, after defacing below`),
          h(
            'ol',
            { 'aria-labelledby': `fc-row-${k}` },
            ...res.views.flatMap((v, i) => (v.pitch === p ? [strippedView(v, i, r)] : [])),
          ),
        ),
      ),
    );
    strip.hidden = false;
  });

  void (async () => {
    let s: SkinSummary;
    try {
      s = await api.open(refs);
    } catch (e) {
      s = { ok: false, reason: (e as Error).message };
    }
    if (!alive) return;
    if (!s.ok) {
      section.dataset.state = 'error';
      status.textContent = capital(s.reason);
      return;
    }
    summary = s;
    const line = verdictLine(s.verdict);
    verdict.textContent = `${line.text}.`;
    verdict.dataset.kind = line.kind;
    verdict.hidden = false;
    status.textContent = `${s.modality}, ${s.dims[0]} × ${s.dims[1]} × ${s.dims[2]} voxels.`;
    if (s.after === 'none') {
      after.hidden = true;
      afterNote.hidden = false;
      afterNote.textContent = 'Nothing of this series would be written, so there is no "after" to show.';
    } else if (s.after === 'unchanged') afterCaption.textContent = 'After (unchanged: nothing is cut)';
    yawSlider.disabled = false;
    pitchSlider.disabled = false;
    runCheck.disabled = s.after === 'none';
    show(false);
  })();

  const close = () => {
    if (!alive) return;
    alive = false;
    clearTimeout(settle);
    renders.stop();
    void api.close();
  };
  container.closest('dialog')?.addEventListener('close', close, { once: true });
  return { close };
};
