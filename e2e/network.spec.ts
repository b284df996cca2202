import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { downloadZip, loadFolder, openApp, runToDone, waitOfflineReady } from './helpers.ts';
import { writeCd } from './make.ts';

/**
 * Nothing leaves, provably: every request of a whole session (page, workers, service worker) is
 * recorded; all of them go to the app's own origin, and once the app has loaded there are none.
 */
test('every request is same-origin, and there is none after the app has loaded', async ({ page, context, baseURL }) => {
  const dir = mkdtempSync(join(tmpdir(), 'veil-e2e-net-'));
  writeCd(dir, { name: 'NETWORK^NORA', id: 'NET-1', birth: '19800101' }, 20);
  const origin = new URL(baseURL!).origin;
  const all: string[] = [];
  const afterLoad: string[] = [];
  let loaded = false;
  context.on('request', (r) => {
    all.push(r.url());
    if (loaded) afterLoad.push(`${r.method()} ${r.url()}`);
  });
  try {
    await openApp(page);
    await waitOfflineReady(page);
    loaded = true;

    await loadFolder(page, dir);
    await runToDone(page);
    const zip = await downloadZip(page);
    expect(zip.size).toBeGreaterThan(1);
    await page.getByTestId('download-report-text').click();
    await page.locator('.series .button').first().click(); // the preview too
    await expect(page.locator('#preview')).toBeVisible();

    expect(all.length).toBeGreaterThan(0);
    for (const url of all) expect(url.startsWith(`${origin}/`) || url.startsWith(`blob:${origin}/`), url).toBe(true);
    expect(afterLoad).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * A worker takes its policy from the response that brought its script, not from the page, so
 * the engine workers are tried directly: a request from inside one to another origin (this same
 * server under 127.0.0.1, reachable, so only the policy can refuse it) is refused, while one to
 * the app's own origin goes through.
 */
test('the workers are held to the same policy: no request to another origin from inside one', async ({
  page,
  baseURL,
}) => {
  await openApp(page);
  const engine = page.workers().find((w) => /engine\.worker/.test(w.url()));
  expect(
    engine,
    page
      .workers()
      .map((w) => w.url())
      .join(', '),
  ).toBeDefined();
  const own = new URL('/icon.svg', baseURL).href;
  const other = own.replace('//localhost:', '//127.0.0.1:');
  expect(other).not.toBe(own);
  const attempt = (url: string) =>
    engine!.evaluate(
      (u) =>
        fetch(u, { mode: 'no-cors' }).then(
          () => 'fetched',
          (e: Error) => `refused: ${e.message}`,
        ),
      url,
    );
  expect(await attempt(own)).toBe('fetched');
  expect(await attempt(other)).toMatch(/^refused/);
});
