import { readHeadFiles } from '../../../test/heads.ts';
import { readVoxels, type SeriesPixels } from './readVoxels.ts';

export { HEADS, headsPresent } from '../../../test/heads.ts';

/** Reads one head folder (its .dcm files) into voxels; throws on anything unexpected (test data). */
export const readHead = (folder: 'ct-unc-cthead' | 'mr-decubitus-hfs'): SeriesPixels => {
  const files = readHeadFiles(folder);
  const s = readVoxels(files);
  if (!s.ok) throw new Error(s.error.message);
  return s.value;
};
