import { readFileSync } from 'node:fs';
import { expect, type Page } from '@playwright/test';
import { unzipSync } from 'fflate';
import type { Identity } from '../scripts/corpus/manifest.ts';
import { pathLeaks } from '../src/output/naming.ts';
import { phiLeaks } from '../test/validators.ts';

/** Steps every test shares, through the automation contract (data-testid, data-state). */

/** Opens the app and waits until it says it is ready (workers loaded). */
export const openApp = async (page: Page, path = '/'): Promise<void> => {
  await page.goto(path);
  await expect(page.locator('#app')).toHaveAttribute('data-ready', 'true');
};

/** Waits until the service worker has a complete offline copy. */
export const waitOfflineReady = async (page: Page): Promise<void> => {
  await expect(page.getByTestId('offline-status')).toHaveAttribute('data-offline', 'ready');
};

const status = (page: Page) => page.getByTestId('status');

/** Loads a folder through the real `webkitdirectory` input and waits for the inventory. */
export const loadFolder = async (page: Page, dir: string): Promise<void> => {
  await page.getByTestId('folder-input').setInputFiles(dir);
  await expect(status(page)).toHaveAttribute('data-state', 'ready');
};

/** Loads the built-in sample CD and waits for the inventory. */
export const loadSample = async (page: Page): Promise<void> => {
  await page.getByTestId('sample').click();
  await expect(status(page)).toHaveAttribute('data-state', 'ready');
};

/** Starts a run and waits until it is done. */
export const runToDone = async (page: Page): Promise<void> => {
  await page.getByTestId('start').click();
  await expect(status(page)).toHaveAttribute('data-state', 'done', { timeout: 240_000 });
};

/** Downloads the zip and returns its entries by name. */
export const downloadZip = async (page: Page): Promise<Map<string, Uint8Array>> => {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-zip').click()]);
  const path = await download.path();
  expect(path).toBeTruthy();
  return new Map(Object.entries(unzipSync(new Uint8Array(readFileSync(path!)))));
};

/** Identities to look for, from plain strings (UTF-8 and Latin-1 byte forms). */
export const identities = (values: string[]): Identity[] =>
  values.map((value) => ({
    value,
    kind: 'patient-name',
    patient: 'test',
    encodings: [
      { charset: 'ISO_IR 192', hex: Buffer.from(value, 'utf8').toString('hex') },
      { charset: 'ISO_IR 100', hex: Buffer.from(value, 'latin1').toString('hex') },
    ],
    places: [],
  }));

/**
 * Every leak in a downloaded zip, by the engine's own checker (test/validators.ts): identity
 * strings in any value at any depth, in the raw bytes, or in an entry's name.
 */
export const leaksInZip = (zip: Map<string, Uint8Array>, ids: Identity[]): string[] => {
  const out: string[] = [];
  for (const [name, bytes] of zip) {
    const inName = pathLeaks(
      name,
      ids.map((i) => i.value),
    );
    if (inName) out.push(`${name}: name contains ${inName}`);
    for (const h of phiLeaks(bytes, ids)) out.push(`${name}: ${h.value} in ${h.where}`);
  }
  return out;
};
