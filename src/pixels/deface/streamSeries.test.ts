import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../deid/anonymize.ts';
import type { Outcome } from '../../deid/Outcome.ts';
import { RESEARCH } from '../../deid/options.ts';
import { Dataset } from '../../dicom/Dataset.ts';
import { fileMeta } from '../../dicom/FileMeta.ts';
import { readDicom } from '../../dicom/read.ts';
import { ExplicitVRLittleEndian, transferSyntax } from '../../dicom/TransferSyntax.ts';
import { stringElement, usElement } from '../../dicom/values.ts';
import { writePart10 } from '../../dicom/write.ts';
import { imagePixelOf, nativeFrame } from '../frames.ts';
import type { Vec3 } from '../geometry/vec3.ts';
import { type SeriesInput, type SeriesVerdict, streamSeries } from './defaceSeries.ts';
import { JUDGE_MAX_VOXELS } from './reduce.ts';
import { BRAIN, FACE, hu, inHead, STRAIGHT } from './testHead.ts';

/**
 * The series call on a head larger than the judging copy's cap (`reduce.ts`): the phantom head CT
 * (`testHead.ts`) at 0.5 mm pixels and 1 mm slices, 300 × 400 × 170 = 20 M voxels, written as Part
 * 10 files on disk and read through a loader that counts. It must be judged on a reduced copy,
 * cut and checked at full resolution (no voxel near the brain changed, the face filled), and read
 * as the passes promise: every file once to survey, once to judge, once to write, never two at a
 * time while writing. And a file that changes between passes is withheld, not cut blind.
 */

const plan: Plan = { options: RESEARCH, key: new Uint8Array(32).fill(4) };
const tmp = mkdtempSync(join(tmpdir(), 'veil-stream-series-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const COLUMNS = 300;
const ROWS = 400;
const SLICES = 170;
const PIXEL_MM = 0.5;
/** The first pixel of every slice (LPS): 76 mm right, 106 mm anterior; slices 1 mm apart from 105 mm below the brain's centre. */
const ORIGIN: Vec3 = [-76, -106, -105];
const positionOf = (k: number): Vec3 => [ORIGIN[0], ORIGIN[1], ORIGIN[2] + k];
const lps = (i: number, j: number, k: number): Vec3 => [
  ORIGIN[0] + i * PIXEL_MM,
  ORIGIN[1] + j * PIXEL_MM,
  ORIGIN[2] + k,
];

/** One slice of the phantom as a CT Part 10 file (stored = HU + 1024, 12 bits). */
const slice = (k: number): Uint8Array => {
  const px = new Uint16Array(COLUMNS * ROWS);
  for (let j = 0; j < ROWS; j++)
    for (let i = 0; i < COLUMNS; i++) px[i + COLUMNS * j] = hu(STRAIGHT, lps(i, j, k)) + 1024;
  const sop = `2.25.4242${k}`;
  const dataset = new Dataset([
    stringElement(0x00080016, CT_IMAGE, 'UI'),
    stringElement(0x00080018, sop, 'UI'),
    stringElement(0x00080060, 'CT', 'CS'),
    stringElement(0x00100010, 'Phantom^Head', 'PN'),
    stringElement(0x00180015, 'HEAD', 'CS'),
    stringElement(0x0020000d, '2.25.4242', 'UI'),
    stringElement(0x0020000e, '2.25.42421', 'UI'),
    stringElement(0x00200013, String(k + 1), 'IS'),
    stringElement(0x00200032, positionOf(k).join('\\'), 'DS'),
    stringElement(0x00200037, '1\\0\\0\\0\\1\\0', 'DS'),
    stringElement(0x00200052, '2.25.42422', 'UI'),
    usElement(0x00280002, 1),
    stringElement(0x00280004, 'MONOCHROME2', 'CS'),
    usElement(0x00280010, ROWS),
    usElement(0x00280011, COLUMNS),
    stringElement(0x00280030, `${PIXEL_MM}\\${PIXEL_MM}`, 'DS'),
    usElement(0x00280100, 16),
    usElement(0x00280101, 12),
    usElement(0x00280102, 11),
    usElement(0x00280103, 0),
    stringElement(0x00281052, '-1024', 'DS'),
    stringElement(0x00281053, '1', 'DS'),
    { tag: 0x7fe00010, vr: 'OW', value: new Uint8Array(px.buffer) },
  ]);
  return writePart10({
    meta: fileMeta(CT_IMAGE, sop, ExplicitVRLittleEndian),
    dataset,
    transferSyntax: transferSyntax(ExplicitVRLittleEndian),
  });
};
const CT_IMAGE = '1.2.840.10008.5.1.4.1.1.2';

const paths: string[] = [];
beforeAll(() => {
  for (let k = 0; k < SLICES; k++) {
    const path = join(tmp, `slice-${k}.dcm`);
    writeFileSync(path, slice(k));
    paths.push(path);
  }
}, 120_000);

/** Loaders over the files on disk, logging each read; `swap` makes a read return another file instead. */
const counted = (events: string[], swap?: (i: number, read: number) => string | undefined): SeriesInput[] => {
  const reads = paths.map(() => 0);
  return paths.map((path, i) => ({
    name: `slice-${i}`,
    load: () => {
      events.push(`load ${i}`);
      reads[i]!++;
      return new Uint8Array(readFileSync(swap?.(i, reads[i]!) ?? path));
    },
  }));
};

/** Runs the series, logging every emitted outcome after the reads before it. */
const run = async (inputs: SeriesInput[], events: string[], p: Plan = plan) => {
  const outcomes: Outcome[] = [];
  const verdict: SeriesVerdict = await streamSeries(inputs, p, {}, (i, o) => {
    events.push(`emit ${i}`);
    outcomes[i] = o;
  });
  return { verdict, outcomes };
};

/** The stored frame of an output file (native, one frame). */
const pixelsOf = (o: Outcome): ArrayLike<number> => {
  if (o.status !== 'anonymized') throw new Error(o.status === 'withheld' ? o.reason : o.status);
  const read = readDicom(o.bytes);
  if (!read.ok) throw new Error(read.error.message);
  const px = imagePixelOf(read.value);
  if (!px.ok) throw new Error(px.error.message);
  const frame = nativeFrame(read.value, px.value, 0);
  if (!frame.ok) throw new Error(frame.error.message);
  return frame.value.pixels;
};

const each = (n: number, f: (i: number) => string[]): string[] => Array.from({ length: n }, (_, i) => f(i)).flat();

describe('a head series over the judging cap, read in passes', () => {
  it('is judged on a reduced copy and cut at full resolution: nothing within 10 mm of the brain changed, the face filled', async () => {
    expect(COLUMNS * ROWS * SLICES).toBeGreaterThan(JUDGE_MAX_VOXELS);
    const events: string[] = [];
    const { verdict, outcomes } = await run(counted(events), events);
    expect(verdict.kind).toBe('defaced');
    if (verdict.kind !== 'defaced') return;
    expect(verdict.notes.some((n) => n.startsWith('judged on a copy of 2 × 2 × 1-voxel blocks (1 × 1 × 1 mm'))).toBe(
      true,
    );
    // The brain (1.2 L), and a removed volume like the 2 mm phantom's.
    expect(verdict.brainMl).toBeGreaterThan(1000);
    expect(verdict.brainMl).toBeLessThan(1400);
    expect(verdict.removedMl).toBeGreaterThan(20);
    expect(verdict.removedMl).toBeLessThan(300);

    // Every pass reads every file in order; the first two before anything is written; while
    // writing, a file is read only once the one before it is out.
    expect(events).toEqual([
      ...each(SLICES, (i) => [`load ${i}`]),
      ...each(SLICES, (i) => [`load ${i}`]),
      ...each(SLICES, (i) => [`load ${i}`, `emit ${i}`]),
    ]);

    // At full resolution, every voxel of every output: within 10 mm of the brain (by the distance
    // along the ray from its centre, never less than the true distance) unchanged; some changed.
    let near = 0;
    let changed = 0;
    const [a, l, s] = BRAIN;
    for (let k = 0; k < SLICES; k++) {
      const out = pixelsOf(outcomes[k]!);
      for (let j = 0; j < ROWS; j++)
        for (let i = 0; i < COLUMNS; i++) {
          const p = inHead(STRAIGHT, lps(i, j, k));
          const u = Math.hypot(p[0] / a, p[1] / l, p[2] / s);
          const before = hu(STRAIGHT, lps(i, j, k)) + 1024;
          const value = out[i + COLUMNS * j]!;
          if (value !== before) changed++;
          if (u <= 1 || Math.hypot(...p) * (1 - 1 / u) < 10) {
            near++;
            if (value !== before)
              throw new Error(`slice ${k}, row ${j}, column ${i}: changed within 10 mm of the brain`);
          }
        }
    }
    expect(near).toBeGreaterThan(5_000_000);
    expect(changed).toBeGreaterThan(100_000);
    // The nose, lips and chin (their centres) are air.
    for (const f of FACE.slice(0, 3)) {
      const p: Vec3 = [f.at[1], -f.at[0], f.at[2]]; // head (anterior, left, superior) to LPS
      const i = Math.round((p[0] - ORIGIN[0]) / PIXEL_MM);
      const j = Math.round((p[1] - ORIGIN[1]) / PIXEL_MM);
      const k = Math.round(p[2] - ORIGIN[2]);
      expect([f.name, pixelsOf(outcomes[k]!)[i + COLUMNS * j]! - 1024]).toEqual([f.name, -1000]);
    }
  }, 300_000);

  it('a file that changed between the passes is withheld, saying so; the others are cut', async () => {
    const events: string[] = [];
    // The third read of slice 100 (when it is written) finds slice 101's file in its place.
    const { verdict, outcomes } = await run(
      counted(events, (i, read) => (i === 100 && read === 3 ? paths[101] : undefined)),
      events,
    );
    expect(verdict.kind).toBe('defaced');
    expect(outcomes[100]).toMatchObject({
      status: 'withheld',
      reason: 'slice-100 changed since it was first read; the file is withheld rather than written without its cut',
    });
    expect(outcomes.filter((o) => o.status === 'anonymized')).toHaveLength(SLICES - 1);
  }, 300_000);

  it('a file that could not be read when the series was surveyed, and can be later, is withheld, not written uncut', async () => {
    const events: string[] = [];
    const { verdict, outcomes } = await run(
      counted(events, (i, read) => {
        if (i === 30 && read === 1) throw new Error('EIO');
        return undefined;
      }),
      events,
    );
    expect(verdict.kind).toBe('defaced');
    expect(outcomes[30]).toEqual({
      status: 'withheld',
      reason:
        'slice-30 could not be read when its series was judged, so it has no cut; withheld rather than written without it',
    });
    expect(outcomes.filter((o) => o.status === 'anonymized')).toHaveLength(SLICES - 1);
  }, 300_000);

  it('defacing off: each file read once, and written before the next is read', async () => {
    const events: string[] = [];
    const { verdict, outcomes } = await run(counted(events), events, { ...plan, deface: false });
    expect(verdict.kind).toBe('off');
    expect(events).toEqual(each(SLICES, (i) => [`load ${i}`, `emit ${i}`]));
    expect(outcomes.every((o) => o.status === 'anonymized')).toBe(true);
  }, 120_000);
});
