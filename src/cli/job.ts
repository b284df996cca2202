import { closeSync, fstatSync, openSync } from 'node:fs';
import { anonymize, type Plan } from '../deid/anonymize.ts';
import { identityStrings } from '../deid/Identity.ts';
import type { Outcome } from '../deid/Outcome.ts';
import type { ProfileOptions } from '../deid/options.ts';
import { readDicom } from '../dicom/read.ts';
import { classifyFile, SNIFF_BYTES } from '../study/sniff.ts';
import { describeError, readFully, uninitialized, writeWhole } from './files.ts';
import type { Job, JobResult, Spent } from './protocol.ts';

/**
 * One input file, start to finish, inside a worker: read it, de-identify it with the same engine
 * call as the app (`anonymize`: read, apply the profile, write, re-read, verify), and write the
 * output to the job's staging path. Never throws: every failure is a withheld result naming the
 * file. Each file's bytes are read once into one buffer, and the engine's output (one allocation)
 * goes straight to disk. `spent`, if given, is filled in with where the time went.
 */
export const runJob = (job: Omit<Job, 'id'> & { stagePath: string }, plan: Plan, spent?: Spent): JobResult => {
  const t0 = performance.now();
  const input = readInput(job.path, job.name);
  const t1 = performance.now();
  if (spent) spent.read = t1 - t0;
  if (input.kind === 'done') return input.result;
  let outcome: Outcome;
  try {
    outcome = anonymize(input.bytes, plan, job.name);
  } catch (e) {
    // anonymize promises not to throw; if it does, the file is withheld, not lost.
    outcome = { status: 'withheld', reason: `${job.name}: internal error (${describeError(e)})` };
  }
  const t2 = performance.now();
  if (spent) spent.engine = t2 - t1;
  if (outcome.status !== 'anonymized') return outcome;
  try {
    writeWhole(job.stagePath, outcome.bytes);
  } catch (e) {
    return { status: 'withheld', reason: `${job.name}: the output could not be written (${describeError(e)})` };
  } finally {
    if (spent) spent.write = performance.now() - t2;
  }
  const { info, identity, counts, notes } = outcome;
  const { stagePath } = job;
  return { status: 'anonymized', stagePath, outputBytes: outcome.bytes.byteLength, info, identity, counts, notes };
};

/** How much of a file the first pass reads first: the header of nearly every image fits. */
const SCAN_BYTES = 64 * 1024;

/**
 * The first pass: the identity strings in a file's header (names, IDs, birth date, address…),
 * from its first 64 KB, or the whole file when the header is longer. Never throws; a file that
 * can't be read contributes nothing here and is judged on its own in the second pass.
 */
export const scanJob = (path: string, options: ProfileOptions): JobResult => {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    let bytes = uninitialized(Math.min(size, SCAN_BYTES));
    bytes = bytes.subarray(0, readFully(fd, bytes, 0));
    if (classifyFile(bytes.subarray(0, SNIFF_BYTES), path).kind !== 'dicom') return { status: 'scanned', identity: [] };
    let r = readDicom(bytes, { headerOnly: true });
    if (!r.ok && size > bytes.length) {
      const all = uninitialized(size);
      r = readDicom(all.subarray(0, readFully(fd, all, 0)), { headerOnly: true });
    }
    return { status: 'scanned', identity: r.ok ? identityStrings(r.value.dataset, options) : [] };
  } catch {
    return { status: 'scanned', identity: [] };
  } finally {
    if (fd !== undefined) closeQuietly(fd);
  }
};

/** The first bytes of each file, to classify it; reused, as a worker runs one job at a time. */
const head = new Uint8Array(SNIFF_BYTES);

const DICOMDIR_SKIPPED = "DICOMDIR: the disc's index, which names the patient; a new one is written for the output";

/**
 * Reads the start of a file to see what it is, and the rest only if it is DICOM: a 2 GB video on
 * a patient CD costs one small read. The DICOM bytes land in one buffer of the file's size.
 */
const readInput = (
  path: string,
  name: string,
): { kind: 'dicom'; bytes: Uint8Array } | { kind: 'done'; result: JobResult } => {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    const got = readFully(fd, head.subarray(0, Math.min(size, SNIFF_BYTES)), 0);
    const kind = classifyFile(head.subarray(0, got), name);
    if (kind.kind === 'other') return { kind: 'done', result: { status: 'skipped', what: kind.what } };
    if (kind.kind === 'dicomdir') return { kind: 'done', result: { status: 'skipped', what: DICOMDIR_SKIPPED } };
    const bytes = uninitialized(size);
    bytes.set(head.subarray(0, got));
    const total = got + (got < size ? readFully(fd, bytes.subarray(got), got) : 0);
    // Only what was read goes on: a file that shrank meanwhile leaves unread (uninitialized) bytes.
    return { kind: 'dicom', bytes: total === size ? bytes : bytes.subarray(0, total) };
  } catch (e) {
    return { kind: 'done', result: { status: 'withheld', reason: `${name}: cannot be read (${describeError(e)})` } };
  } finally {
    if (fd !== undefined) closeQuietly(fd);
  }
};

/** Closing a file only read from cannot lose data; a failure here must not lose the result. */
const closeQuietly = (fd: number): void => {
  try {
    closeSync(fd);
  } catch {}
};
