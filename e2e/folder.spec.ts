import { expect, test } from '@playwright/test';
import { loadSample, openApp, runToDone } from './helpers.ts';

/**
 * Saving into a folder (File System Access API). The native folder picker cannot be driven by a
 * test, so it is stood in for by a folder of the browser's private storage: the app writes there
 * through the very same handles it gets from a real picker.
 */
test('save into a chosen folder: the tree in "anonymized", the report beside it, re-read by the leak check', async ({
  page,
}) => {
  await page.addInitScript(() => {
    window.showDirectoryPicker = async () =>
      (await navigator.storage.getDirectory()).getDirectoryHandle('picked', { create: true });
  });
  await openApp(page);
  await loadSample(page);
  await page.getByTestId('destination-folder').check();
  await runToDone(page);
  await expect(page.getByTestId('leak-check')).toContainText(/Leak check: 0 of 75 files/);
  await expect(page.getByTestId('download-zip')).toBeHidden();

  const listing = await page.evaluate(async () => {
    type Dir = FileSystemDirectoryHandle & { values(): AsyncIterable<FileSystemHandle> };
    const walk = async (d: Dir, prefix: string, out: string[]) => {
      for await (const h of d.values()) {
        const p = `${prefix}${h.name}`;
        if (h.kind === 'directory') await walk(h as Dir, `${p}/`, out);
        else out.push(p);
      }
      return out;
    };
    const picked = await (await navigator.storage.getDirectory()).getDirectoryHandle('picked');
    return walk(picked as Dir, '', []);
  });
  const run = listing[0]!.split('/')[0]!;
  expect(run).toMatch(/^Veil \d{4}-\d{2}-\d{2} \d{2}\.\d{2}$/);
  expect(listing).toContain(`${run}/anonymized/DICOMDIR`);
  expect(listing).toContain(`${run}/veil-report.json`);
  expect(listing).toContain(`${run}/veil-report.txt`);
  expect(listing.filter((p) => p.startsWith(`${run}/anonymized/DICOM/`))).toHaveLength(74);
  // Nothing inside what is shared carries the patient's name.
  expect(listing.filter((p) => /MÜLLER|MUELLER|SMITH/i.test(p))).toEqual([]);
});
