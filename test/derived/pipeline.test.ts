import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/deid/anonymize.ts';
import { RESEARCH } from '../../src/deid/options.ts';
import { readDicom } from '../../src/dicom/read.ts';
import { decodeFrame } from '../../src/pixels/codecs/index.ts';
import { defaceSeries, inMemory } from '../../src/pixels/deface/defaceSeries.ts';
import { dciodvfyNewErrors } from '../validators.ts';
import { buildCase, caseSpec } from './cases.ts';
import { sourceAbsent } from './sources.ts';

/**
 * Derived cases through the whole series call, as a run does them (decode → judge → cut → write
 * → verify): the verdict the library tests expect, every file written, the written files valid by
 * dciodvfy (no error their input did not have) and decodable the way the app's viewer decodes
 * them (`decodeFrame`). One case per kind of geometry and codec, to keep the suite's time.
 */

const plan: Plan = { options: RESEARCH, key: new Uint8Array(32).fill(5) };
const tmp = mkdtempSync(join(tmpdir(), 'veil-derived-pipeline-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const CASES = ['ct-coronal', 'ct-tilt+20', 'ct-hfp', 'ct-tilt-j2k', 'mr-sagittal', 'mr-oblique', 'colin-axial-htj2k'];

describe('derived cases through the series call', () => {
  for (const name of CASES) {
    const spec = caseSpec(name);
    const absent = sourceAbsent(spec.head);
    it.skipIf(absent)(
      `${name}${absent ? ` (skipped: ${absent})` : ''}: the expected verdict, valid output, decodable`,
      async () => {
        const c = await buildCase(spec);
        const inputs = c.files.map((bytes, i) => ({ name: `${name}-${i}`, bytes: bytes.slice() }));
        const { verdict, outcomes } = await defaceSeries(inMemory(inputs), plan);
        expect(verdict.kind).toBe(c.expect);
        expect(outcomes.map((o) => (o.status === 'withheld' ? o.reason : o.status))).toEqual(
          c.files.map(() => 'anonymized'),
        );
        // The judges on the first, middle and last file of the series.
        for (const i of [0, c.files.length >> 1, c.files.length - 1]) {
          const o = outcomes[i]!;
          if (o.status !== 'anonymized') throw new Error(o.status);
          const input = join(tmp, `${name}-${i}-in.dcm`);
          const output = join(tmp, `${name}-${i}-out.dcm`);
          writeFileSync(input, c.files[i]!);
          writeFileSync(output, o.bytes);
          expect(dciodvfyNewErrors(input, output), `${name} file ${i}`).toEqual([]);
          const read = readDicom(o.bytes);
          if (!read.ok) throw new Error(read.error.message);
          const frame = await decodeFrame(read.value, 0);
          expect(frame.ok, frame.ok ? '' : frame.error.message).toBe(true);
        }
      },
    );
  }
});
