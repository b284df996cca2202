import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build, part10 } from './build.ts';
import { walkFiles } from './corpus.ts';

/**
 * The CLI's first pass: a name that only one file's header carries, typed into another file's
 * free text, is found there too (as the app does with its inventory).
 */
const ROOT = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'veil-batch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (sop: string, name: string, id: string, model: string) =>
  part10(
    build({
      524310: '1.2.840.10008.5.1.4.1.1.2',
      524312: sop,
      524384: 'CT',
      528528: model, // Manufacturer's Model Name: not in Table E.1-1, so kept and leak-scanned
      1048592: name,
      1048608: id,
      2097165: `${sop}.1`,
      2097166: `${sop}.2`,
    }),
  );

describe('the CLI searches every file for the identity strings of the whole batch', () => {
  const input = join(dir, 'in');
  mkdirSync(input);
  writeFileSync(join(input, 'A'), file('1.2.826.0.1.3680043.99.1', 'KOWALSKA^ZOFIA', 'PID-A', 'Scanner 9'));
  writeFileSync(join(input, 'B'), file('1.2.826.0.1.3680043.99.2', 'DOE^JOHN', 'PID-B', 'Kowalska demo unit'));
  const run = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'src/cli/main.ts'),
      input,
      join(dir, 'out'),
      '--key',
      join(dir, 'k.json'),
      '--quiet',
    ],
    { cwd: ROOT, encoding: 'utf8', timeout: 120_000 },
  );

  it('anonymizes both files', () => {
    expect(run.status, String(run.stderr)).toBe(0);
  });

  it('cleans the other patient’s name out of the kept free text', () => {
    const outputs = walkFiles(join(dir, 'out')).map((f) => new TextDecoder('latin1').decode(readFileSync(f)));
    expect(outputs.length).toBe(3); // two images and the DICOMDIR
    expect(outputs.some((t) => t.includes('demo unit'))).toBe(true);
    expect(outputs.some((t) => /kowalska/i.test(t))).toBe(false);
  });
});
