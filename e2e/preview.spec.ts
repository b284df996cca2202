import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { loadFolder, loadSample, openApp } from './helpers.ts';

/** The viewer and the tag table: before and after on the same slice, colour-coded and searchable. */
test('preview: slices, window presets, before/after, and the tag table with search', async ({ page }) => {
  await openApp(page);
  await loadSample(page);
  await page.getByRole('button', { name: /Preview CT series 2 Kopf 2mm axial/ }).click();
  const dialog = page.locator('#preview');
  await expect(dialog).toBeVisible();
  await expect(dialog.locator('canvas')).toHaveAttribute('aria-label', 'Slice 33 of 64, original');
  await dialog.locator('canvas').focus();
  await page.keyboard.press('ArrowDown');
  await expect(dialog.locator('canvas')).toHaveAttribute('aria-label', 'Slice 34 of 64, original');
  await dialog.getByLabel('Window').selectOption('Bone');
  await expect(dialog.getByLabel('Width')).toHaveValue('2800');
  // Zoom: 200 % draws the frame at twice its size, 'Fit' brings it back.
  const canvas = dialog.locator('canvas.viewer-canvas');
  const frameWidth = Number(await canvas.getAttribute('data-frame-width'));
  await dialog.getByLabel('Zoom').selectOption('200%');
  await expect(canvas).toHaveJSProperty('width', 2 * frameWidth);
  await dialog.getByLabel('Zoom').selectOption('Fit');
  await expect(canvas).not.toHaveJSProperty('width', 2 * frameWidth);
  await page.getByTestId('preview-after').check();
  await expect(dialog.locator('canvas')).toHaveAttribute('aria-label', 'Slice 34 of 64, de-identified');

  const table = page.getByTestId('tag-table');
  await expect(table.locator('tr.tag-removed', { hasText: 'PatientAddress' })).toHaveCount(1);
  await expect(table.locator('tr.tag-replaced', { hasText: 'PatientName' })).toBeVisible();
  await expect(table.locator('tr.tag-added', { hasText: 'PatientIdentityRemoved' })).toBeVisible();
  await expect(table.locator('tr.tag-kept', { hasText: 'Modality' }).first()).toBeVisible();
  await page.getByTestId('tag-search').fill('institution');
  await expect(table.locator('tbody tr:visible')).not.toHaveCount(0);
  for (const text of await table.locator('tbody tr:visible').allTextContents())
    expect(text.toLowerCase()).toContain('institution');
  await dialog.getByRole('button', { name: 'Close' }).click();

  // A withheld file shows its reason: with scanning off, the screenshot is held back for burned-in text.
  await page.getByTestId('option-text-scan').uncheck();
  await page.getByRole('button', { name: /Preview OT series 999 Dose Report/ }).click();
  await expect(page.locator('#preview')).toContainText('will be held back');
  await page.getByTestId('preview-after').check();
  await expect(page.locator('.viewer-message')).toContainText('Not written');
});

/**
 * Compressed series preview like native ones: the worker decodes JPEG-LS and JPEG 2000 with the
 * WebAssembly codecs, fetched from the app's own origin when first needed (the CSP allows no other).
 */
test('preview: compressed series (JPEG-LS, JPEG 2000) show their pixels', async ({ page, baseURL }) => {
  const dir = mkdtempSync(join(tmpdir(), 'veil-e2e-codecs-'));
  const from = join(import.meta.dirname, '..', '.cache', 'pydicom', 'test_files');
  copyFileSync(join(from, 'MR_small_jpeg_ls_lossless.dcm'), join(dir, 'IM1')); // MR series 1, JPEG-LS Lossless
  copyFileSync(join(from, '693_J2KI.dcm'), join(dir, 'IM2')); // CT series 2, JPEG 2000 (lossy)
  const wasm: string[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('.wasm')) wasm.push(r.url());
  });
  try {
    await openApp(page);
    await loadFolder(page, dir);
    for (const [series, label] of [
      [/Preview MR series 1/, 'JPEG-LS'],
      [/Preview CT series 2 5\/5mm Plain/, 'JPEG 2000'],
    ] as const) {
      await page.getByRole('button', { name: series }).click();
      const dialog = page.locator('#preview');
      await expect(dialog).toBeVisible();
      const canvas = dialog.locator('canvas');
      await expect(canvas).toHaveAttribute('aria-label', 'Slice 1 of 1, original');
      await expect(dialog.locator('.viewer-message')).toHaveText('');
      // Not blank: the drawn image has many grey levels.
      const levels = await canvas.evaluate((c: HTMLCanvasElement) => {
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        const seen = new Set<number>();
        for (let i = 0; i < d.length; i += 4) seen.add(d[i]!);
        return seen.size;
      });
      expect(levels, label).toBeGreaterThan(32);
      await dialog.getByRole('button', { name: 'Close' }).click();
    }
    expect(wasm.length).toBeGreaterThan(0);
    for (const url of wasm) expect(url.startsWith(`${new URL(baseURL!).origin}/assets/`), url).toBe(true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
