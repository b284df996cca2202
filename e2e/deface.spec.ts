import { expect, type Page, test } from '@playwright/test';
import { readDicom } from '../src/dicom/read.ts';
import { getString, numberOf } from '../src/dicom/values.ts';
import { downloadZip, loadSample, openApp, runToDone } from './helpers.ts';

/**
 * Defacing in the app (issue 4), on the sample CD's head CT: the inventory says what will happen,
 * the preview's "after" shows the defaced slice, a run with the defaults removes the face (the
 * report and the page say so, with mL), and with `option-deface` unchecked the face stays.
 */

/**
 * Where the sample's nose is (scripts/generate-sample.ts): slice 25 of 64 (z 72 mm), column 64,
 * row 18 (about 82 mm in front of the brain's centre). Row 64 of that slice is brain.
 */
const NOSE = { slice: 25, column: 64, row: 18 };
const BRAIN = { column: 64, row: 64 };

const series = (page: Page, name: RegExp) =>
  page.locator('.series').filter({ has: page.getByRole('button', { name }) });
const HEAD = /Preview CT series 2 Kopf 2mm axial/;
const SCOUT = /Preview CT series 1 Topogramm lateral/;

/** The grey level the viewer drew at a pixel of the frame shown (0 is black: air in any CT window). */
const drawnAt = (page: Page, at: { column: number; row: number }): Promise<number> =>
  page.locator('#preview canvas').evaluate((c: HTMLCanvasElement, p) => {
    const fw = Number(c.dataset.frameWidth);
    const fh = Number(c.dataset.frameHeight);
    const x = Math.floor(((p.column + 0.5) * c.width) / fw);
    const y = Math.floor(((p.row + 0.5) * c.height) / fh);
    return c.getContext('2d')!.getImageData(x, y, 1, 1).data[0]!;
  }, at);

/** The HU of a pixel of slice `instance` of the head CT in the downloaded zip. */
const huInZip = (zip: Map<string, Uint8Array>, instance: number, at: { column: number; row: number }) => {
  for (const [name, bytes] of zip) {
    if (!name.startsWith('DICOM/')) continue;
    const r = readDicom(bytes);
    if (!r.ok) continue;
    const ds = r.value.dataset;
    const le = r.value.transferSyntax.littleEndian;
    if (getString(ds, 0x00080060) !== 'CT' || numberOf(ds.get(0x00280010), le) !== 128) continue;
    if (numberOf(ds.get(0x00200013), le) !== instance) continue;
    expect(r.value.transferSyntax.encapsulated, name).toBe(false);
    const px = ds.get(0x7fe00010)!.value!;
    const o = (at.row * 128 + at.column) * 2;
    const stored = le ? px[o]! | (px[o + 1]! << 8) : (px[o]! << 8) | px[o + 1]!;
    const intercept = Number(getString(ds, 0x00281052) || 0);
    return { hu: stored + intercept, visualFeatures: getString(ds, 0x00280302) };
  }
  throw new Error(`slice ${instance} of the head CT is not in the zip`);
};

const reportJson = async (page: Page) => {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('download-report-json').click(),
  ]);
  const chunks = await (await download.createReadStream()).toArray();
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
};

test('the sample head CT: will be defaced, the preview shows the cut, a run removes the face', async ({ page }) => {
  await openApp(page);
  await expect(page.getByTestId('option-deface')).toBeChecked();
  await loadSample(page);

  // The inventory, from headers only.
  await expect(page.locator('#findings')).toContainText('1 head scan shows the face');
  const head = series(page, HEAD);
  await expect(head.getByTestId('deface-plan')).toHaveText(/^Head volume: will be defaced/);
  await expect(head.getByTestId('deface-plan')).toHaveAttribute('data-kind', 'head');
  await expect(series(page, SCOUT).getByTestId('deface-plan')).toHaveText(
    /^Localizer: held back if its head is defaced/,
  );
  // The short MR brain series is not a volume; the radiograph says nothing about faces.
  await expect(series(page, /Preview MR series 3/).getByTestId('deface-plan')).toHaveText(/^Not a volume \(8 slices\)/);
  await expect(series(page, /Preview CR series 1/).getByTestId('deface-plan')).toBeHidden();

  // The preview: the series call on the whole series, in the worker, with the preview plan.
  await page.getByRole('button', { name: HEAD }).click();
  const dialog = page.locator('#preview');
  await expect(dialog.getByTestId('preview-verdict')).toHaveText(/^Face removed: \d+ mL of tissue cut away/);
  await dialog.locator('#pv-slice').fill(String(NOSE.slice));
  const canvas = dialog.locator('canvas');
  await expect(canvas).toHaveAttribute('aria-label', `Slice ${NOSE.slice} of 64, original`);
  expect(await drawnAt(page, NOSE)).toBeGreaterThan(60); // the nose: soft tissue
  const brainBefore = await drawnAt(page, BRAIN);
  await page.getByTestId('preview-after').check();
  await expect(canvas).toHaveAttribute('aria-label', `Slice ${NOSE.slice} of 64, de-identified`);
  expect(await drawnAt(page, NOSE)).toBe(0); // air
  expect(await drawnAt(page, BRAIN)).toBe(brainBefore); // the brain as it was
  await dialog.getByRole('button', { name: 'Close' }).click();

  // A run with the defaults.
  await runToDone(page);
  const verdict = head.getByTestId('deface-verdict');
  await expect(verdict).toHaveText(/^Face removed: \d+ mL of tissue cut away; the brain \([\d,]+ mL\) kept/);
  await expect(verdict).toHaveAttribute('data-kind', 'defaced');
  await expect(series(page, SCOUT).getByTestId('deface-verdict')).toHaveText(/^Held back: a localizer .*defaced head/);
  await expect(page.getByTestId('defacing-results')).toContainText(/CT series from .*: Face removed: \d+ mL/);

  const report = await reportJson(page);
  expect(report.defacing).toHaveLength(1);
  const v = report.defacing[0].verdict;
  expect(v.kind).toBe('defaced');
  expect(v.removedMl).toBeGreaterThan(20);
  expect(v.brainMl).toBeGreaterThan(1000);
  expect(v.brainMl).toBeLessThan(1600);
  expect(report.settings.deface).toBe(true);
  expect(report.files.find((f: { input: string }) => f.input.endsWith('SE000003/IM000001')).status).toBe('withheld');

  const zip = await downloadZip(page);
  // 64 CT slices, 1 radiograph, 8 MR, the screenshot (text blacked out); the localizer and the damaged slice are held back.
  expect([...zip.keys()].filter((k) => k.startsWith('DICOM/'))).toHaveLength(74);
  expect(huInZip(zip, NOSE.slice, NOSE)).toEqual({ hu: -1000, visualFeatures: 'NO' });
  expect(huInZip(zip, NOSE.slice, BRAIN).hu).toBeGreaterThan(20);
});

test('with defacing off the head keeps its face, and the page says so', async ({ page }) => {
  await openApp(page);
  await loadSample(page);
  await page.getByTestId('option-deface').uncheck();
  const head = series(page, HEAD);
  await expect(head.getByTestId('deface-plan')).toHaveText('Head volume: defacing is off, so the face stays');
  await expect(series(page, SCOUT).getByTestId('deface-plan')).toHaveText(/^Localizer: defacing is off/);

  await runToDone(page);
  await expect(head.getByTestId('deface-verdict')).toHaveText('Defacing was off: the face stays');
  await expect(page.getByTestId('defacing-results')).toBeHidden();
  const report = await reportJson(page);
  expect(report.defacing).toEqual([]);
  expect(report.settings.deface).toBe(false);
  const zip = await downloadZip(page);
  // The localizer goes too now.
  expect([...zip.keys()].filter((k) => k.startsWith('DICOM/'))).toHaveLength(75);
  expect(huInZip(zip, NOSE.slice, NOSE).hu).toBeGreaterThan(20);

  // The choice is kept, as other settings are (each test has a fresh browser context).
  await page.reload();
  await expect(page.locator('#app')).toHaveAttribute('data-ready', 'true');
  await expect(page.getByTestId('option-deface')).not.toBeChecked();
});
