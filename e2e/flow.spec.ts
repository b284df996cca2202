import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { generateCorpus } from '../scripts/generate-corpus.ts';
import { readDicom } from '../src/dicom/read.ts';
import { getString } from '../src/dicom/values.ts';
import { downloadZip, identities, leaksInZip, loadFolder, loadSample, openApp, runToDone } from './helpers.ts';

/** The whole flow, as a user does it: load, review, run, download, and prove the zip clean. */

const SAMPLE_PHI = [
  'MÜLLER',
  'JÖRG',
  'MUELLER',
  'JOERG',
  'PID-4711-0815',
  'KV-99812345',
  '19620314',
  '14.03.1962',
  'Lindenstraße',
  '5550147',
  'St. Example Hospital',
  'Klinikweg',
  'SCHMIDT',
  'WEBER',
  'ACC20240203001',
  'SMITH',
  'SM-20417',
  '19851102',
  'PATEL',
  'Example Imaging Centre',
];

const countFiles = (dir: string): number =>
  readdirSync(dir).reduce((n, f) => n + (statSync(join(dir, f)).isDirectory() ? countFiles(join(dir, f)) : 1), 0);

test('the sample CD: findings, tree, run, and a clean zip with a new DICOMDIR', async ({ page }) => {
  await openApp(page);
  await loadSample(page);

  const findings = page.locator('#findings');
  await expect(findings).toContainText('MÜLLER^JÖRG');
  await expect(findings).toContainText('private tag');
  await expect(findings).toContainText('the DICOMDIR');
  await expect(findings).toContainText('birth date');
  await expect(findings).toContainText('text burned into the image');
  await expect(findings).toContainText('1 head scan shows the face');
  await expect(page.locator('#tree')).toContainText('Kopf 2mm axial');
  await expect(page.locator('#tree')).toContainText('64 images');
  // Non-DICOM files are listed as skipped with what they are; the damaged file with its reason.
  await expect(page.locator('#skipped')).toContainText('PDF document');
  await expect(page.locator('#skipped')).toContainText('Windows program');
  await expect(page.locator('#unreadable')).toContainText(/IM000065: .*runs past the end of the file/);
  // Each series gets a thumbnail, drawn from its middle image in a worker: not a blank canvas.
  const thumb = page.locator('#tree canvas.thumb').first();
  await expect
    .poll(() =>
      thumb.evaluate((c: HTMLCanvasElement) => {
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let lit = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i]! + d[i + 1]! + d[i + 2]! > 60) lit++;
        return lit;
      }),
    )
    .toBeGreaterThan(64);

  await runToDone(page);
  await expect(page.getByTestId('leak-check')).toContainText(
    /Leak check: 0 of \d+ files contain any of the \d+ identifying strings/,
  );
  const zip = await downloadZip(page);
  expect(zip.has('DICOMDIR')).toBe(true);
  // 64 CT + 1 CR + 8 MR + the screenshot, its burned-in text blacked out; the damaged slice and the localizer are held back.
  expect([...zip.keys()].filter((k) => k.startsWith('DICOM/'))).toHaveLength(74);
  for (const [name, bytes] of zip) expect(readDicom(bytes).ok, name).toBe(true);
  expect(leaksInZip(zip, identities(SAMPLE_PHI))).toEqual([]);
  // The report names input files, so it is not inside what is shared.
  expect([...zip.keys()].some((k) => /report/i.test(k))).toBe(false);
});

test('a generated PHI corpus through the folder input: every file accounted for, zero leaks', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'veil-e2e-corpus-'));
  try {
    const manifest = generateCorpus(join(dir, 'corpus'), 20240117);
    const cd = join(dir, 'corpus', manifest.root);
    await openApp(page);
    await loadFolder(page, cd);
    await runToDone(page);
    await expect(page.getByTestId('leak-check')).toContainText(/Leak check: 0 of/);

    const zip = await downloadZip(page);
    expect(leaksInZip(zip, manifest.identities)).toEqual([]);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('download-report-json').click(),
    ]);
    const report = JSON.parse(
      await (await download.createReadStream()).toArray().then((b) => Buffer.concat(b).toString('utf8')),
    );
    expect(report.format).toBe('veil-report/1');
    expect(report.counts.files).toBe(countFiles(cd));
    expect(report.counts.anonymized).toBe([...zip.keys()].filter((k) => k !== 'DICOMDIR').length);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the doctor preset keeps intervals and characteristics; research is the default', async ({ page }) => {
  await openApp(page);
  await expect(page.getByTestId('preset-research')).toBeChecked();
  await loadSample(page);
  await page.getByTestId('preset-doctor').check();
  await page.locator('#advanced summary').click();
  await expect(page.getByTestId('option-retainLongModifiedDates')).toBeChecked();
  await expect(page.getByTestId('option-retainPatientCharacteristics')).toBeChecked();
  await expect(page.getByTestId('option-cleanDescriptors')).not.toBeChecked();
  // Full and modified dates exclude each other: the app says so and will not start.
  await page.getByTestId('option-retainLongFullDates').check();
  await expect(page.locator('#option-error')).toContainText('cannot both be on');
  await expect(page.getByTestId('start')).toBeDisabled();
  await page.getByTestId('option-retainLongFullDates').uncheck();
  await expect(page.getByTestId('start')).toBeEnabled();
  // A pseudonym typed for the first patient replaces the derived one.
  await page.getByTestId('pseudonym').first().fill('CASE^001');
  await runToDone(page);
  const zip = await downloadZip(page);
  expect(leaksInZip(zip, identities(['MÜLLER', 'PID-4711-0815', '19620314']))).toEqual([]);
  const names = new Set(
    [...zip.entries()]
      .filter(([k]) => k.startsWith('DICOM/'))
      .map(([, bytes]) => {
        const r = readDicom(bytes);
        return r.ok ? getString(r.value.dataset, 0x00100010) : undefined;
      }),
  );
  expect(names.has('CASE^001')).toBe(true);
});

test('the screenshot with text in its pixels: scanned and cleaned by default; held back with scanning off; released unscanned when cleared', async ({
  page,
}) => {
  const screenshot = (zip: Map<string, Uint8Array>) =>
    [...zip.values()].find((b) => {
      const r = readDicom(b);
      return r.ok && getString(r.value.dataset, 0x00080016) === '1.2.840.10008.5.1.4.1.1.7';
    });
  const codes = (b: Uint8Array) => {
    const r = readDicom(b);
    return r.ok ? (r.value.dataset.get(0x00120064)?.items ?? []).map((i) => getString(i, 0x00080100)) : [];
  };
  await openApp(page);
  await loadSample(page);
  const series = page.locator('.series', { hasText: 'Dose Report' });
  await expect(page.getByTestId('option-text-scan')).toBeChecked();
  await expect(series.getByTestId('text-plan')).toHaveAttribute('data-kind', 'scan');

  // Default: found, blacked out, read back, written with 113101.
  await runToDone(page);
  let zip = await downloadZip(page);
  expect([...zip.keys()].filter((k) => k.startsWith('DICOM/'))).toHaveLength(74);
  expect(codes(screenshot(zip)!)).toContain('113101');

  // Scanning off: held back, with the reason.
  await page.getByTestId('option-text-scan').uncheck();
  await expect(series.getByTestId('text-plan')).toHaveAttribute('data-kind', 'held');
  await expect(series.getByTestId('text-plan')).toContainText('scanning is off');
  await runToDone(page);
  await page.locator('#withheld summary').click();
  await expect(page.locator('#withheld')).toContainText('secondary capture');
  await expect(page.locator('#withheld')).toContainText('scan it for text, or clear the series');
  zip = await downloadZip(page);
  expect(screenshot(zip)).toBeUndefined();

  // The override: released as it is, unscanned (no 113101).
  await series.getByTestId('allow-burned-in').check();
  await expect(series.getByTestId('text-plan')).toHaveAttribute('data-kind', 'unscanned');
  await runToDone(page);
  zip = await downloadZip(page);
  expect([...zip.keys()].filter((k) => k.startsWith('DICOM/'))).toHaveLength(74);
  expect(codes(screenshot(zip)!)).not.toContain('113101');
  await page.getByTestId('option-text-scan').check();
});
