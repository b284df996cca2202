import type { DicomEntry, InventoryEntry, SkippedEntry, UnreadableEntry } from '../../workers/api.ts';
import { groupInstances, type PatientGroup } from '../study/group.ts';
import type { InputFile } from './inputs.ts';
import type { Pool } from './pool.ts';

/**
 * The inventory: every input file read header-only in the workers, then grouped into the
 * patient → study → series tree. Built in batches so thousands of files cost a few hundred
 * messages, not thousands.
 */

export interface Inventory {
  files: InputFile[];
  /** Entry per input file, by id (= index in `files`). */
  entries: InventoryEntry[];
  dicom: DicomEntry[];
  /** Input DICOMDIRs: counted in the findings, never copied. */
  dicomdirs: DicomEntry[];
  skipped: SkippedEntry[];
  unreadable: UnreadableEntry[];
  tree: PatientGroup<DicomEntry>[];
  /** Total size of the files that will be processed. */
  bytes: number;
}

const BATCH = 48;

/** Reads every file's header in the pool; `onProgress(done, total)` as batches complete. */
export const takeInventory = async (
  files: InputFile[],
  pool: Pool,
  onProgress: (done: number, total: number) => void,
): Promise<Inventory> => {
  const entries: InventoryEntry[] = new Array(files.length);
  let done = 0;
  let next = 0;
  // Two batches per worker in flight: one being read while the other is parsed, and no more,
  // so a worker never holds thousands of file heads at once.
  const lane = async (): Promise<void> => {
    while (next < files.length) {
      const start = next;
      next += BATCH;
      const batch = files.slice(start, start + BATCH).map((f, i) => ({ id: start + i, file: f.file, path: f.path }));
      const result = await pool.run((api) => api.inventory(batch));
      for (const e of result) entries[e.id] = e;
      done += batch.length;
      onProgress(done, files.length);
    }
  };
  await Promise.all(Array.from({ length: pool.size * 2 }, lane));
  return buildInventory(files, entries);
};

/** Sorts the entries into kinds and builds the tree. */
export const buildInventory = (files: InputFile[], entries: InventoryEntry[]): Inventory => {
  const dicom: DicomEntry[] = [];
  const dicomdirs: DicomEntry[] = [];
  const skipped: SkippedEntry[] = [];
  const unreadable: UnreadableEntry[] = [];
  for (const e of entries) {
    if (e.kind === 'skipped') skipped.push(e);
    else if (e.kind === 'unreadable') unreadable.push(e);
    else (e.isDicomdir ? dicomdirs : dicom).push(e);
  }
  const bytes = dicom.reduce((n, e) => n + files[e.id]!.file.size, 0);
  return { files, entries, dicom, dicomdirs, skipped, unreadable, tree: groupInstances(dicom, (e) => e.info), bytes };
};
