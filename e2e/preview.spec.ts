import { expect, test } from '@playwright/test';
import { loadSample, openApp } from './helpers.ts';

/** The viewer and the tag table: before and after on the same slice, colour-coded and searchable. */
test('preview: slices, window presets, before/after, and the tag table with search', async ({ page }) => {
  await openApp(page);
  await loadSample(page);
  await page.getByRole('button', { name: /Preview CT series 2 Kopf 2mm axial/ }).click();
  const dialog = page.locator('#preview');
  await expect(dialog).toBeVisible();
  await expect(dialog.locator('canvas')).toHaveAttribute('aria-label', 'Slice 33 of 64, original');
  await dialog.locator('canvas').focus();
  await page.keyboard.press('ArrowDown');
  await expect(dialog.locator('canvas')).toHaveAttribute('aria-label', 'Slice 34 of 64, original');
  await dialog.getByLabel('Window').selectOption('Bone');
  await expect(dialog.getByLabel('Width')).toHaveValue('2800');
  await page.getByTestId('preview-after').check();
  await expect(dialog.locator('canvas')).toHaveAttribute('aria-label', 'Slice 34 of 64, de-identified');

  const table = page.getByTestId('tag-table');
  await expect(table.locator('tr.tag-removed', { hasText: 'PatientAddress' })).toHaveCount(1);
  await expect(table.locator('tr.tag-replaced', { hasText: 'PatientName' })).toBeVisible();
  await expect(table.locator('tr.tag-added', { hasText: 'PatientIdentityRemoved' })).toBeVisible();
  await page.getByTestId('tag-search').fill('institution');
  await expect(table.locator('tbody tr:visible')).not.toHaveCount(0);
  for (const text of await table.locator('tbody tr:visible').allTextContents())
    expect(text.toLowerCase()).toContain('institution');
  await dialog.getByRole('button', { name: 'Close' }).click();

  // A withheld file shows its reason; the screenshot series is held back for burned-in text.
  await page.getByRole('button', { name: /Preview OT series 999 Dose Report/ }).click();
  await expect(page.locator('#preview')).toContainText('will be held back');
  await page.getByTestId('preview-after').check();
  await expect(page.locator('.viewer-message')).toContainText('Not written');
});
