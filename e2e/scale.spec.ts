import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, expect, test } from '@playwright/test';
import { unzipSync } from 'fflate';
import config from '../playwright.config.ts';
import { loadFolder, openApp, runToDone } from './helpers.ts';
import { writeCd } from './make.ts';

/**
 * A 1,000-file folder completes, and the tab's memory stays bounded: outputs stream to the zip
 * as they complete instead of piling up. Measured as the peak resident memory (VmHWM) of the
 * browser's renderer processes, which hold the page and its workers, in a browser of its own.
 */

const FILES = Number(process.env.VEIL_SCALE_FILES ?? 1000);
// 724×724×2 bytes, 1 MB a file, 1 GB in all: twice what the tab settles at while streaming (its
// engine workers, the zip writer and what the garbage collector has not yet freed, whatever the
// input size), so a tab that held the inputs or outputs would stand out by hundreds of MB.
const SIZE = 724;
const INPUT_MB = (FILES * SIZE * SIZE * 2) / 1024 / 1024;

test('a 1,000-file folder completes with the tab’s memory bounded', async ({ baseURL }) => {
  const dir = mkdtempSync(join(tmpdir(), 'veil-e2e-1000-'));
  // Ten series of 100 slices, as a CD holds them. Each series is judged whole in one worker (is it
  // a head? its volume is read), so the peak follows the largest series, not the CD's size.
  writeCd(dir, { name: 'THOUSAND^TESS', id: 'K-1000', birth: '19900909' }, FILES, SIZE, 100);
  const browser = await chromium.launch(config.use?.launchOptions);
  try {
    const context = await browser.newContext({ baseURL, acceptDownloads: true });
    const page = await context.newPage();
    const cdp = await browser.newBrowserCDPSession();
    /** Resident memory of each renderer process, now and at its peak, in MB. */
    const renderers = async () => {
      const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as {
        processInfo: { type: string; id: number }[];
      };
      return processInfo
        .filter((p) => p.type === 'renderer')
        .map((p) => {
          const s = readFileSync(`/proc/${p.id}/status`, 'utf8');
          const kb = (k: string) => Number(s.match(new RegExp(`${k}:\\s+(\\d+) kB`))?.[1] ?? 0) / 1024;
          return { rss: kb('VmRSS'), peak: kb('VmHWM') };
        });
    };
    await openApp(page);
    const before = Math.max(...(await renderers()).map((r) => r.rss));
    await loadFolder(page, dir);
    await expect(page.locator('#inventory-text')).toContainText(`${FILES.toLocaleString('en')} DICOM images`);
    await runToDone(page);
    await expect(page.getByTestId('leak-check')).toContainText(`0 of ${(FILES + 1).toLocaleString('en')} files`);

    const peak = Math.max(...(await renderers()).map((r) => r.peak));
    const growth = peak - before;
    console.log(
      `renderer memory: ${before.toFixed(0)} MB when ready, ${peak.toFixed(0)} MB at the peak, for ${INPUT_MB.toFixed(0)} MB of input`,
    );
    // Holding the inputs or outputs would grow the tab by the size of the CD; streaming keeps
    // the growth to a few files per worker plus what the garbage collector has not yet freed
    // (measured: about 400 MB for 500 MB or 1 GB of input alike).
    expect(growth).toBeLessThan(INPUT_MB * 0.5);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-zip').click()]);
    const names: string[] = [];
    unzipSync(new Uint8Array(readFileSync((await download.path())!)), {
      filter: (f) => {
        names.push(f.name);
        return false; // names only: the bytes were checked by the app's own leak check
      },
    });
    expect(names.filter((k) => k.startsWith('DICOM/'))).toHaveLength(FILES);
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
