/// <reference lib="webworker" />
/**
 * The 3D view's worker: a thin comlink wrapper around `src/ui/view3d/skinSeries.ts`. Its own
 * worker, so turning a head never waits behind a run, and a run never waits behind a face
 * check. It reads the series' files itself (the page never holds their bytes), holds one series
 * at a time, and hands pictures back as transferred buffers.
 */
import * as Comlink from 'comlink';
import { browserFaceDetector } from '../src/pixels/faceCheck/browser.ts';
import { checkFaces, openSkinSeries, renderPair, type SkinSeries } from '../src/ui/view3d/skinSeries.ts';
import { readFull } from './files.ts';
// For its side effect: the lazy codecs' WebAssembly URLs on our own origin (setWasmUrls), which
// every worker that decodes must set for itself, as the engine worker does through this module.
import './pixels.ts';
import type { FaceCheckOutcome, SkinPictures, SkinSummary, View3dApi } from './view3dApi.ts';

/** The face detector's files, copied into the build by vite.config.ts (vite/faceAssets.ts). */
const FACE_ASSETS = `${import.meta.env.BASE_URL}face-check/`;

let current: Promise<SkinSeries | undefined> = Promise.resolve(undefined);
/** Each `open` gets a number; a later one supersedes it. */
let opened = 0;

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

const api: View3dApi = {
  open: async (refs): Promise<SkinSummary> => {
    const mine = ++opened;
    // Drop the previous series first: one volume (before and after) in this worker at a time.
    current = Promise.resolve(undefined);
    const done = (async (): Promise<SkinSummary & { series?: SkinSeries }> => {
      // Each file is read when the series call needs it, one at a time; a later `open` stops the reading.
      const inputs = refs.map((ref) => ({
        name: ref.path,
        load: () => {
          if (mine !== opened) throw new Error('another series was opened');
          return readFull(ref);
        },
      }));
      const r = await openSkinSeries(inputs);
      if (mine !== opened) return { ok: false, reason: 'another series was opened' };
      return r.ok ? { ...r.value.summary, series: r.value } : r;
    })();
    current = done.then((r) => (mine === opened && r.ok ? r.series : undefined));
    const r = await done;
    if (!r.ok) return r;
    const { series: _, ...summary } = r;
    return summary;
  },

  render: async (yaw, pitch, size) => {
    const s = await current;
    if (!s) return { ok: false, reason: 'no series is open' };
    const { before, after } = renderPair(s, yaw, pitch, size);
    const out: SkinPictures = {
      ok: true,
      yaw,
      pitch,
      size: before.width,
      before: before.pixels,
      ...(after ? { after: after.pixels } : {}),
    };
    return Comlink.transfer(out, [before.pixels.buffer, ...(after ? [after.pixels.buffer] : [])] as ArrayBuffer[]);
  },

  faceCheck: async (): Promise<FaceCheckOutcome> => {
    const s = await current;
    if (!s) return { ok: false, reason: 'no series is open' };
    let detector: Awaited<ReturnType<typeof browserFaceDetector>>;
    try {
      detector = await browserFaceDetector(FACE_ASSETS);
    } catch (e) {
      return { ok: false, reason: `the face detector could not be loaded (${message(e)})` };
    }
    try {
      const r = await checkFaces(s, detector);
      if ('ok' in r) return r;
      const out: FaceCheckOutcome = { ok: true, ...r };
      return Comlink.transfer(out, [r.before.buffer, r.after.buffer] as ArrayBuffer[]);
    } catch (e) {
      return { ok: false, reason: `the face check failed (${message(e)})` };
    }
  },

  close: async () => {
    opened++;
    current = Promise.resolve(undefined);
  },
};

Comlink.expose(api);
