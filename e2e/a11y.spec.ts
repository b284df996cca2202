import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { loadSample, openApp, runToDone } from './helpers.ts';

/** No axe-core violations in any state of the app, at laptop and tablet widths. */

const violations = async (page: Page): Promise<string[]> => {
  const r = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
};

for (const viewport of [
  { name: 'laptop', width: 1366, height: 768 },
  { name: 'tablet', width: 768, height: 1024 },
]) {
  test(`no accessibility violations at ${viewport.name} width`, async ({ page }) => {
    await page.setViewportSize(viewport);
    await openApp(page);
    expect(await violations(page)).toEqual([]);

    await loadSample(page);
    await page.locator('#advanced summary').click();
    await page.locator('#skipped summary').click();
    expect(await violations(page)).toEqual([]);

    await page.locator('.series .button').last().click();
    await expect(page.getByTestId('tag-table')).toContainText('PatientName');
    expect(await violations(page)).toEqual([]);
    await page.keyboard.press('Escape');

    await runToDone(page);
    await page.locator('#withheld summary').click();
    expect(await violations(page)).toEqual([]);
    // Nothing may be wider than the window (no sideways scrolling at tablet width).
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  });
}

test('the whole flow works from the keyboard', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('sample').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('status')).toHaveAttribute('data-state', 'ready');
  await page.getByTestId('preset-doctor').focus();
  await page.keyboard.press('Space');
  await expect(page.getByTestId('preset-doctor')).toBeChecked();
  await page.getByTestId('start').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('status')).toHaveAttribute('data-state', 'done');
  // The folder input can be reached with Tab and is labelled.
  await expect(page.getByLabel('Choose a folder or CD…')).toHaveAttribute('webkitdirectory', '');
});
