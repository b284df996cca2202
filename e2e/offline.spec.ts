import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import {
  downloadZip,
  identities,
  leaksInZip,
  loadFolder,
  loadSample,
  openApp,
  runToDone,
  waitOfflineReady,
} from './helpers.ts';
import { writeCd } from './make.ts';

/** After one visit, Veil loads and works with the network off: the sample and the user's own files. */
test('offline: reload with the network off, then a full anonymization', async ({ page, context }) => {
  const dir = mkdtempSync(join(tmpdir(), 'veil-e2e-offline-'));
  writeCd(dir, { name: 'OFFLINE^OLGA', id: 'OFF-77', birth: '19750505' }, 12);
  try {
    await openApp(page);
    await waitOfflineReady(page);
    await context.setOffline(true);
    await page.reload();
    await expect(page.locator('#app')).toHaveAttribute('data-ready', 'true');

    await loadSample(page);
    await runToDone(page);
    const sample = await downloadZip(page);
    expect(sample.has('DICOMDIR')).toBe(true);
    expect(leaksInZip(sample, identities(['MÜLLER', 'PID-4711-0815']))).toEqual([]);

    await loadFolder(page, dir);
    await runToDone(page);
    const own = await downloadZip(page);
    expect([...own.keys()].filter((k) => k.startsWith('DICOM/'))).toHaveLength(12);
    expect(leaksInZip(own, identities(['OFFLINE', 'OLGA', 'OFF-77', '19750505']))).toEqual([]);
  } finally {
    await context.setOffline(false);
    rmSync(dir, { recursive: true, force: true });
  }
});
