import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { loadFolder, openApp, runToDone } from './helpers.ts';
import { HOSTILE, writeHostile } from './make.ts';

/** DICOM values are untrusted: markup in them is shown as text and never runs. */
test('a Patient Name <img src=x onerror=alert(1)> is shown as text and never runs', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'veil-e2e-xss-'));
  writeHostile(dir);
  const dialogs: string[] = [];
  page.on('dialog', async (d) => {
    dialogs.push(d.message());
    await d.dismiss();
  });
  try {
    await openApp(page);
    await loadFolder(page, dir);
    await expect(page.locator('#findings')).toContainText(HOSTILE.name);
    await expect(page.locator('#tree')).toContainText(HOSTILE.description);
    await expect(page.locator('#tree')).toContainText(HOSTILE.series);
    // The preview and its tag table show the same values.
    await page.locator('.series .button').first().click();
    await expect(page.getByTestId('tag-table')).toContainText(HOSTILE.name);
    await page.getByRole('button', { name: 'Close' }).click();
    await runToDone(page);

    expect(dialogs).toEqual([]);
    expect(await page.locator('img[src="x"], svg[onload], script:not([src])').count()).toBe(0);
    expect(await page.evaluate(() => document.querySelectorAll('[onerror],[onload]').length)).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
