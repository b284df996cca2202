import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ocrAssetTargets } from '../../../vite/ocrAssets.ts';
import { ocrAssets, ocrWorkerOptions, servedOcrAssets } from './assets.ts';
import { closeRecognizer, ocrLoadCount, recognizeWords } from './ocr.ts';

const URL_RE = /\b(?:https?:)?\/\//i;

describe('OCR assets come only from us', () => {
  it('in Node: files in node_modules, no URL anywhere in the options', async () => {
    const a = await ocrAssets();
    if (!a.ok) throw new Error(a.error.message);
    const o = ocrWorkerOptions(a.value);
    if (!o.ok) throw new Error(o.error.message);
    for (const v of Object.values(o.value)) if (typeof v === 'string') expect(v).not.toMatch(URL_RE);
    expect(o.value).toMatchObject({ cacheMethod: 'none', gzip: true, workerBlobURL: false, legacyCore: false });
    expect(o.value.langPath).toMatch(/@tesseract\.js-data\/eng\/4\.0\.0_best_int$/);
  });

  it('refuses any URL that is not on our own origin', () => {
    const served = servedOcrAssets('/');
    expect(served).toEqual({ workerPath: '/ocr/worker.min.js', corePath: '/ocr/core', langPath: '/ocr/lang' });
    const abs = (p: string) => `https://veil.example${p}`;
    const ours = {
      workerPath: abs(served.workerPath),
      corePath: abs(served.corePath!),
      langPath: abs(served.langPath),
    };
    expect(ocrWorkerOptions(ours, 'https://veil.example').ok).toBe(true);
    for (const key of ['workerPath', 'corePath', 'langPath'] as const) {
      const cdn = { ...ours, [key]: 'https://cdn.jsdelivr.net/npm/tesseract.js@7/dist/worker.min.js' };
      const r = ocrWorkerOptions(cdn, 'https://veil.example');
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).toContain(key);
      expect(ocrWorkerOptions(ours, undefined).ok).toBe(false); // Node: no URL at all
    }
  });

  it('the Vite copy targets point at files that exist, under /ocr/', async () => {
    const { existsSync } = await import('node:fs');
    expect(ocrAssetTargets.length).toBe(5);
    for (const t of ocrAssetTargets) {
      expect(existsSync(join(import.meta.dirname, '..', '..', '..', t.src)), t.src).toBe(true);
      expect(t.dest).toMatch(/^ocr(\/(core|lang))?$/);
    }
  });
});

describe('loading the OCR engine', () => {
  afterAll(closeRecognizer);

  it('loads once per worker from disk, with no network access in either thread', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch').mockRejectedValue(new Error('no network in tests'));
    const a = await ocrAssets();
    if (!a.ok) throw new Error(a.error.message);
    // The OCR worker thread runs with fetch replaced by one that throws (test/text/offlineWorker.cjs).
    const assets = {
      ...a.value,
      workerPath: join(import.meta.dirname, '..', '..', '..', 'test', 'text', 'offlineWorker.cjs'),
    };
    const blank = { width: 64, height: 32, data: new Uint8Array(64 * 32).fill(255) };
    for (let i = 0; i < 3; i++) {
      const r = await recognizeWords(blank, assets);
      if (!r.ok) throw new Error(r.error.message);
      expect(r.value).toEqual([]);
    }
    expect(ocrLoadCount()).toBe(1);
    expect(fetchSpy).not.toHaveBeenCalled();
    fetchSpy.mockRestore();
  });
});
