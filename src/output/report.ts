import type { ActionCounts, TextBox, TextCleaning } from '../deid/Outcome.ts';
import { OPTION_INFO, OPTION_NAMES, type ProfileOptions } from '../deid/options.ts';
import { formatBytes } from '../dicom/ReadError.ts';
import type { SeriesVerdict } from '../pixels/deface/defaceSeries.ts';
import { compareStrings, groupInstances } from '../study/group.ts';
import type { InstanceInfo } from '../study/InstanceInfo.ts';

/**
 * The run report: one line for EVERY input file — anonymized (and where it went), withheld (and
 * why), skipped (and what it looked like) — so nothing is silently lost. It names input files,
 * which are often named after the patient, so it is written BESIDE the output folder, never in
 * it: the output folder is what gets shared.
 */

/** What happened to one input file. */
export type FileRecord =
  | {
      status: 'anonymized';
      /** Path relative to the input root, forward slashes. */
      input: string;
      /** Size in bytes. */
      bytes: number;
      /** Path relative to the output root, e.g. DICOM/P0001/S0001/SE0001/IM000001. */
      output: string;
      outputBytes: number;
      counts?: ActionCounts;
      notes?: string[];
      /** Burned-in text blacked out in its pixels: boxes per frame, flags, no PHI (issue 5 §5). */
      text?: TextCleaning;
    }
  | {
      status: 'withheld';
      input: string;
      bytes: number;
      reason: string;
      /** The original series, when the file could be read: to find it, or to pass --allow-burned-in. */
      series?: OriginalSeries;
    }
  | { status: 'skipped'; input: string; bytes: number; what: string };

/** The original series of a withheld file (PHI stays in the report, which is kept private). */
export interface OriginalSeries {
  seriesInstanceUID: string;
  modality: string;
  seriesNumber: number | undefined;
  seriesDescription: string;
}

/** The OriginalSeries of an original header. */
export const originalSeries = (i: InstanceInfo): OriginalSeries => ({
  seriesInstanceUID: i.seriesInstanceUID,
  modality: i.modality,
  seriesNumber: i.seriesNumber,
  seriesDescription: i.seriesDescription,
});

/**
 * The verdict on one series that went through defacing (issue 4, "bookkeeping"): defaced (mL of
 * tissue removed, brain mL, margin), no face in view, not a head volume, not a volume, or
 * withheld (why).
 */
export interface SeriesRecord {
  /** The original Series Instance UID (PHI stays in the report, which is kept private). */
  seriesInstanceUID: string;
  modality: string;
  files: number;
  /** The input folder of its first file. */
  from: string;
  verdict: SeriesVerdict;
}

/** One output series, for the per-series section. */
export interface SeriesSummary {
  folder: string;
  modality: string;
  seriesNumber: number | undefined;
  seriesDescription: string;
  /** Output Patient ID (the pseudonym). */
  patientId: string;
  instances: number;
  /** Input folders the series came from (may hold PHI, as the rest of the report). */
  from: string[];
}

/** The facts of a run the caller knows; the report derives counts and summaries from them. */
export interface RunFacts {
  veilVersion: string;
  /** Input and output roots as the user gave them (absolute paths in the CLI). */
  input: string;
  output: string;
  preset: string;
  options: ProfileOptions;
  /** Other settings worth recording: key file, number of pseudonyms given, workers… */
  settings?: Record<string, string | number | boolean>;
  startedAt: Date;
  finishedAt: Date;
  files: FileRecord[];
  /** The header of each anonymized output, by output path (for the per-series section). */
  outputInfo?: ReadonlyMap<string, InstanceInfo>;
  /** Problems with the run as a whole (e.g. the DICOMDIR could not be written). */
  problems?: string[];
  /** Verdicts of the series that went through defacing. */
  defacing?: SeriesRecord[];
}

export interface Counts {
  files: number;
  anonymized: number;
  withheld: number;
  skipped: number;
  inputBytes: number;
  outputBytes: number;
}

/** The report as written to <output>.report.json. */
export interface RunReport {
  format: 'veil-report/1';
  veil: { version: string };
  input: string;
  output: string;
  startedAt: string;
  finishedAt: string;
  seconds: number;
  profile: { preset: string; options: ProfileOptions; applied: string[] };
  settings: Record<string, string | number | boolean>;
  counts: Counts;
  problems: string[];
  files: FileRecord[];
  series: SeriesSummary[];
  /** Per head-candidate series: what defacing did (absent when defacing was off or nothing was a candidate). */
  defacing: SeriesRecord[];
}

/** Builds the report; files are listed in input path order. */
export const buildReport = (f: RunFacts): RunReport => {
  const files = [...f.files].sort((a, b) => compareStrings(a.input, b.input));
  const count = (s: FileRecord['status']) => files.filter((x) => x.status === s).length;
  const anonymized = files.filter((x): x is Extract<FileRecord, { status: 'anonymized' }> => x.status === 'anonymized');
  return {
    format: 'veil-report/1',
    veil: { version: f.veilVersion },
    input: f.input,
    output: f.output,
    startedAt: f.startedAt.toISOString(),
    finishedAt: f.finishedAt.toISOString(),
    seconds: Math.round((f.finishedAt.getTime() - f.startedAt.getTime()) / 100) / 10,
    profile: {
      preset: f.preset,
      options: f.options,
      applied: [
        'Basic Application Confidentiality Profile',
        ...OPTION_NAMES.filter((n) => f.options[n]).map((n) => OPTION_INFO[n].meaning),
      ],
    },
    settings: f.settings ?? {},
    counts: {
      files: files.length,
      anonymized: anonymized.length,
      withheld: count('withheld'),
      skipped: count('skipped'),
      inputBytes: files.reduce((n, x) => n + x.bytes, 0),
      outputBytes: anonymized.reduce((n, x) => n + x.outputBytes, 0),
    },
    problems: f.problems ?? [],
    files,
    series: seriesSummaries(anonymized, f.outputInfo),
    defacing: [...(f.defacing ?? [])].sort(
      (a, b) => compareStrings(a.from, b.from) || compareStrings(a.seriesInstanceUID, b.seriesInstanceUID),
    ),
  };
};

/** One series' defacing verdict in words. */
export const describeVerdict = (v: SeriesVerdict): string => {
  const ml = (x: number) => `${Math.round(x)} mL`;
  switch (v.kind) {
    case 'defaced': {
      const check = v.faceCheck ? `; ${v.faceCheck.message}` : '; no face check was run';
      return `defaced: ${ml(v.removedMl)} of tissue removed, brain ${ml(v.brainMl)} kept with a ${v.marginMm} mm margin${check}`;
    }
    case 'no-face':
      return `no face in view (brain ${ml(v.brainMl)}): ${v.message}`;
    case 'not-head':
    case 'not-volume':
    case 'off':
      return v.message;
    case 'withheld':
      return `withheld: ${v.message}`;
  }
};

const seriesSummaries = (
  anonymized: Extract<FileRecord, { status: 'anonymized' }>[],
  infos: ReadonlyMap<string, InstanceInfo> | undefined,
): SeriesSummary[] => {
  if (!infos) return [];
  const withInfo = anonymized.filter((a) => infos.has(a.output));
  return groupInstances(withInfo, (a) => infos.get(a.output)!).flatMap((p) =>
    p.studies.flatMap((st) =>
      st.series.map((se) => ({
        folder: folderOf(se.instances[0]!.output),
        modality: se.info.modality,
        seriesNumber: se.info.seriesNumber,
        seriesDescription: se.info.seriesDescription,
        patientId: p.info.patientId,
        instances: se.instances.length,
        from: [...new Set(se.instances.map((a) => folderOf(a.input) || '.'))].sort(compareStrings),
      })),
    ),
  );
};

const folderOf = (path: string): string => path.slice(0, Math.max(0, path.lastIndexOf('/')));

/** The report as JSON text. */
export const reportJson = (r: RunReport): string => `${JSON.stringify(r, null, 2)}\n`;

/** A readable summary: counts first, then withheld with reasons, then skipped, then per series. */
export const reportText = (r: RunReport): string => {
  const c = r.counts;
  const lines = [
    `Veil ${r.veil.version} — de-identification report (DICOM PS3.15 Annex E)`,
    '',
    `Input:    ${r.input}`,
    `Output:   ${r.output}`,
    `Started:  ${r.startedAt}   took ${r.seconds} s`,
    `Profile:  ${r.profile.preset}: ${r.profile.applied.join(', ')}`,
    ...Object.entries(r.settings).map(([k, v]) => `          ${k}: ${v}`),
    '',
    `${c.files} input file${c.files === 1 ? '' : 's'} (${formatBytes(c.inputBytes)}):`,
    `  anonymized  ${c.anonymized}  (${formatBytes(c.outputBytes)} written)`,
    `  withheld    ${c.withheld}`,
    `  skipped     ${c.skipped}`,
  ];
  if (r.problems.length) lines.push('', 'Problems:', ...r.problems.map((p) => `  ${p}`));
  const withheld = r.files.filter((x) => x.status === 'withheld');
  if (withheld.length) {
    lines.push('', 'Withheld (NOT in the output; the reason is given for each):');
    for (const x of withheld) {
      lines.push(`  ${x.input}`, `      ${x.reason}`);
      const s = x.series;
      if (s?.seriesInstanceUID) {
        const number = s.seriesNumber === undefined ? '' : ` #${s.seriesNumber}`;
        const description = s.seriesDescription ? ` "${s.seriesDescription}"` : '';
        lines.push(`      series: ${s.modality || '?'}${number}${description} ${s.seriesInstanceUID}`);
      }
    }
  }
  const skipped = r.files.filter((x) => x.status === 'skipped');
  if (skipped.length) {
    lines.push('', 'Skipped (not DICOM images; not copied):');
    for (const x of skipped) lines.push(`  ${x.input} — ${x.what}`);
  }
  if (r.defacing?.length) {
    lines.push('', 'Defacing (head CT and MR series):');
    for (const d of r.defacing) {
      const n = `${d.files} file${d.files === 1 ? '' : 's'}`;
      lines.push(
        `  ${d.modality || '?'} ${d.seriesInstanceUID}  ${n}  from ${d.from}`,
        `      ${describeVerdict(d.verdict)}`,
      );
    }
  }
  const cleaned = r.files.filter(
    (x): x is Extract<FileRecord, { status: 'anonymized' }> & { text: TextCleaning } =>
      x.status === 'anonymized' && x.text !== undefined,
  );
  if (cleaned.length) {
    lines.push('', 'Burned-in text (found by OCR, blacked out, read back clean; code 113101):');
    for (const x of cleaned) lines.push(...describeTextCleaning(x.input, x.output, x.text));
  }
  if (r.series.length) {
    lines.push('', 'Series written:');
    for (const s of r.series) {
      const number = s.seriesNumber === undefined ? '' : ` #${s.seriesNumber}`;
      const description = s.seriesDescription ? ` "${s.seriesDescription}"` : '';
      const n = `${s.instances} file${s.instances === 1 ? '' : 's'}`;
      lines.push(`  ${s.folder}  ${s.modality || '?'}${number}${description}  ${n}  from ${s.from.join(', ')}`);
    }
  }
  return `${lines.join('\n')}\n`;
};

/** One box in words: "120×18 at (12,8) blacked out, PHI found in pixels (identity)". */
const describeBox = (b: TextBox): string => {
  const where = `${b.width}×${b.height} at (${b.x},${b.y})`;
  if (!b.blackedOut) return `${where} kept: "${b.kept ?? ''}" (allow-listed)`;
  const words: Record<string, string> = { identity: 'identity text', date: 'date', time: 'time', id: 'ID-like' };
  const risks = b.risks.filter((k) => !(b.phi && k === 'identity')).map((k) => words[k] ?? k);
  const flags = [...(b.phi ? ['PHI found in pixels'] : []), ...risks];
  return `${where} blacked out${flags.length ? `: ${flags.join(', ')}` : ''}`;
};

/** An image's text cleaning in report lines: where it went, then its boxes per frame. */
const describeTextCleaning = (input: string, output: string, t: TextCleaning): string[] => {
  const n = t.frameBoxes.reduce((k, f) => k + f.boxes.length, 0);
  const head = `  ${input} → ${output}  ${n} box${n === 1 ? '' : 'es'}${t.static && t.frames > 1 ? ` on each of ${t.frames} frames` : ''}${t.phiFound ? '  PHI found in pixels' : ''}`;
  const lines = [head];
  for (const f of t.frameBoxes) {
    const label = f.frame === 'all' ? (t.frames > 1 ? 'every frame' : '') : t.frames > 1 ? `frame ${f.frame}` : '';
    for (const b of f.boxes) lines.push(`      ${label ? `${label}: ` : ''}${describeBox(b)}`);
  }
  return lines;
};

/**
 * Where the report goes: beside the output folder, named after it ("out" → "out.report.json"),
 * so it is never inside what gets shared. Works on POSIX and Windows separators.
 */
export const reportPaths = (outputRoot: string): { json: string; text: string } => {
  const base = outputRoot.replace(/[\\/]+$/, '') || outputRoot;
  return { json: `${base}.report.json`, text: `${base}.report.txt` };
};
