import { expect, test } from '@playwright/test';
import { openApp } from './helpers.ts';

/**
 * The other ways in: drag and drop, and a folder opened with showDirectoryPicker. Real drags and
 * native pickers cannot be scripted, so the page builds the same objects a browser would hand
 * over (a DataTransfer; a directory handle of its private storage) from the sample CD's files.
 */

/** Fetches a few sample files inside the page (same origin) as File objects. */
const SAMPLE_FILES = [
  'DICOMDIR',
  'AUTORUN.INF',
  'DICOM/PA000002/ST000001/SE000001/IM000001',
  'DICOM/PA000002/ST000001/SE000001/IM000002',
];

test('files dropped on the page are read like chosen ones', async ({ page }) => {
  await openApp(page);
  await page.evaluate(async (paths) => {
    const dt = new DataTransfer();
    for (const p of paths) {
      const blob = await (await fetch(`/sample/${p}`)).blob();
      dt.items.add(new File([blob], p.split('/').pop()!));
    }
    document.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    document.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, SAMPLE_FILES);
  await expect(page.getByTestId('status')).toHaveAttribute('data-state', 'ready');
  await expect(page.locator('#inventory-text')).toContainText('4 files read: 2 DICOM images');
  await expect(page.locator('#skipped')).toContainText('autorun.inf');
});

test('a folder opened with showDirectoryPicker is walked recursively', async ({ page }) => {
  await page.addInitScript(() => {
    window.showDirectoryPicker = async () =>
      (await navigator.storage.getDirectory()).getDirectoryHandle('CD', { create: true });
  });
  await openApp(page);
  await page.evaluate(async (paths) => {
    const root = await (await navigator.storage.getDirectory()).getDirectoryHandle('CD', { create: true });
    for (const p of paths) {
      const parts = p.split('/');
      let dir = root;
      for (const d of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(d, { create: true });
      const w = await (await dir.getFileHandle(parts.at(-1)!, { create: true })).createWritable();
      await w.write(await (await fetch(`/sample/${p}`)).blob());
      await w.close();
    }
  }, SAMPLE_FILES);
  await page.locator('#pick-folder').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-state', 'ready');
  await expect(page.locator('#inventory-text')).toContainText('4 files read: 2 DICOM images');
  await expect(page.locator('#skipped')).toContainText('CD/DICOMDIR');
});
