import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { loadSample, openApp } from './helpers.ts';

/** The key and settings live in this browser only; they can be exported, imported and forgotten. */

test('the key survives a reload, exports and imports as a file, and "forget everything" wipes it', async ({ page }) => {
  await openApp(page);
  const keyText = page.locator('#key-text');
  await expect(keyText).toContainText('Key in use:');
  const first = (await keyText.textContent())!.match(/Key in use: (\S+)/)![1];

  await page.reload();
  await expect(page.locator('#app')).toHaveAttribute('data-ready', 'true');
  await expect(keyText).toContainText(`Key in use: ${first}`);

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-key').click()]);
  const exported = readFileSync((await download.path())!, 'utf8');
  expect(JSON.parse(exported).format).toBe('veil-key/1');

  // Settings persist across visits.
  await loadSample(page);
  await page.getByTestId('preset-doctor').check();
  // Saving is asynchronous: wait until IndexedDB holds the choice (idb-keyval's default store).
  await expect
    .poll(() =>
      page.evaluate(
        () =>
          new Promise<string>((resolve) => {
            const open = indexedDB.open('keyval-store');
            open.onsuccess = () => {
              const get = open.result.transaction('keyval').objectStore('keyval').get('veil:settings');
              get.onsuccess = () => resolve((get.result as { preset?: string } | undefined)?.preset ?? '');
              get.onerror = () => resolve('');
            };
            open.onerror = () => resolve('');
          }),
      ),
    )
    .toBe('doctor');
  await page.reload();
  await expect(page.locator('#app')).toHaveAttribute('data-ready', 'true');
  await loadSample(page);
  await expect(page.getByTestId('preset-doctor')).toBeChecked();

  await page.getByTestId('forget').click();
  await expect(page.locator('#key-message')).toContainText('Everything was forgotten');
  await expect(page.getByTestId('preset-research')).toBeChecked();
  await expect(keyText).not.toContainText(first!);
  await page.reload();
  await expect(page.locator('#app')).toHaveAttribute('data-ready', 'true');
  await loadSample(page);
  await expect(page.getByTestId('preset-research')).toBeChecked();
  await expect(keyText).not.toContainText(first!);

  // Importing the exported key brings the old pseudonyms back.
  await page
    .getByTestId('import-key')
    .setInputFiles({ name: 'veil-key.json', mimeType: 'application/json', buffer: Buffer.from(exported) });
  await expect(keyText).toContainText(`Key in use: ${first}`);
  await page
    .getByTestId('import-key')
    .setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{}') });
  await expect(page.locator('#key-message')).toContainText('bad.json was not imported');
});
