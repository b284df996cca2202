/**
 * Generates the benchmark data set once and caches it in .cache/bench/input/: one patient with a
 * CT series of 600 slices 512x512 16-bit (about 300 MB) and an MR series of 200 slices 256x256,
 * full realistic headers with PHI (the same modules as the PHI corpus). Deterministic.
 *
 *   npx tsx scripts/generate-bench.ts            (bench/cli.bench.ts calls it too)
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { part10 } from './corpus/build.ts';
import type { Context, Series, Study } from './corpus/modules.ts';
import { ctImage, mrImage } from './corpus/objects.ts';
import { patients } from './corpus/patients.ts';
import { Random } from './corpus/random.ts';
import { UID_ROOT } from './generate-corpus.ts';

/** Where the cached data lives (gitignored). */
export const BENCH_DIR = join(import.meta.dirname, '..', '.cache', 'bench');

/** What to generate; changing it changes the cache marker, so stale data is rebuilt. */
export const BENCH_SPEC = { ctSlices: 600, ctSize: 512, mrSlices: 200, mrSize: 256, seed: 42 };

/** The generated input folder and its size. */
export interface BenchData {
  input: string;
  files: number;
  bytes: number;
}

const marker = (root: string) => join(root, `.done-${Object.values(BENCH_SPEC).join('-')}`);

/** Counts files and bytes under a folder. */
export const treeSize = (dir: string): { files: number; bytes: number } => {
  let files = 0;
  let bytes = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) {
      const t = treeSize(p);
      files += t.files;
      bytes += t.bytes;
    } else {
      files++;
      bytes += st.size;
    }
  }
  return { files, bytes };
};

/**
 * Returns the cached benchmark input, generating it first if it is missing or was made with other
 * parameters. `log` reports progress (generation takes a few seconds per hundred slices).
 */
export const generateBench = (root = BENCH_DIR, log: (s: string) => void = () => {}): BenchData => {
  const input = join(root, 'input');
  if (existsSync(marker(root)) && existsSync(input)) return { input, ...treeSize(input) };
  rmSync(root, { recursive: true, force: true });
  mkdirSync(input, { recursive: true });
  const rng = new Random(BENCH_SPEC.seed);
  const p = patients(rng)[0]!;
  const root0 = `${UID_ROOT}.${p.birthDate}.${BENCH_SPEC.seed}.9`;
  const study: Study = {
    uid: `${root0}.1`,
    date: '20240117',
    time: '083512',
    description: `CT/MR Kopf ${p.textName}`,
    accession: `ACC240117${rng.digits(4)}`,
    studyId: `S${rng.digits(7)}`,
    priorUid: `${root0}.99`,
  };
  const series = (n: number, modality: string, description: string): Series => ({
    uid: `${study.uid}.${n}`,
    number: n,
    modality,
    description: `${description} ${p.otherNames.split('^')[0]}`,
    frameOfReferenceUid: `${study.uid}.${n}.0`,
    time: `08${40 + n * 5}00`,
    bodyPart: 'HEAD',
    protocol: `${modality} HEAD`,
  });
  const write = (
    folder: string,
    count: number,
    make: (ctx: Context, uid: string, n: number) => Uint8Array,
    s: Series,
  ) => {
    const dir = join(input, p.folder, folder);
    mkdirSync(dir, { recursive: true });
    const ctx: Context = { p, study, series: s, root: root0 };
    for (let n = 1; n <= count; n++) {
      writeFileSync(join(dir, `IM${String(n).padStart(4, '0')}`), make(ctx, `${s.uid}.${n}`, n));
      if (n % 100 === 0) log(`  ${folder}: ${n}/${count}`);
    }
  };
  const { ctSlices, ctSize, mrSlices, mrSize } = BENCH_SPEC;
  write(
    'CT_HEAD',
    ctSlices,
    (ctx, uid, n) =>
      part10(
        ctImage(ctx, uid, n, ctSlices, rng, { syntax: 'explicitLE', rows: ctSize, cols: ctSize }).ds,
        'explicitLE',
      ),
    series(1, 'CT', 'Kopf 0.6mm'),
  );
  write(
    'MR_BRAIN',
    mrSlices,
    (ctx, uid, n) =>
      part10(
        mrImage(ctx, uid, n, mrSlices, rng, { syntax: 'explicitLE', rows: mrSize, cols: mrSize }).ds,
        'explicitLE',
      ),
    series(2, 'MR', 'T2 TSE'),
  );
  writeFileSync(marker(root), `${JSON.stringify(BENCH_SPEC)}\n`);
  return { input, ...treeSize(input) };
};

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const t = performance.now();
  const d = generateBench(BENCH_DIR, console.log);
  console.log(
    `${d.files} files, ${(d.bytes / 1e6).toFixed(0)} MB in ${d.input} (${((performance.now() - t) / 1000).toFixed(1)} s)`,
  );
}
