import { closeSync, fstatSync, openSync } from 'node:fs';
import type { Plan } from '../deid/anonymize.ts';
import { identityStrings } from '../deid/Identity.ts';
import type { Outcome } from '../deid/Outcome.ts';
import type { ProfileOptions } from '../deid/options.ts';
import { readDicom } from '../dicom/read.ts';
import { processFile } from '../pipeline/processFile.ts';
import { type SeriesInput, streamSeries } from '../pixels/deface/defaceSeries.ts';
import { nodeFaceDetector } from '../pixels/faceCheck/node.ts';
import { seriesFactsOf } from '../study/headVolume.ts';
import { instanceInfo } from '../study/InstanceInfo.ts';
import { classifyFile, SNIFF_BYTES } from '../study/sniff.ts';
import { describeError, readFully, uninitialized, writeWhole } from './files.ts';
import type { FileResult, Job, JobResult, Spent } from './protocol.ts';

/**
 * One input file, start to finish, inside a worker: read it, de-identify it with the same engine
 * call as the app (`processFile`: read, clean burned-in text where the image may carry some,
 * apply the profile, write, re-read, verify), and write the output to the job's staging path.
 * Never throws: every failure is a withheld result naming the file. Each file's bytes are read
 * once into one buffer, and the engine's output (one allocation) goes straight to disk. A file
 * that needs no OCR (a CT slice) never waits on anything: its promise settles with no I/O between.
 * `spent`, if given, is filled in with where the time went.
 */
export const runJob = async (
  job: Omit<Job, 'id'> & { stagePath: string },
  plan: Plan,
  spent?: Spent,
): Promise<FileResult> => {
  const t0 = performance.now();
  const input = readInput(job.path, job.name);
  const t1 = performance.now();
  if (spent) spent.read = t1 - t0;
  if (input.kind === 'done') return input.result;
  let outcome: Outcome;
  try {
    outcome = await processFile(input.bytes, plan, job.name);
  } catch (e) {
    // processFile promises not to throw; if it does, the file is withheld, not lost.
    outcome = { status: 'withheld', reason: `${job.name}: internal error (${describeError(e)})` };
  }
  const t2 = performance.now();
  if (spent) spent.engine = t2 - t1;
  const result = stage(outcome, job.stagePath, job.name);
  if (spent) spent.write = performance.now() - t2;
  return result;
};

/** Writes an anonymized outcome to its staging path; the small result for the main thread. */
const stage = (outcome: Outcome, stagePath: string, name: string): FileResult => {
  if (outcome.status !== 'anonymized') return outcome;
  try {
    writeWhole(stagePath, outcome.bytes);
  } catch (e) {
    return { status: 'withheld', reason: `${name}: the output could not be written (${describeError(e)})` };
  }
  const { info, identity, counts, notes, text } = outcome;
  return {
    status: 'anonymized',
    stagePath,
    outputBytes: outcome.bytes.byteLength,
    info,
    identity,
    counts,
    notes,
    ...(text ? { text } : {}),
  };
};

/**
 * The files of one head-candidate series, inside a worker: see what each file is (a non-DICOM file
 * or a DICOMDIR is skipped, as `runJob` does), run the engine's series call on the DICOM ones
 * (`streamSeries`: the same call as the app's), which reads each file from disk as often as it
 * needs it, one at a time, and write each output to the job's staging path with the file's index
 * appended as soon as it is made. So a series holds one file and its judging copy, never all its
 * inputs or outputs; one series job runs at a time per worker. Never throws.
 */
export const runSeriesJob = async (
  files: readonly { name: string; path: string }[],
  stagePath: string,
  plan: Plan,
  spent?: Spent,
): Promise<JobResult> => {
  const t0 = performance.now();
  let reading = 0;
  const results: (FileResult | undefined)[] = files.map(() => undefined);
  const inputs: SeriesInput[] = [];
  const at: number[] = [];
  for (const [i, f] of files.entries()) {
    const kind = sniffInput(f.path, f.name);
    if (kind) results[i] = kind;
    else {
      inputs.push({
        name: f.name,
        load: () => {
          const r = performance.now();
          try {
            return readWhole(f.path);
          } catch (e) {
            throw new Error(describeError(e));
          } finally {
            reading += performance.now() - r;
          }
        },
      });
      at.push(i);
    }
  }
  let writing = 0;
  // The detector loads (once per worker) only when a head is actually defaced.
  const check = plan.faceCheck === false ? {} : { detector: () => nodeFaceDetector() };
  const verdict = await streamSeries(inputs, plan, check, (k, o) => {
    const w = performance.now();
    const i = at[k]!;
    results[i] = stage(o, `${stagePath}-${i}`, files[i]!.name);
    writing += performance.now() - w;
  });
  if (spent) {
    spent.read = reading;
    spent.write = writing;
    spent.engine = performance.now() - t0 - reading - writing;
  }
  return { status: 'series', verdict, results: results.map((r) => r!) };
};

/** How much of a file the first pass reads first: the header of nearly every image fits. */
const SCAN_BYTES = 64 * 1024;

/**
 * The first pass: the identity strings in a file's header (names, IDs, birth date, address…) and
 * its series facts (which series may be a head: `study/headVolume.ts`), from its first 64 KB, or
 * the whole file when the header is longer. Never throws; a file that
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
    if (!r.ok) return { status: 'scanned', identity: [] };
    const { dataset, meta, transferSyntax } = r.value;
    const facts = seriesFactsOf(instanceInfo(dataset, meta, transferSyntax.littleEndian));
    return { status: 'scanned', identity: identityStrings(dataset, options), facts };
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
): { kind: 'dicom'; bytes: Uint8Array } | { kind: 'done'; result: FileResult } => {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    const got = readFully(fd, head.subarray(0, Math.min(size, SNIFF_BYTES)), 0);
    const kind = notDicom(got, name);
    if (kind) return { kind: 'done', result: kind };
    return { kind: 'dicom', bytes: wholeFile(fd, size, head.subarray(0, got)) };
  } catch (e) {
    return { kind: 'done', result: { status: 'withheld', reason: `${name}: cannot be read (${describeError(e)})` } };
  } finally {
    if (fd !== undefined) closeQuietly(fd);
  }
};

/** The result of a file that is not DICOM to de-identify, from its first `got` bytes in `head`; undefined for DICOM. */
const notDicom = (got: number, name: string): FileResult | undefined => {
  const kind = classifyFile(head.subarray(0, got), name);
  if (kind.kind === 'other') return { status: 'skipped', what: kind.what };
  if (kind.kind === 'dicomdir') return { status: 'skipped', what: DICOMDIR_SKIPPED };
  return undefined;
};

/**
 * What a file of a series is, from its first bytes (as `readInput` sees it): undefined for DICOM,
 * which the series call reads whole when it needs it (`readWhole`), else its result already
 * (skipped: not DICOM, or a DICOMDIR; withheld: it cannot be read).
 */
const sniffInput = (path: string, name: string): FileResult | undefined => {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    return notDicom(readFully(fd, head.subarray(0, Math.min(size, SNIFF_BYTES)), 0), name);
  } catch (e) {
    return { status: 'withheld', reason: `${name}: cannot be read (${describeError(e)})` };
  } finally {
    if (fd !== undefined) closeQuietly(fd);
  }
};

/** A whole file in one buffer of its size; throws when it cannot be read. */
const readWhole = (path: string): Uint8Array => {
  const fd = openSync(path, 'r');
  try {
    return wholeFile(fd, fstatSync(fd).size, new Uint8Array(0));
  } finally {
    closeQuietly(fd);
  }
};

/**
 * An open file of `size` bytes in one buffer of its size, `start` being its first bytes already
 * read (so they are not read twice). Only what was read goes on: a file that shrank meanwhile
 * would leave unread (uninitialized) bytes.
 */
const wholeFile = (fd: number, size: number, start: Uint8Array): Uint8Array => {
  const bytes = uninitialized(size);
  bytes.set(start);
  const total = start.length + (start.length < size ? readFully(fd, bytes.subarray(start.length), start.length) : 0);
  return total === size ? bytes : bytes.subarray(0, total);
};

/** Closing a file only read from cannot lose data; a failure here must not lose the result. */
const closeQuietly = (fd: number): void => {
  try {
    closeSync(fd);
  } catch {}
};
