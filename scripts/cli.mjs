#!/usr/bin/env node
/**
 * `npm run cli -- <input> <output> [options]`: runs the CLI from a JavaScript bundle in
 * .cache/cli/ (main.js and worker.js), building it first with esbuild when it is missing or
 * anything it was built from has changed. Why a bundle: loading the TypeScript sources through
 * tsx costs about 0.45 s per thread (the main thread and every worker), longer than
 * de-identifying a whole CT series; the bundle loads in a few tens of milliseconds.
 *
 * The check is exact and cheap: the build records every file it read (esbuild's metafile) with
 * its modification time, and any difference, or a missing file, means a rebuild. An edited
 * source, a new import, a git checkout and an `npm ci` (it rewrites node_modules/.package-lock.json)
 * all show up; a file nothing imports does not cause one.
 *
 * The CLI then runs in this same process (the bundle is imported), with argv passed through.
 *
 * package.json runs this as `node --single-threaded scripts/cli.mjs`: V8 then compiles and
 * collects garbage on each thread itself, instead of in background threads that compete with
 * the workers, which already use every core. Measured on 2 cores: about 8% faster (median of 6
 * alternating runs, 1.63 s against 1.77 s), outputs byte for byte the same.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = join(import.meta.dirname, '..');
/** Two levels below the root, like src/cli/: the bundle finds package.json at ../../ as the sources do. */
const OUT = join(ROOT, '.cache', 'cli');
const STAMP = join(OUT, 'inputs.json');
/** Inputs of the build that esbuild does not see: its options (this file) and the installed packages. */
const EXTRA_INPUTS = ['scripts/cli.mjs', 'node_modules/.package-lock.json'];

const mtime = (rel) => statSync(join(ROOT, rel), { throwIfNoEntry: false })?.mtimeMs;

/** Whether the bundle exists and every file it was built from is as it was then. */
const isFresh = () => {
  let recorded;
  try {
    recorded = JSON.parse(readFileSync(STAMP, 'utf8'));
  } catch {
    return false;
  }
  return Object.entries(recorded).every(([rel, t]) => mtime(rel) === t);
};

/**
 * Builds main.js and worker.js (ESM, Node 20, source maps beside them). Each file is written
 * under a temporary name and renamed into place, so a CLI starting meanwhile never imports half
 * a file; the stamp goes last.
 */
const build = async () => {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new Error('esbuild is not installed: run npm ci first');
  }
  const started = Date.now();
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { main: 'src/cli/main.ts', worker: 'src/cli/worker.ts' },
    outdir: OUT,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    metafile: true,
    write: false,
    logLevel: 'error',
    // dicom-parser is CommonJS and calls require('zlib'); an ES module has no require, so give it one.
    banner: {
      js: "import { createRequire as __veilRequire } from 'node:module'; const require = __veilRequire(import.meta.url);",
    },
    plugins: [jsonAsParse],
    // The WASM codecs find their .wasm beside their own module (via __dirname): load them from
    // node_modules as they are instead of bundling them. tesseract.js likewise (__dirname, and
    // its own worker script and core, which it loads from node_modules).
    external: ['@cornerstonejs/*', 'tesseract.js', '@vladmandic/face-api', '@tensorflow/*'],
  });
  // From here until the new stamp is written, the build counts as stale.
  rmSync(STAMP, { force: true });
  const files = [...result.outputFiles].sort((a, b) => rank(a.path) - rank(b.path));
  for (const f of files) {
    const tmp = `${f.path}.${process.pid}.tmp`;
    mkdirSync(dirname(f.path), { recursive: true });
    writeFileSync(tmp, f.contents);
    renameSync(tmp, f.path);
  }
  const inputs = [...Object.keys(result.metafile.inputs), ...EXTRA_INPUTS];
  const stamp = Object.fromEntries(inputs.map((rel) => [rel, mtime(rel) ?? null]));
  // A file changed while esbuild was reading may not be in this build: leave the stamp out, so
  // the next run builds again. (A second of slack covers coarse file-system clocks.)
  const changedDuring = Object.values(stamp).some((t) => t !== null && t > started - 1000);
  if (!changedDuring) writeAtomically(STAMP, `${JSON.stringify(stamp, null, 1)}\n`);
};

/**
 * JSON modules (the PS3.15 profile tables, ~300 KB) as JSON.parse of a string rather than an
 * object literal: V8 parses JSON much faster than JavaScript, which saves every worker thread
 * 10–20 ms of start-up (measured on the bundle). They only have default exports.
 */
const jsonAsParse = {
  name: 'json-as-parse',
  setup(b) {
    b.onLoad({ filter: /\.json$/ }, (args) => {
      const text = JSON.stringify(JSON.parse(readFileSync(args.path, 'utf8')));
      return { contents: `export default JSON.parse(${JSON.stringify(text)});`, loader: 'js' };
    });
  },
};

/** Source maps first, then the worker, then main: what main loads is in place before main is. */
const rank = (path) => (path.endsWith('.map') ? 0 : path.endsWith('worker.js') ? 1 : 2);

const writeAtomically = (path, text) => {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
};

if (!isFresh()) {
  try {
    await build();
  } catch (e) {
    // esbuild has already printed what and where; this says what failed, in one line.
    process.stderr.write(
      `veil: the CLI could not be built from ${relative(process.cwd(), join(ROOT, 'src'))}/ (${e.message.split('\n')[0]})\n`,
    );
    process.exit(1);
  }
}
// npm runs scripts from the package root; folders given on the command line mean the user's own.
if (process.env.npm_lifecycle_event === 'cli' && process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);
await import(pathToFileURL(join(OUT, 'main.js')).href);
