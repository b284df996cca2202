import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { buildDicomdir } from '../output/dicomdir.ts';
import { DICOMDIR_NAME, fileIdPath, OUTPUT_FOLDER } from '../output/naming.ts';
import { buildReport, reportJson, reportPaths, reportText } from '../output/report.ts';
import type { CliArgs } from './args.ts';
import { type Dispatched, dispatchAll, scanIdentity } from './dispatch.ts';
import { describeError } from './files.ts';
import { finalize } from './finalize.ts';
import { loadOrCreateKey } from './keyfile.ts';
import { WorkerPool } from './pool.ts';
import { Progress } from './progress.ts';
import { PhaseTimer } from './timing.ts';
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

/**
 * Runs the CLI: checks the folders, walks the input, de-identifies every DICOM file in a worker
 * pool, names the outputs, writes the DICOMDIR and the report beside the output. Returns the
 * exit code; failures are reported as messages, never as stack traces.
 */
export const runCli = async (args: CliArgs, io: CliIO): Promise<number> => {
  const timing = new PhaseTimer();
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

  // 3. Start the workers now: each loads the whole engine, which takes longer than walking a
  // disc, so that overlaps. Then walk (names only) and make the staging folder.
  const workers = Math.max(1, args.workers ?? availableParallelism());
  const staging = join(output, STAGING);
  const pool = new WorkerPool(workers, {
    plan: {
      options: args.options,
      key: key.key,
      pseudonyms: args.pseudonyms,
      allowBurnedInSeries: args.allowBurnedIn,
      deface: args.deface,
      faceCheck: args.faceCheck,
      scanText: args.textScan,
      scanSeries: args.scanSeries,
    },
    stageDir: staging,
  });
  pool.start(workers);
  const stop = async (code: number) => {
    await pool.close();
    return code;
  };
  let entries: InputEntry[];
  try {
    entries = walkInput(input);
  } catch (e) {
    return stop(usage(`${args.input}: cannot be read (${describeError(e)})`));
  }
  try {
    await mkdir(staging, { recursive: true });
  } catch (e) {
    return stop(usage(`${args.output}: cannot create the output folder (${describeError(e)})`));
  }
  timing.mark('prepare');

  // 4. De-identify.
  const progress = new Progress(entries.length, io.stderr, io.stderrIsTTY, !args.quiet);
  let done: Dispatched;
  try {
    const scanned = await scanIdentity(entries, pool, { workers });
    timing.mark('scan');
    done = await dispatchAll(entries, pool, {
      workers,
      progress,
      extraIdentity: scanned.identity,
      facts: scanned.facts,
      deface: args.deface,
      scanSeries: args.scanSeries,
    });
  } finally {
    await pool.close();
    progress.finish();
  }
  const { records, staged } = done;
  timing.mark('de-identify');

  // 5. Names, collisions, leaks, DICOMDIR.
  const problems: string[] = [];
  const outputs = finalize(output, staged, records, problems);
  const dicomdir = buildDicomdir(outputs.map((o) => ({ fileId: o.fileId, info: o.staged.info })));
  if (dicomdir.ok) {
    await writeFile(join(output, DICOMDIR_NAME), dicomdir.bytes);
  } else {
    problems.push(`the DICOMDIR could not be written: ${dicomdir.error}`);
  }
  await rm(staging, { recursive: true, force: true });

  // 6. The report, beside the output folder.
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
      deface: args.deface,
      faceCheck: args.faceCheck,
      textScan: args.textScan,
      seriesScannedOnRequest: args.scanSeries.length,
      workers,
    },
    startedAt,
    finishedAt: new Date(),
    files: records,
    outputInfo: new Map(outputs.map((o) => [fileIdPath(o.fileId), o.staged.info])),
    problems,
    defacing: done.series,
  });
  const paths = reportPaths(output);
  await writeFile(paths.json, reportJson(report), { mode: 0o600 });
  await writeFile(paths.text, reportText(report), { mode: 0o600 });
  timing.mark('finish');

  // 7. Summary on stdout: counts and where things are; no input names (they may be the patient's).
  const c = report.counts;
  if (args.timing) {
    const first = done.firstReplyAt === undefined ? '' : ` (first file back at ${done.firstReplyAt.toFixed(2)} s)`;
    const { read, engine, write } = done.spent;
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    io.stderr(`veil: timing: ${timing.summary()}${first}\n`);
    io.stderr(`veil: timing: in the workers, together: read ${s(read)} · engine ${s(engine)} · write ${s(write)}\n`);
  }
  io.stdout(
    [
      `Veil: ${c.files} file${c.files === 1 ? '' : 's'} in ${timing.total().toFixed(1)} s: ${c.anonymized} anonymized, ${c.withheld} withheld, ${c.skipped} skipped.`,
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

let version: string | undefined;
/** Veil's version, from package.json. */
export const veilVersion = (): string => {
  version ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
    .version;
  return version;
};
