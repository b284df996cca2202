import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { downloadZip, loadFolder, openApp, runToDone } from './helpers.ts';
import { writeCd } from './make.ts';

/** Cancel stops a run half-way, keeps nothing, and leaves the app ready for the next run. */
test('cancel halfway: nothing is kept, and the next run completes', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'veil-e2e-cancel-'));
  writeCd(dir, { name: 'CANCEL^CARL', id: 'CAN-5', birth: '19600606' }, 600, 128);
  try {
    await openApp(page);
    await loadFolder(page, dir);
    // Press Cancel from inside the page at the first progress report, whatever the machine's speed.
    await page.evaluate(() => {
      const text = document.getElementById('progress-text')!;
      const obs = new MutationObserver(() => {
        if (/^[1-9][\d,]* of /.test(text.textContent ?? '')) {
          obs.disconnect();
          document.getElementById('cancel')!.click();
        }
      });
      obs.observe(text, { childList: true, characterData: true, subtree: true });
    });
    await page.getByTestId('start').click();
    await expect(page.getByTestId('status')).toHaveAttribute('data-state', 'cancelled');
    await expect(page.getByTestId('download-zip')).toBeHidden();
    // The half-built zip is gone from the browser's private storage.
    const staged = await page.evaluate(async () => {
      const names: string[] = [];
      const root = await navigator.storage.getDirectory();
      for await (const h of (root as unknown as { values(): AsyncIterable<{ name: string }> }).values())
        names.push(h.name);
      return names.filter((n) => n.startsWith('veil-output-'));
    });
    expect(staged).toEqual([]);

    await runToDone(page);
    const zip = await downloadZip(page);
    expect([...zip.keys()].filter((k) => k.startsWith('DICOM/'))).toHaveLength(600);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
