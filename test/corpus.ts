import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Where scripts/fetch-pydicom-testfiles.sh unpacks Debian's pydicom test files. */
export const PYDICOM_DIR = join(import.meta.dirname, '..', '.cache', 'pydicom');

/** Every file of a tree, recursively, sorted for stable test names. */
export const walkFiles = (dir: string): string[] =>
  readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? walkFiles(p) : [p];
    });

/** The real pydicom test files. Fails loudly (never skips) when they have not been fetched. */
export const pydicomFiles = (): string[] => {
  if (!existsSync(join(PYDICOM_DIR, '.done'))) {
    throw new Error(`pydicom test files missing: run scripts/fetch-pydicom-testfiles.sh (expected in ${PYDICOM_DIR})`);
  }
  return walkFiles(PYDICOM_DIR).filter((f) => !/\.(done|txt|json|dump|gz|py)$|README|FileInfo/.test(f));
};
