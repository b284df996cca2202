import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { type FileHandle, mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import type { ActionCounts } from '../deid/Outcome.ts';
import { buildDicomdir, directoryProblem } from '../output/dicomdir.ts';
import { assignFileIds, DICOMDIR_NAME, fileIdPath, OUTPUT_FOLDER, pathLeaks } from '../output/naming.ts';
import { buildReport, type FileRecord, originalSeries, reportJson, reportPaths, reportText } from '../output/report.ts';
import { compareStrings } from '../study/group.ts';
import type { InstanceInfo } from '../study/InstanceInfo.ts';
import { classifyFile, SNIFF_BYTES } from '../study/sniff.ts';
import type { CliArgs } from './args.ts';
import { loadOrCreateKey } from './keyfile.ts';
import { WorkerPool, WorkerStopped } from './pool.ts';
import { Progress } from './progress.ts';
import type { Reply } from './protocol.ts';
import { type InputEntry, walkInput } from './walk.ts';

/** Where the CLI talks to; injected so tests and main.ts share one implementation. */
export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  stderrIsTTY: boolean;
}

/** Exit codes: everything delivered, something withheld, usage error. */
export const EXIT_OK = 0;
export const EXIT_WITHHELD = 1;
export const EXIT_USAGE = 2;

/** Files Veil itself writes in the output folder; --force replaces only these. */
const STAGING = '.veil-staging';

/** An output written to the staging folder, waiting for its final name. */
interface Staged {
  entry: Extract<InputEntry, { kind: 'file' }>;
  stagePath: string;
  info: InstanceInfo;
  identity: string[];
  counts: ActionCounts;
  notes: string[];
  outputBytes: number;
}

/**
 * Runs the CLI: checks the folders, walks the input, de-identifies every DICOM file in a worker
 * pool, names the outputs, writes the DICOMDIR and the report beside the output. Returns the
 * exit code; failures are reported as messages, never as stack traces.
 */
export const runCli = async (args: CliArgs, io: CliIO): Promise<number> => {
  const startedAt = new Date();
  const usage = (m: string) => {
    io.stderr(`veil: ${m}\n`);
    return EXIT_USAGE;
  };

  // 1. Folders: the output must be outside the input, and empty unless --force.
  const input = resolve(args.input);
  const output = resolve(args.output);
  if (!existsSync(input)) return usage(`${args.input}: no such file or folder`);
  const realIn = realpathSync(input);
  const realOut = realpathOfMaybeMissing(output);
  if (within(realOut, realIn)) return usage('the output folder must not be inside the input folder');
  if (within(realIn, realOut)) return usage('the input folder must not be inside the output folder');
  if (existsSync(output)) {
    if (!statSync(output).isDirectory()) return usage(`${args.output}: exists and is not a folder`);
    if (readdirSync(output).length > 0) {
      if (!args.force) return usage(`${args.output}: the output folder is not empty (use --force to write into it)`);
      for (const name of [OUTPUT_FOLDER, DICOMDIR_NAME, STAGING]) {
        await rm(join(output, name), { recursive: true, force: true });
      }
    }
  }

  // 2. The key.
  const key = loadOrCreateKey(args.keyFile);
  if (!key.ok) return usage(key.error);
  if (key.created) {
    io.stderr(`veil: created a new key in ${args.keyFile}; keep it to get the same pseudonyms next time\n`);
  }

  // 3. Walk (names only), then process with at most two files per worker in flight.
  let entries: InputEntry[];
  try {
    entries = walkInput(input);
  } catch (e) {
    return usage(`${args.input}: cannot be read (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
  const staging = join(output, STAGING);
  try {
    await mkdir(staging, { recursive: true });
  } catch (e) {
    return usage(`${args.output}: cannot create the output folder (${(e as NodeJS.ErrnoException).code ?? e})`);
  }

  const workers = Math.max(1, args.workers ?? availableParallelism());
  const pool = new WorkerPool(workers, {
    plan: {
      options: args.options,
      key: key.key,
      pseudonyms: args.pseudonyms,
      allowBurnedInSeries: args.allowBurnedIn,
    },
  });
  const progress = new Progress(entries.length, io.stderr, io.stderrIsTTY, !args.quiet);
  const records: FileRecord[] = [];
  const staged: Staged[] = [];
  let nextStage = 1;

  const processFile = async (entry: Extract<InputEntry, { kind: 'file' }>): Promise<void> => {
    const read = await readInput(entry);
    if (read.kind === 'record') {
      records.push(read.record);
      return;
    }
    let reply: Reply;
    try {
      reply = await runWithRetry(pool, entry, read.buffer);
    } catch (e) {
      records.push({ status: 'withheld', input: entry.rel, bytes: entry.size, reason: `${entry.rel}: ${message(e)}` });
      return;
    }
    if (reply.status === 'withheld') {
      const series = reply.original ? { series: originalSeries(reply.original) } : {};
      records.push({ status: 'withheld', input: entry.rel, bytes: entry.size, reason: reply.reason, ...series });
    } else if (reply.status === 'skipped') {
      records.push({ status: 'skipped', input: entry.rel, bytes: entry.size, what: reply.what });
    } else {
      const stagePath = join(staging, String(nextStage++).padStart(8, '0'));
      try {
        await writeFile(stagePath, new Uint8Array(reply.buffer));
      } catch (e) {
        const reason = `${entry.rel}: the output could not be written (${message(e)})`;
        records.push({ status: 'withheld', input: entry.rel, bytes: entry.size, reason });
        return;
      }
      staged.push({
        entry,
        stagePath,
        info: reply.info,
        identity: reply.identity,
        counts: reply.counts,
        notes: reply.notes,
        outputBytes: reply.buffer.byteLength,
      });
    }
  };

  const limit = 2 * workers;
  const running = new Set<Promise<void>>();
  try {
    for (const entry of entries) {
      if (entry.kind === 'not-followed') {
        records.push({ status: 'skipped', input: entry.rel, bytes: 0, what: entry.what });
        progress.tick(0);
        continue;
      }
      while (running.size >= limit) await Promise.race(running);
      const p: Promise<void> = processFile(entry)
        .catch((e) => {
          records.push({
            status: 'withheld',
            input: entry.rel,
            bytes: entry.size,
            reason: `${entry.rel}: ${message(e)}`,
          });
        })
        .finally(() => {
          running.delete(p);
          progress.tick(entry.size);
        });
      running.add(p);
    }
    await Promise.all(running);
  } finally {
    await pool.close();
    progress.finish();
  }

  // 4. Names, collisions, leaks, DICOMDIR.
  const problems: string[] = [];
  const outputs = await finalize(output, staged, records, problems);
  const dicomdir = buildDicomdir(outputs.map((o) => ({ fileId: o.fileId, info: o.staged.info })));
  if (dicomdir.ok) {
    await writeFile(join(output, DICOMDIR_NAME), dicomdir.bytes);
  } else {
    problems.push(`the DICOMDIR could not be written: ${dicomdir.error}`);
  }
  await rm(staging, { recursive: true, force: true });

  // 5. The report, beside the output folder.
  const report = buildReport({
    veilVersion: veilVersion(),
    input,
    output,
    preset: args.preset,
    options: args.options,
    settings: {
      keyFile: resolve(args.keyFile),
      pseudonymsGiven: Object.keys(args.pseudonyms).length,
      burnedInSeriesAllowed: args.allowBurnedIn.length,
      workers,
    },
    startedAt,
    finishedAt: new Date(),
    files: records,
    outputInfo: new Map(outputs.map((o) => [fileIdPath(o.fileId), o.staged.info])),
    problems,
  });
  const paths = reportPaths(output);
  await writeFile(paths.json, reportJson(report), { mode: 0o600 });
  await writeFile(paths.text, reportText(report), { mode: 0o600 });

  // 6. Summary on stdout: counts and where things are; no input names (they may be the patient's).
  const c = report.counts;
  io.stdout(
    [
      `Veil: ${c.files} file${c.files === 1 ? '' : 's'}: ${c.anonymized} anonymized, ${c.withheld} withheld, ${c.skipped} skipped.`,
      `Output: ${output}${sep}  (${DICOMDIR_NAME} and ${OUTPUT_FOLDER}${sep})`,
      `Report: ${paths.text}  (and .json) — it names the input files: keep it private.`,
      ...(c.withheld
        ? [`${c.withheld} file${c.withheld === 1 ? ' was' : 's were'} withheld: the report says why.`]
        : []),
      ...problems.map((p) => `Problem: ${p}`),
      '',
    ].join('\n'),
  );
  return c.withheld > 0 || problems.length > 0 ? EXIT_WITHHELD : EXIT_OK;
};

/**
 * Gives every staged output its final name and moves it there. Duplicate SOP Instance UIDs are
 * written once (a File-set holds each instance once, PS3.10 §8); a path that would contain an
 * identity string is withheld. Adds the file records; returns the outputs for the DICOMDIR.
 */
const finalize = async (
  output: string,
  staged: Staged[],
  records: FileRecord[],
  problems: string[],
): Promise<{ staged: Staged; fileId: string[] }[]> => {
  const withhold = async (s: Staged, reason: string) => {
    records.push({ status: 'withheld', input: s.entry.rel, bytes: s.entry.size, reason });
    await rm(s.stagePath, { force: true });
  };

  // Input path order makes every choice below reproducible, whatever order workers finished in.
  const sorted = [...staged].sort((a, b) => compareStrings(a.entry.rel, b.entry.rel));
  const kept: Staged[] = [];
  const bySop = new Map<string, Staged>();
  for (const s of sorted) {
    const problem = directoryProblem(s.info);
    if (problem) {
      await withhold(s, `${s.entry.rel}: the de-identified output cannot go on a DICOM disc: ${problem}`);
      continue;
    }
    const first = bySop.get(s.info.sopInstanceUID);
    if (!first) {
      bySop.set(s.info.sopInstanceUID, s);
      kept.push(s);
      continue;
    }
    const same = Buffer.compare(await readFile(first.stagePath), await readFile(s.stagePath)) === 0;
    if (same) {
      records.push({
        status: 'skipped',
        input: s.entry.rel,
        bytes: s.entry.size,
        what: `an identical copy of ${first.entry.rel} (same SOP Instance UID); written once`,
      });
      await rm(s.stagePath, { force: true });
    } else {
      await withhold(
        s,
        `${s.entry.rel}: has the same SOP Instance UID as ${first.entry.rel} but different content; a DICOM File-set can hold only one of them`,
      );
    }
  }

  const identity = [...new Set(kept.flatMap((s) => s.identity))];
  const naming = assignFileIds(kept, (s) => s.info, identity);
  if (!naming.ok) {
    problems.push(`output names could not be assigned: ${naming.error}`);
    for (const s of kept) await withhold(s, `${s.entry.rel}: not written (output names could not be assigned)`);
    return [];
  }
  const done: { staged: Staged; fileId: string[] }[] = [];
  for (const s of kept) {
    const fileId = naming.fileIds.get(s)!;
    const rel = fileIdPath(fileId);
    if (pathLeaks(rel, s.identity) ?? pathLeaks(rel, identity)) {
      await withhold(s, `${s.entry.rel}: its output name ${rel} would contain part of a patient's identity`);
      continue;
    }
    const target = join(output, ...fileId);
    try {
      await mkdir(dirname(target), { recursive: true });
      await rename(s.stagePath, target);
    } catch (e) {
      await withhold(s, `${s.entry.rel}: ${rel} could not be written (${message(e)})`);
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
    });
    done.push({ staged: s, fileId });
  }
  return done;
};

type ReadResult = { kind: 'record'; record: FileRecord } | { kind: 'dicom'; buffer: ArrayBuffer };

/**
 * Reads the start of a file to see what it is, and the rest only if it is DICOM, into an
 * ArrayBuffer of exactly its size that can be transferred to a worker.
 */
const readInput = async (entry: Extract<InputEntry, { kind: 'file' }>): Promise<ReadResult> => {
  const { rel } = entry;
  let fh: FileHandle | undefined;
  try {
    fh = await open(entry.path, 'r');
    const size = (await fh.stat()).size;
    const head = new Uint8Array(Math.min(size, SNIFF_BYTES));
    const got = await readFully(fh, head, 0);
    const kind = classifyFile(head.subarray(0, got), rel);
    if (kind.kind === 'other')
      return { kind: 'record', record: { status: 'skipped', input: rel, bytes: size, what: kind.what } };
    if (kind.kind === 'dicomdir') {
      const what = "DICOMDIR: the disc's index, which names the patient; a new one is written for the output";
      return { kind: 'record', record: { status: 'skipped', input: rel, bytes: size, what } };
    }
    const buffer = new ArrayBuffer(size);
    const all = new Uint8Array(buffer);
    all.set(head.subarray(0, got));
    const total = got + (got < size ? await readFully(fh, all.subarray(got), got) : 0);
    return { kind: 'dicom', buffer: total === size ? buffer : buffer.slice(0, total) };
  } catch (e) {
    const reason = `${rel}: cannot be read (${message(e)})`;
    return { kind: 'record', record: { status: 'withheld', input: rel, bytes: entry.size, reason } };
  } finally {
    await fh?.close();
  }
};

/** Fills `into` from the file at `position`; returns how many bytes there were (less at EOF). */
const readFully = async (fh: FileHandle, into: Uint8Array, position: number): Promise<number> => {
  let n = 0;
  while (n < into.length) {
    const { bytesRead } = await fh.read(into, n, into.length - n, position + n);
    if (bytesRead === 0) break;
    n += bytesRead;
  }
  return n;
};

/**
 * Runs a job; if its worker died while the job was only queued behind another file, the job
 * was not at fault: read the file again and retry once.
 */
const runWithRetry = async (
  pool: WorkerPool,
  entry: Extract<InputEntry, { kind: 'file' }>,
  buffer: ArrayBuffer,
): Promise<Reply> => {
  try {
    return await pool.run(entry.rel, buffer);
  } catch (e) {
    if (!(e instanceof WorkerStopped) || e.culprit) throw e;
    const again = await readInput(entry);
    if (again.kind !== 'dicom') throw e;
    return pool.run(entry.rel, again.buffer);
  }
};

const within = (child: string, parent: string): boolean => child === parent || child.startsWith(parent + sep);

/** The real path of a path that may not exist yet: its nearest existing ancestor, resolved. */
const realpathOfMaybeMissing = (p: string): string => {
  const rest: string[] = [];
  let cur = p;
  while (!existsSync(cur)) {
    const up = dirname(cur);
    if (up === cur) break;
    rest.unshift(cur.slice(up.length).replace(/^[\\/]/, ''));
    cur = up;
  }
  return join(realpathSync(cur), ...rest);
};

const message = (e: unknown): string =>
  (e as NodeJS.ErrnoException)?.code ?? (e instanceof Error ? e.message : String(e));

let version: string | undefined;
/** Veil's version, from package.json. */
export const veilVersion = (): string => {
  version ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
    .version;
  return version;
};
