import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needlesFor, scanDicom, scanText } from '../scripts/corpus/scan.ts';
import { generateCorpus, type Manifest } from '../scripts/generate-corpus.ts';
import { walkFiles } from './corpus.ts';
import { dciodvfy, dcmdump } from './validators.ts';

/**
 * The PHI corpus through the CLI, end to end: a CD whose file and folder names, DICOMDIR records
 * and headers are full of fake PHI goes in; what comes out — the tree, its names and the new
 * DICOMDIR — must hold none of it, and the report beside it must account for every input file.
 */

const ROOT = join(import.meta.dirname, '..');
let dir: string;
let manifest: Manifest;
let cd: string;
let out: string;
let run: ReturnType<typeof spawnSync>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'veil-cli-phi-'));
  manifest = generateCorpus(join(dir, 'corpus'), 7);
  cd = join(dir, 'corpus', manifest.root);
  out = join(dir, 'out');
  run = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), cd, out, '--key', join(dir, 'key.json'), '--quiet'],
    { cwd: ROOT, encoding: 'utf8', timeout: 120_000 },
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the CLI on a CD full of PHI', () => {
  it('exits 1 because images with possible burned-in text were withheld, and says so', () => {
    expect(run.error).toBeUndefined();
    expect(run.status, String(run.stderr)).toBe(1);
    expect(String(run.stdout)).toMatch(/withheld/);
  });

  it('writes a tree whose paths hold no identity', () => {
    const needles = needlesFor(manifest.identities);
    const files = walkFiles(out).map((f) => relative(out, f));
    expect(files).toContain('DICOMDIR');
    expect(files.filter((f) => f.startsWith('DICOM')).length).toBeGreaterThan(10);
    expect(files.flatMap((f) => scanText(f, needles, 'path').map((h) => `${f}: ${h.value}`))).toEqual([]);
  });

  it('writes no identity into any output byte, the new DICOMDIR included', () => {
    const needles = needlesFor(manifest.identities);
    const leaks = walkFiles(out).flatMap((f) =>
      scanDicom(new Uint8Array(readFileSync(f)), needles).map((h) => `${relative(out, f)}: "${h.value}" in ${h.where}`),
    );
    expect(leaks).toEqual([]);
  });

  it('writes a DICOMDIR that dcmdump and dciodvfy accept', () => {
    expect(dcmdump(join(out, 'DICOMDIR')).errors).toEqual([]);
    expect(dciodvfy(join(out, 'DICOMDIR'))).toEqual([]);
  });

  it('puts the report beside the output, accounting for every input file', () => {
    expect(existsSync(join(out, 'report.json'))).toBe(false);
    const report = JSON.parse(readFileSync(`${out}.report.json`, 'utf8')) as {
      files: { input: string; status: string }[];
    };
    const inputs = walkFiles(cd).map((f) => relative(cd, f));
    expect(report.files.map((f) => f.input).sort()).toEqual(inputs.sort());
    for (const f of report.files) expect(['anonymized', 'withheld', 'skipped']).toContain(f.status);
  });
});
