import { mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ActionCounts, TextCleaning } from '../deid/Outcome.ts';
import { directoryProblem } from '../output/dicomdir.ts';
import { assignFileIds, fileIdPath, pathLeaks } from '../output/naming.ts';
import type { FileRecord } from '../output/report.ts';
import { compareStrings } from '../study/group.ts';
import type { InstanceInfo } from '../study/InstanceInfo.ts';
import { describeError } from './files.ts';
import type { InputFile } from './walk.ts';

/** An output a worker wrote to the staging folder, waiting for its final name. */
export interface Staged {
  entry: InputFile;
  stagePath: string;
  info: InstanceInfo;
  identity: string[];
  counts: ActionCounts;
  notes: string[];
  outputBytes: number;
  /** Burned-in text blacked out in its pixels (no PHI). */
  text?: TextCleaning;
}

/** An output in its final place, as the DICOMDIR lists it. */
export interface Placed {
  staged: Staged;
  fileId: string[];
}

/**
 * Gives every staged output its final name and moves it there. Duplicate SOP Instance UIDs are
 * written once (a File-set holds each instance once, PS3.10 §8); a path that would contain an
 * identity string is withheld. Adds the file records; returns the outputs for the DICOMDIR.
 * Synchronous on purpose: the workers are done, and sync renames skip a thread-pool round trip
 * per file.
 */
export const finalize = (output: string, staged: Staged[], records: FileRecord[], problems: string[]): Placed[] => {
  const withhold = (s: Staged, reason: string) => {
    records.push({ status: 'withheld', input: s.entry.rel, bytes: s.entry.size, reason });
    rmSync(s.stagePath, { force: true });
  };

  // Input path order makes every choice below reproducible, whatever order workers finished in.
  const sorted = [...staged].sort((a, b) => compareStrings(a.entry.rel, b.entry.rel));
  const kept: Staged[] = [];
  const bySop = new Map<string, Staged>();
  for (const s of sorted) {
    const problem = directoryProblem(s.info);
    if (problem) {
      withhold(s, `${s.entry.rel}: the de-identified output cannot go on a DICOM disc: ${problem}`);
      continue;
    }
    const first = bySop.get(s.info.sopInstanceUID);
    if (!first) {
      bySop.set(s.info.sopInstanceUID, s);
      kept.push(s);
      continue;
    }
    if (sameBytes(first, s)) {
      records.push({
        status: 'skipped',
        input: s.entry.rel,
        bytes: s.entry.size,
        what: `an identical copy of ${first.entry.rel} (same SOP Instance UID); written once`,
      });
      rmSync(s.stagePath, { force: true });
    } else {
      withhold(
        s,
        `${s.entry.rel}: has the same SOP Instance UID as ${first.entry.rel} but different content; a DICOM File-set can hold only one of them`,
      );
    }
  }

  const identity = [...new Set(kept.flatMap((s) => s.identity))];
  const naming = assignFileIds(kept, (s) => s.info, identity);
  if (!naming.ok) {
    problems.push(`output names could not be assigned: ${naming.error}`);
    for (const s of kept) withhold(s, `${s.entry.rel}: not written (output names could not be assigned)`);
    return [];
  }
  const made = new Set<string>();
  const placed: Placed[] = [];
  for (const s of kept) {
    const fileId = naming.fileIds.get(s)!;
    const rel = fileIdPath(fileId);
    // `identity` holds every kept file's own strings, so one check covers this file's too.
    if (pathLeaks(rel, identity) !== undefined) {
      withhold(s, `${s.entry.rel}: its output name ${rel} would contain part of a patient's identity`);
      continue;
    }
    const target = join(output, ...fileId);
    try {
      const dir = dirname(target);
      if (!made.has(dir)) mkdirSync(dir, { recursive: true });
      made.add(dir);
      renameSync(s.stagePath, target);
    } catch (e) {
      withhold(s, `${s.entry.rel}: ${rel} could not be written (${describeError(e)})`);
      continue;
    }
    records.push({
      status: 'anonymized',
      input: s.entry.rel,
      bytes: s.entry.size,
      output: rel,
      outputBytes: s.outputBytes,
      counts: s.counts,
      ...(s.notes.length ? { notes: s.notes } : {}),
      ...(s.text ? { text: s.text } : {}),
    });
    placed.push({ staged: s, fileId });
  }
  return placed;
};

/** Whether two staged outputs are byte for byte the same; sizes first, so most differ unread. */
const sameBytes = (a: Staged, b: Staged): boolean =>
  a.outputBytes === b.outputBytes && Buffer.compare(readFileSync(a.stagePath), readFileSync(b.stagePath)) === 0;
