import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { openApp } from './helpers.ts';
import { writeCd } from './make.ts';

/**
 * The other ways in: drag and drop (of a real folder from disk, and of loose files), the file
 * picker, and a folder opened with showDirectoryPicker. A native picker cannot be scripted, so
 * for it the page builds the directory handle a browser would hand over, in its private storage.
 */

/** Fetches a few sample files inside the page (same origin) as File objects. */
const SAMPLE_FILES = [
  'DICOMDIR',
  'AUTORUN.INF',
  'DICOM/PA000002/ST000001/SE000001/IM000001',
  'DICOM/PA000002/ST000001/SE000001/IM000002',
];

test('a folder dragged from the disk is walked recursively, nested folders and all', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'veil-e2e-drop-'));
  // Two series in nested folders (PATIENT/SER000, PATIENT/SER001), files without extensions.
  writeCd(dir, { name: 'DROP^DORA', id: 'DROP-1', birth: '19800101' }, 6, 32, 3);
  try {
    await openApp(page);
    // The browser's own drag and drop, as the OS starts it: Chromium builds the DataTransfer
    // from the paths, with a directory entry for the folder (what webkitGetAsEntry walks).
    const cdp = await page.context().newCDPSession(page);
    const zone = (await page.locator('#drop').boundingBox())!;
    const at = { x: zone.x + zone.width / 2, y: zone.y + zone.height / 2 };
    const data = { items: [], files: [dir], dragOperationsMask: 1 };
    for (const type of ['dragEnter', 'dragOver', 'drop'] as const)
      await cdp.send('Input.dispatchDragEvent', { type, ...at, data });
    await expect(page.getByTestId('status')).toHaveAttribute('data-state', 'ready');
    await expect(page.locator('#inventory-text')).toContainText(
      '8 files read: 6 DICOM images in 2 series of 1 patient',
    );
    // Paths keep the dropped folder's name: the skipped files sit at its top level.
    const top = dir.split('/').pop()!;
    await expect(page.locator('#skipped')).toContainText(`${top}/AUTORUN.INF`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('files chosen with the file picker are read', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'veil-e2e-pick-'));
  writeCd(dir, { name: 'PICK^PIA', id: 'PICK-1', birth: '19800101' }, 3, 32, 3);
  try {
    await openApp(page);
    const series = join(dir, 'PICK', 'SER000');
    await page
      .locator('#file-input')
      .setInputFiles([...readdirSync(series).map((f) => join(series, f)), join(dir, 'VIEWER.EXE')]);
    await expect(page.getByTestId('status')).toHaveAttribute('data-state', 'ready');
    await expect(page.locator('#inventory-text')).toContainText('4 files read: 3 DICOM images');
    await expect(page.locator('#skipped')).toContainText('VIEWER.EXE');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

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
