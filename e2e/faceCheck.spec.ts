import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Locator, type Page, test } from '@playwright/test';
import { HEADS } from '../test/heads.ts';
import { loadFolder, openApp } from './helpers.ts';

/**
 * The proof in the app (issue 4): the real cadaver CT head loaded through the folder input, its
 * 3D view before and after defacing (drawn in the 3D view's worker), turned with the slider and
 * the keyboard, and the face check run on demand: a face on the original in at least one of the
 * 18 views, none after. Every request of the session stays on the app's origin, and the open
 * view has no accessibility violations.
 */

const CT = join(HEADS, 'ct-unc-cthead');

/** A canvas's grey levels (red channel), its size, and the angle the view drew it at. */
const pixelsOf = (canvas: Locator) =>
  canvas.evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const grey: number[] = [];
    for (let i = 0; i < d.length; i += 4) grey.push(d[i]!);
    return { size: c.width, grey, yaw: Number(c.dataset.yaw), pitch: Number(c.dataset.pitch) };
  });

type Picture = Awaited<ReturnType<typeof pixelsOf>>;

/** Share of pixels that show skin (non-black). */
const lit = (p: Picture) => p.grey.filter((g) => g > 0).length / p.grey.length;

/** Mean absolute difference over rows [y0, y1) and columns [x0, x1), as fractions of the size. */
const meanDiff = (a: Picture, b: Picture, y0: number, y1: number, x0: number, x1: number): number => {
  const s = a.size;
  let sum = 0;
  let n = 0;
  for (let y = Math.floor(y0 * s); y < Math.floor(y1 * s); y++)
    for (let x = Math.floor(x0 * s); x < Math.floor(x1 * s); x++) {
      sum += Math.abs(a.grey[y * s + x]! - b.grey[y * s + x]!);
      n++;
    }
  return sum / n;
};

/** axe-core's violations inside the preview dialog, as a11y.spec.ts counts them. */
const violations = async (page: Page): Promise<string[]> => {
  const r = await new AxeBuilder({ page })
    .include('#preview')
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
};

test.skip(!existsSync(CT), `the real CT head is not here (${CT}): see ../shared/data/heads`);

test('the 3D view shows the skin before and after, turns, and the face check proves the face is gone', async ({
  page,
  context,
  baseURL,
}) => {
  const origin = new URL(baseURL!).origin;
  const requests: string[] = [];
  context.on('request', (r) => {
    requests.push(r.url());
  });

  await openApp(page);
  await loadFolder(page, CT);
  await page
    .getByRole('button', { name: /^Preview CT/ })
    .first()
    .click();
  await expect(page.locator('#preview')).toBeVisible();
  await page.getByTestId('view3d-open').click();

  const view = page.getByTestId('view3d');
  const before = page.getByTestId('view3d-before');
  const after = page.getByTestId('view3d-after');
  await expect(view).toHaveAttribute('data-state', 'ready', { timeout: 120_000 });
  await expect(page.getByTestId('view3d-verdict')).toHaveText(/^Face removed: [\d,]+ mL of tissue cut away/);
  await expect(before).toHaveAttribute('aria-label', 'Skin surface of the original, seen from the front, level');

  // Both pictures are drawn; "after" differs where the face was and not at the crown.
  const b0 = await pixelsOf(before);
  const a0 = await pixelsOf(after);
  expect(b0.size).toBe(256);
  expect(lit(b0)).toBeGreaterThan(0.2);
  expect(lit(a0)).toBeGreaterThan(0.2);
  expect(meanDiff(b0, a0, 0.45, 0.85, 0.3, 0.7)).toBeGreaterThan(20);
  expect(meanDiff(b0, a0, 0.05, 0.25, 0.3, 0.7)).toBeLessThan(2);

  // Turned with the slider: both pictures are redrawn from the new side.
  await page.getByTestId('view3d-yaw').fill('45');
  await expect(before).toHaveAttribute('data-yaw', '45');
  await expect(view).toHaveAttribute('data-state', 'ready');
  const b45 = await pixelsOf(before);
  expect(b45.size).toBe(256);
  expect(meanDiff(b0, b45, 0, 1, 0, 1)).toBeGreaterThan(10);
  await expect(after).toHaveAttribute(
    'aria-label',
    "Skin surface after defacing, seen from 45° to the patient's left, level",
  );

  // And with the keyboard on the focused picture.
  await after.focus();
  await page.keyboard.press('ArrowUp');
  await expect(after).toHaveAttribute('data-pitch', '5');
  await expect(view).toHaveAttribute('data-state', 'ready');
  await expect(page.getByTestId('view3d-pitch')).toHaveValue('5');

  // And by dragging: 40 px to the right moves the camera 20° further to the patient's left.
  const box = (await before.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 20, box.y + box.height / 2, { steps: 4 });
  await page.mouse.move(box.x + box.width / 2 + 40, box.y + box.height / 2, { steps: 4 });
  await page.mouse.up();
  await expect(before).toHaveAttribute('data-yaw', '65');
  await expect(view).toHaveAttribute('data-state', 'ready');
  await expect(before).toHaveAttribute('data-size', '256');
  await expect(page.getByTestId('view3d-yaw')).toHaveValue('65');

  // The view is accessible.
  expect(await violations(page)).toEqual([]);

  // The face check: a face on the original, none after.
  await page.getByTestId('face-check-run').click();
  const result = page.getByTestId('face-check-result');
  await expect(result).not.toHaveAttribute('data-state', 'running', { timeout: 240_000 });
  await expect(result).toHaveText(/^Face check: a face was detected in \d+ of 18 views before, 0 of 18 after\.$/);
  const found = Number((await result.textContent())!.match(/in (\d+) of 18 views before/)![1]);
  expect(found).toBeGreaterThanOrEqual(1);
  await expect(result).toHaveAttribute('data-state', 'proves');
  const strip = page.getByTestId('face-check-views');
  await expect(strip.locator('li')).toHaveCount(18);
  await expect(strip.locator('canvas.found')).toHaveCount(found);
  await expect(strip.locator('canvas.found').first()).toHaveAttribute(
    'aria-label',
    /^Original, seen .*: a face was detected \(score (0\.\d\d|1\.00)\)$/,
  );

  // The strip of views too.
  expect(await violations(page)).toEqual([]);

  // Nothing left the app's origin: the worker, the codecs, the detector's weights and WebAssembly.
  expect(requests.length).toBeGreaterThan(0);
  for (const url of requests) expect(url.startsWith(`${origin}/`) || url.startsWith(`blob:${origin}/`), url).toBe(true);
  expect(requests.some((u) => u.includes('/face-check/'))).toBe(true);
});

test('a JPEG-LS compressed head opens in the 3D view: the codecs load in its worker, from our own origin', async ({
  page,
  context,
  baseURL,
}) => {
  const dir = mkdtempSync(join(tmpdir(), 'veil-e2e-view3d-'));
  const origin = new URL(baseURL!).origin;
  const requests: string[] = [];
  context.on('request', (r) => {
    requests.push(r.url());
  });
  try {
    // DCMTK compresses (lossless JPEG-LS), independently of Veil.
    for (const name of readdirSync(CT).filter((f) => f.endsWith('.dcm'))) {
      const r = spawnSync('dcmcjpls', ['+el', join(CT, name), join(dir, name)], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
    }
    await openApp(page);
    await loadFolder(page, dir);
    await page
      .getByRole('button', { name: /^Preview CT/ })
      .first()
      .click();
    await page.getByTestId('view3d-open').click();
    await expect(page.getByTestId('view3d')).toHaveAttribute('data-state', 'ready', { timeout: 120_000 });
    await expect(page.getByTestId('view3d-verdict')).toHaveText(/^Face removed: /);
    const b = await pixelsOf(page.getByTestId('view3d-before'));
    const a = await pixelsOf(page.getByTestId('view3d-after'));
    expect(lit(b)).toBeGreaterThan(0.2);
    expect(meanDiff(b, a, 0.45, 0.85, 0.3, 0.7)).toBeGreaterThan(20);
    // Drawn only if the view's own worker decoded every slice (JPEG-LS, charls WebAssembly).
    for (const url of requests)
      expect(url.startsWith(`${origin}/`) || url.startsWith(`blob:${origin}/`), url).toBe(true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
