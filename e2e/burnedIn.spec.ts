import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { readDicom } from '../src/dicom/read.ts';
import { getString } from '../src/dicom/values.ts';
import { decodeFrame } from '../src/pixels/codecs/index.ts';
import { hasCommand, squeeze, tesseractCli } from '../test/text/render.ts';
import { downloadZip, loadSample, openApp, runToDone } from './helpers.ts';

/**
 * Burned-in text through the app (issue 5 §4, §8): the sample CD's dose report screenshot has the
 * patient's name and birth date written into its pixels. The preview shows the boxes OCR found
 * ("PHI found in pixels" on the name), the user removes one and draws it back, the run writes the
 * screenshot with 113101 and Burned In Annotation NO, and Debian's tesseract, an independent
 * reader, reads the injected strings from the input's pixels and none of them from the output's.
 */

const SCREENSHOT = join(import.meta.dirname, '..', 'public', 'sample', 'DICOM/PA000001/ST000001/SE000002/IM000001');
/** What the sample generator burns in (scripts/generate-sample.ts DOSE_LINES). */
const INJECTED = ['MÜLLER', 'JÖRG', '14.03.1962'];
const SC = '1.2.840.10008.5.1.4.1.1.7';

test.skip(!hasCommand('tesseract'), 'Debian’s tesseract CLI is not installed: it is the independent judge here');

/** Levenshtein distance (small strings). */
const distance = (a: string, b: string): number => {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur.push(Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = cur;
  }
  return prev[b.length]!;
};

/** The injected strings a reading betrays: a word within one slip of one (OCR reads Ü as U or O). */
const betrayed = (reading: string): string[] => {
  const words = reading.split(/\s+/).map(squeeze).filter(Boolean);
  return INJECTED.filter((s) => words.some((w) => distance(w, squeeze(s)) <= 1));
};

/** What Debian's tesseract reads in the first frame of an 8-bit grey image. */
const cliReads = async (bytes: Uint8Array): Promise<string> => {
  const f = readDicom(bytes);
  if (!f.ok) throw new Error(f.error.message);
  const d = await decodeFrame(f.value, 0);
  if (!d.ok) throw new Error(d.error.message);
  expect(d.value.samplesPerPixel).toBe(1);
  return tesseractCli(new Uint8Array(d.value.pixels as Uint8Array), d.value.columns, d.value.rows, 1);
};

/** The screenshot in a downloaded zip, if it was written. */
const screenshotIn = (zip: Map<string, Uint8Array>): Uint8Array | undefined =>
  [...zip]
    .filter(([k]) => k.startsWith('DICOM/'))
    .map(([, b]) => b)
    .find((b) => {
      const r = readDicom(b);
      return r.ok && getString(r.value.dataset, 0x00080016) === SC;
    });

/** The CID 7050 codes in the De-identification Method Code Sequence. */
const methodCodes = (bytes: Uint8Array): string[] => {
  const r = readDicom(bytes);
  if (!r.ok) throw new Error(r.error.message);
  return (r.value.dataset.get(0x00120064)?.items ?? []).map((i) => getString(i, 0x00080100) ?? '');
};

/** Opens the screenshot's preview and waits for the boxes OCR found. */
const openScreenshot = async (page: Page) => {
  await page.getByRole('button', { name: /Preview OT series 999 Dose Report/ }).click();
  const dialog = page.locator('#preview');
  await expect(dialog.getByTestId('text-box').first()).toBeVisible();
  return dialog;
};

test('the screenshot: boxes shown, one removed and drawn back, and a download proven clean', async ({ page }) => {
  const before = await cliReads(new Uint8Array(readFileSync(SCREENSHOT)));
  // The judge can read the input: otherwise "nothing read after" would prove nothing.
  expect(betrayed(before)).toEqual(INJECTED);

  await openApp(page);
  await loadSample(page);
  const series = page.locator('.series', { hasText: 'Dose Report' });
  await expect(series.getByTestId('text-plan')).toHaveAttribute('data-kind', 'scan');

  const dialog = await openScreenshot(page);
  const boxes = dialog.getByTestId('text-box');
  const phi = dialog.locator('[data-testid="text-box"][data-kind="phi"]');
  // The name and the birth date are flagged; other text (the dose figures) is boxed too.
  await expect(phi).toHaveCount(2);
  await expect(phi.first()).toContainText('PHI found in pixels');
  const count = await boxes.count();
  expect(count).toBeGreaterThan(2);
  // The boxes and their panel are labelled and keyboard operable (axe-core, as in a11y.spec.ts).
  const axe = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);

  // Remove the name's box (the top one) from the keyboard.
  const name = phi.first();
  const where = (await name.boundingBox())!;
  await name.focus();
  await page.keyboard.press('Delete');
  await expect(boxes).toHaveCount(count - 1);
  await expect(dialog.locator('[data-testid="text-box"][data-kind="phi"]')).toHaveCount(1);
  await expect(dialog).toContainText('will be held back');

  // Draw it back by dragging over the same place.
  await dialog.getByTestId('text-draw').click();
  await page.mouse.move(where.x + 1, where.y + 1);
  await page.mouse.down();
  await page.mouse.move(where.x + where.width / 2, where.y + where.height / 2, { steps: 4 });
  await page.mouse.move(where.x + where.width - 1, where.y + where.height - 1, { steps: 4 });
  await page.mouse.up();
  await expect(boxes).toHaveCount(count);
  // Drawn over the box OCR flagged, it keeps the flag.
  await expect(dialog.locator('[data-testid="text-box"][data-kind="phi"]')).toHaveCount(2);
  await expect(dialog.getByTestId('text-status')).toContainText('your boxes for this image');
  await expect(dialog).toContainText('will be written');
  await dialog.getByRole('button', { name: 'Close' }).click();

  await runToDone(page);
  await expect(page.getByTestId('text-results')).toContainText(/Text blacked out in \d+ image/);
  await expect(page.getByTestId('text-results')).toContainText('PHI found in pixels in 1');
  const zip = await downloadZip(page);
  const out = screenshotIn(zip);
  expect(out, 'the screenshot is in the zip').toBeDefined();
  const r = readDicom(out!);
  expect(r.ok && getString(r.value.dataset, 0x00280301)).toBe('NO'); // Burned In Annotation
  expect(methodCodes(out!)).toContain('113101'); // Clean Pixel Data
  expect(betrayed(await cliReads(out!))).toEqual([]);
});

test('a box removed over the name and not replaced: the screenshot is held back with the reason', async ({ page }) => {
  await openApp(page);
  await loadSample(page);
  const dialog = await openScreenshot(page);
  const phi = dialog.locator('[data-testid="text-box"][data-kind="phi"]');
  await expect(phi).toHaveCount(2);
  // The list's × does the same as Delete on the box.
  await dialog
    .locator('[data-testid="text-box-list"] li[data-kind="phi"]')
    .first()
    .getByTestId('text-box-remove')
    .click();
  await expect(phi).toHaveCount(1);
  await page.getByTestId('preview-after').check();
  await expect(dialog.locator('.viewer-message')).toContainText('Not written');
  await expect(dialog.locator('.viewer-message')).toContainText('with the boxes chosen in the preview');
  await dialog.getByRole('button', { name: 'Close' }).click();

  await runToDone(page);
  await page.locator('#withheld summary').click();
  await expect(page.locator('#withheld')).toContainText(/with the boxes chosen in the preview, text is still readable/);
  const zip = await downloadZip(page);
  expect(screenshotIn(zip)).toBeUndefined();
});

test('boxes remembered per device are offered next time, and "forget everything" forgets them', async ({ page }) => {
  await openApp(page);
  await loadSample(page);
  let dialog = await openScreenshot(page);
  await expect(dialog.getByTestId('text-use-template')).toBeHidden();
  // Edited for every image of this size from this device, then remembered.
  await dialog.getByTestId('text-scope').selectOption('device');
  await dialog.getByTestId('text-box-remove').last().click();
  await expect(dialog.getByTestId('text-status')).toContainText('every image of this size from this device');
  const kept = await dialog.getByTestId('text-box').count();
  await dialog.getByTestId('text-save-template').click();
  await expect(dialog.getByTestId('text-status')).toContainText('Remembered in this browser');

  // Next visit: OCR's boxes again, and the saved ones one click away.
  await openApp(page);
  await loadSample(page);
  dialog = await openScreenshot(page);
  await expect(dialog.getByTestId('text-status')).toContainText('found by reading the image');
  await dialog.getByTestId('text-use-template').click();
  await expect(dialog.getByTestId('text-status')).toContainText('every image of this size from this device');
  await expect(dialog.getByTestId('text-box')).toHaveCount(kept);
  await expect(dialog.getByTestId('text-scope')).toHaveValue('device');
  await dialog.getByRole('button', { name: 'Close' }).click();

  await page.getByTestId('forget').click();
  await expect(page.locator('#key-message')).toContainText('boxes saved per device are gone');
  await openApp(page);
  await loadSample(page);
  dialog = await openScreenshot(page);
  await expect(dialog.getByTestId('text-status')).toContainText('found by reading the image');
  await expect(dialog.getByTestId('text-use-template')).toBeHidden();
});
