import { describe, expect, it } from 'vitest';
import { testInfo } from '../study/testInfo.ts';
import { burnedInRisk, textScanFor } from './BurnedIn.ts';

/** Which images are scanned for burned-in text by default (issue 5 §1), and what the plan changes. */

const SOP = '1.2.840.10008.5.1.4.1.1.';
const info = (sop: string, modality: string, more: Parameters<typeof testInfo>[0] = {}) =>
  testInfo({
    sopClassUID: SOP + sop,
    modality,
    burnedInAnnotation: '',
    orientation: '1.00\\0.00\\0.00\\0.00\\1.00\\0.00',
    ...more,
  });

describe('burnedInRisk', () => {
  it.each([
    ['6.1', 'US', /ultrasound/],
    ['3.1', 'US', /ultrasound/], // multi-frame
    ['7', 'OT', /secondary capture/],
    ['7.4', 'OT', /secondary capture/], // multi-frame true colour
    ['12.1', 'XA', /angiography or fluoroscopy/],
    ['12.2', 'RF', /angiography or fluoroscopy/],
    ['77.1.1', 'ES', /endoscopy/],
    ['77.1.4', 'XC', /photograph/], // VL Photographic: not a "secondary capture" (1.1.7 is no prefix of 1.1.77)
    ['77.1.5.1', 'OP', /photograph/],
    ['1', 'CR', /radiograph/],
    ['1.1', 'DX', /radiograph/],
    ['1.2', 'MG', /mammogram/],
    ['1.3', 'IO', /radiograph/],
  ])('%s (%s) is scanned by default', (sop, modality, why) => {
    expect(burnedInRisk(info(sop, modality))).toMatch(why);
  });

  it('leaves CT and MR slices alone, reformats included', () => {
    expect(burnedInRisk(info('2', 'CT'))).toBeUndefined();
    expect(burnedInRisk(info('4', 'MR'))).toBeUndefined();
    expect(burnedInRisk(info('2.1', 'CT'))).toBeUndefined();
    expect(burnedInRisk(info('2', 'CT', { imageType: 'DERIVED\\SECONDARY\\REFORMATTED' }))).toBeUndefined();
    expect(burnedInRisk(info('128', 'PT'))).toBeUndefined();
  });

  it('scans screen-like derived images: dose pages, screen saves, key images', () => {
    expect(burnedInRisk(info('2', 'CT', { imageType: 'DERIVED\\SECONDARY\\SCREEN SAVE' }))).toMatch(/screen/);
    expect(burnedInRisk(info('2', 'CT', { imageType: 'ORIGINAL\\PRIMARY\\DOSE_INFO' }))).toMatch(/dose page/);
    expect(
      burnedInRisk(info('20', 'NM', { imageType: 'DERIVED\\SECONDARY', seriesDescription: 'Dose Report' })),
    ).toMatch(/dose report/);
    expect(burnedInRisk(info('4', 'MR', { imageType: 'DERIVED\\SECONDARY\\OTHER', orientation: '' }))).toMatch(
      /no position in the patient/,
    );
  });

  it('follows Burned In Annotation: YES always, NO never', () => {
    expect(burnedInRisk(info('2', 'CT', { burnedInAnnotation: 'YES' }))).toMatch(/Burned In Annotation is YES/);
    expect(burnedInRisk(info('6.1', 'US', { burnedInAnnotation: 'NO' }))).toBeUndefined();
  });
});

describe('textScanFor', () => {
  const us = info('6.1', 'US', { seriesInstanceUID: '2.25.6' });
  const ct = info('2', 'CT', { seriesInstanceUID: '2.25.2' });

  it('scans images at risk by default, and a CT or MR series on request', () => {
    expect(textScanFor(us, {}).kind).toBe('scan');
    expect(textScanFor(ct, {}).kind).toBe('none');
    expect(textScanFor(ct, { scanSeries: ['2.25.2'] })).toEqual({
      kind: 'scan',
      reason: 'its series was chosen to be scanned for text',
    });
  });

  it('never scans with scanning off, or a series the user cleared', () => {
    expect(textScanFor(us, { scanText: false }).kind).toBe('none');
    expect(textScanFor(ct, { scanText: false, scanSeries: ['2.25.2'] }).kind).toBe('none');
    expect(textScanFor(us, { allowBurnedInSeries: ['2.25.6'] }).kind).toBe('none');
  });
});
