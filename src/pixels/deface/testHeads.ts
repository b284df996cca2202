import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDicom } from '../../dicom/read.ts';
import { readVoxels, type SeriesPixels } from './readVoxels.ts';

/** The shared real heads (../shared/data/heads, never copied into the repo); VEIL_HEADS overrides. */
export const HEADS =
  process.env.VEIL_HEADS ?? join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'data', 'heads');
export const headsPresent = existsSync(join(HEADS, 'ct-unc-cthead')) && existsSync(join(HEADS, 'mr-decubitus-hfs'));

/** Reads one head folder (its .dcm files) into voxels; throws on anything unexpected (test data). */
export const readHead = (folder: 'ct-unc-cthead' | 'mr-decubitus-hfs'): SeriesPixels => {
  const dir = join(HEADS, folder);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.dcm'))
    .sort()
    .map((f) => {
      const r = readDicom(new Uint8Array(readFileSync(join(dir, f))));
      if (!r.ok) throw new Error(`${f}: ${r.error.message}`);
      return r.value;
    });
  const s = readVoxels(files);
  if (!s.ok) throw new Error(s.error.message);
  return s.value;
};
