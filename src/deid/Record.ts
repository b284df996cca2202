import { Dataset } from '../dicom/Dataset.ts';
import { sequence, stringElement } from '../dicom/values.ts';
import { BASIC_PROFILE, OPTION_INFO, OPTION_NAMES, type ProfileOptions } from './options.ts';

/** Veil's name and version as written into DeidentificationMethod and the File Meta. */
export const VEIL_VERSION = '0.1.0';

/** Extra CID 7050 codes that pixel-level steps (defacing, burned-in text) add when they ran. */
export type PixelMethod = '113101' | '113102';

const PIXEL_METHODS: Record<PixelMethod, string> = {
  '113101': 'Clean Pixel Data Option',
  '113102': 'Clean Recognizable Visual Features Option',
};

/**
 * The record of what was done (PS3.15 §E.1.1 and PS3.3 C.7.1.1): Patient Identity Removed = YES,
 * De-identification Method in words, the De-identification Method Code Sequence with 113100 and
 * one CID 7050 code per option applied (and per pixel step: 113102 after defacing, which also
 * sets Recognizable Visual Features to NO; 113101 after burned-in text was blacked out and read
 * back clean, which sets Burned In Annotation to NO), and Longitudinal Temporal Information Modified.
 */
export const writeRecord = (ds: Dataset, options: ProfileOptions, pixelMethods: PixelMethod[] = []): void => {
  const applied = OPTION_NAMES.filter((o) => options[o]);
  ds.set(stringElement(0x00120062, 'YES', 'CS'));
  // LO holds 64 characters per value: one value per part, backslash-separated (VM 1-n).
  const words = [`Veil ${VEIL_VERSION}: PS3.15 2026d Basic Profile`];
  for (const o of applied) words.push(OPTION_INFO[o].meaning.slice(0, 64));
  for (const p of pixelMethods) words.push(PIXEL_METHODS[p]);
  ds.set(stringElement(0x00120063, words.join('\\'), 'LO'));
  const codes = [
    BASIC_PROFILE,
    ...applied.map((o) => OPTION_INFO[o]),
    ...pixelMethods.map((p) => ({ code: p, meaning: PIXEL_METHODS[p] })),
  ];
  ds.set(
    sequence(
      0x00120064,
      codes.map(
        (c) =>
          new Dataset([
            stringElement(0x00080100, c.code, 'SH'),
            stringElement(0x00080102, 'DCM', 'SH'),
            stringElement(0x00080104, c.meaning.slice(0, 64), 'LO'),
          ]),
      ),
    ),
  );
  const temporal = options.retainLongFullDates
    ? 'UNMODIFIED'
    : options.retainLongModifiedDates
      ? 'MODIFIED'
      : 'REMOVED';
  ds.set(stringElement(0x00280303, temporal, 'CS'));
  // PS3.3 C.7.6.1.1.9 / PS3.15 E.3.1: the face is gone, so the image no longer has recognizable visual features.
  if (pixelMethods.includes('113102')) ds.set(stringElement(RECOGNIZABLE_VISUAL_FEATURES, 'NO', 'CS'));
  // PS3.3 C.7.6.1 (General Image Module): the text written into the pixels is gone (found, blacked out, read back
  // clean). Only then: an image merely believed clean keeps what its device said.
  if (pixelMethods.includes('113101')) ds.set(stringElement(BURNED_IN_ANNOTATION, 'NO', 'CS'));
};

/** Burned In Annotation (0028,0301). */
export const BURNED_IN_ANNOTATION = 0x00280301;

/** Recognizable Visual Features (0028,0302). */
export const RECOGNIZABLE_VISUAL_FEATURES = 0x00280302;
