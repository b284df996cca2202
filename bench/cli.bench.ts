/**
 * Throughput and memory of the CLI against `cp -r` of the same folder (npm run bench).
 *
 * Generates (once, cached in .cache/bench/) a 600-slice 512x512 CT and a 200-slice MR with PHI in
 * the headers, warms the page cache, times `cp -r` twice (the faster counts) and the CLI once, and
 * prints files, MB, seconds, files/s, MB/s, the ratio to cp -r and the CLI's peak RSS beside the
 * targets (ratio <= 2x cp -r, peak RSS < 400 MB). It prints figures; it never fails a build.
 *
 *   npm run bench [-- --runs N] [-- --workers N]
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DIR, type BenchData, generateBench, treeSize } from '../scripts/generate-bench.ts';

const REPO = join(import.meta.dirname, '..');
const TARGET_RATIO = 2;
const TARGET_RSS_MB = 400;

/** One timed run. */
interface Timing {
  seconds: number;
  /** Peak resident set size in bytes, when measured. */
  peakRss?: number;
  exitCode: number | null;
  stderr: string;
}

/** Reads every file once so both contenders start with the input in the page cache. */
const warm = (dir: string): void => {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) warm(p);
    else readFileSync(p);
  }
};

const cpRun = (input: string, out: string): Timing => {
  rmSync(out, { recursive: true, force: true });
  const t = performance.now();
  const r = spawnSync('cp', ['-r', input, out], { encoding: 'utf8' });
  const seconds = (performance.now() - t) / 1000;
  if (r.status !== 0) throw new Error(`cp -r failed: ${r.stderr}`);
  return { seconds, exitCode: r.status, stderr: r.stderr };
};

const HAS_TIME = existsSync('/usr/bin/time');

/**
 * Runs the CLI as `node --import tsx src/cli/main.ts <in> <out>` (one process; its worker threads
 * count in its RSS). Peak RSS comes from /usr/bin/time -v, else from polling VmHWM in /proc.
 */
const cliRun = (input: string, out: string, extra: string[]): Promise<Timing> =>
  new Promise((resolve, reject) => {
    rmSync(out, { recursive: true, force: true });
    const node = [process.execPath, '--import', 'tsx', 'src/cli/main.ts', input, out, ...extra];
    const cmd = HAS_TIME ? ['/usr/bin/time', '-v', ...node] : node;
    const t = performance.now();
    const child = spawn(cmd[0]!, cmd.slice(1), { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let polled = 0;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const poll = HAS_TIME
      ? undefined
      : setInterval(() => {
          polled = Math.max(polled, vmHwm(child.pid));
        }, 20);
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - t) / 1000;
      if (poll) clearInterval(poll);
      const kb = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      const peakRss = kb ? Number(kb[1]) * 1024 : polled || undefined;
      resolve({ seconds, exitCode: code, stderr, ...(peakRss ? { peakRss } : {}) });
    });
  });

/** Peak RSS (VmHWM) of a process and its descendants, summed: an upper bound if it forks. */
const vmHwm = (pid: number | undefined): number => {
  if (!pid) return 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    return kb * 1024 + children.reduce((n, c) => n + vmHwm(Number(c)), 0);
  } catch {
    return 0;
  }
};

const mb = (bytes: number) => bytes / 1e6;
const fmt = (n: number, digits = 1) => n.toFixed(digits);

const table = (rows: string[][]): string => {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '))
    .join('\n');
};

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

const main = async (): Promise<void> => {
  console.log(`Benchmark data in ${BENCH_DIR}`);
  const data: BenchData = generateBench(BENCH_DIR, (s) => console.log(`generating ${s}`));
  console.log(`${data.files} files, ${fmt(mb(data.bytes), 0)} MB; warming the page cache`);
  warm(data.input);

  const cpOut = join(BENCH_DIR, 'out-cp');
  const cp = [cpRun(data.input, cpOut), cpRun(data.input, cpOut)].sort((a, b) => a.seconds - b.seconds)[0]!;
  rmSync(cpOut, { recursive: true, force: true });

  const keyDir = join(BENCH_DIR, 'key');
  mkdirSync(keyDir, { recursive: true });
  const extra = ['--key', join(keyDir, 'key.json'), '--quiet'];
  const workers = arg('workers');
  if (workers) extra.push('--workers', workers);
  const runs = Number(arg('runs') ?? 1);
  const cliOut = join(BENCH_DIR, 'out-cli');
  const cliRuns: Timing[] = [];
  for (let i = 0; i < runs; i++) cliRuns.push(await cliRun(data.input, cliOut, extra));
  const cli = cliRuns.sort((a, b) => a.seconds - b.seconds)[0]!;
  const written = existsSync(cliOut) ? treeSize(cliOut) : { files: 0, bytes: 0 };
  rmSync(cliOut, { recursive: true, force: true });

  const row = (name: string, t: Timing, peak: string): string[] => [
    name,
    String(data.files),
    fmt(mb(data.bytes), 0),
    fmt(t.seconds, 2),
    fmt(data.files / t.seconds, 0),
    fmt(mb(data.bytes) / t.seconds, 0),
    fmt(t.seconds / cp.seconds, 2),
    peak,
  ];
  const rssMb = cli.peakRss ? mb(cli.peakRss) : undefined;
  console.log('');
  console.log(
    table([
      ['', 'files', 'MB', 'seconds', 'files/s', 'MB/s', 'x cp -r', 'peak RSS MB'],
      row('cp -r (best of 2)', cp, '-'),
      row(`veil cli (best of ${runs})`, cli, rssMb ? fmt(rssMb, 0) : 'n/a'),
    ]),
  );
  const ratio = cli.seconds / cp.seconds;
  console.log('');
  console.log(`target: <= ${TARGET_RATIO}x cp -r   ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'} (${fmt(ratio, 2)}x)`);
  console.log(
    `target: peak RSS < ${TARGET_RSS_MB} MB   ${rssMb === undefined ? 'not measured' : rssMb < TARGET_RSS_MB ? 'met' : 'NOT met'}` +
      (rssMb === undefined ? '' : ` (${fmt(rssMb, 0)} MB, ${HAS_TIME ? '/usr/bin/time -v' : '/proc VmHWM'})`),
  );
  console.log(`cli exit code ${cli.exitCode}; wrote ${written.files} files, ${fmt(mb(written.bytes), 0)} MB`);
  if (cli.exitCode !== 0 || written.files === 0) {
    // /usr/bin/time -v indents its report with a tab; the CLI's own lines are what matter here.
    const tail = cli.stderr
      .split('\n')
      .filter((l) => !l.startsWith('\t'))
      .slice(0, 20)
      .join('\n');
    console.log(`cli stderr:\n${tail}`);
  }
};

await main();
