import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DicomFile, readDicom } from '../src/dicom/read.ts';

/**
 * The product side's real heads (../shared/data/heads: a full-face CT and MR, never copied into
 * the repo). VEIL_HEADS points elsewhere. Tests that need them skip, saying so, when absent.
 */
export const HEADS = process.env.VEIL_HEADS ?? join(import.meta.dirname, '..', '..', 'shared', 'data', 'heads');

/** Whether both head folders are here. */
export const headsPresent = existsSync(join(HEADS, 'ct-unc-cthead')) && existsSync(join(HEADS, 'mr-decubitus-hfs'));

/** Reads every .dcm file of one head folder, in name order; throws on anything unexpected (test data). */
export const readHeadFiles = (folder: 'ct-unc-cthead' | 'mr-decubitus-hfs'): DicomFile[] => {
  const dir = join(HEADS, folder);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.dcm'))
    .sort()
    .map((f) => {
      const r = readDicom(new Uint8Array(readFileSync(join(dir, f))));
      if (!r.ok) throw new Error(`${f}: ${r.error.message}`);
      return r.value;
    });
};
