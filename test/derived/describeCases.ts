import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BRAIN_MARGIN_MM, buildCase, CASES, type CaseSpec, type DerivedCase, PROMISED_MARGIN_MM } from './cases.ts';
import { DERIVED_DIR } from './compress.ts';
import { type CaseOutcome, defaceCase } from './defaceCase.ts';
import { FACE_UNSEEN } from './faceCheck.ts';
import { readSeries } from './readCase.ts';
import { type HeadName, sourceAbsent, sourceHead } from './sources.ts';

/**
 * The tests of derived cases, one `it` per case, shared by the test files (one per head, one for
 * the codecs, so they run in parallel). A case with a `knownFailure` runs as `it.fails`: its
 * assertions are the same, and it turns red the day the defacer handles it.
 */

/** The agreed tolerance (from the measurements in the report) between whole-head cases of one head. */
const FACE_ML_TOLERANCE = 0.12;

/** Removed volume (mL) a defaced case of each head may report: from a few mL (face cut by the field of view) to the face, eyes and neck. */
const REMOVED_ML: Readonly<Record<HeadName, { min: number; max: number }>> = {
  'ct-unc-cthead': { min: 5, max: 1500 },
  'mr-decubitus-hfs': { min: 5, max: 1200 },
  colin27: { min: 5, max: 700 },
};

const outcomes = new Map<string, CaseOutcome & { case: DerivedCase }>();

/**
 * Declares the tests of the given cases. `reference` names the case of the same head the others'
 * face volume is compared with (it must be among them or built on the way).
 */
export const describeCases = (title: string, head: HeadName, specs: readonly CaseSpec[], reference: string): void => {
  const absent = sourceAbsent(head);
  describe.skipIf(absent !== undefined)(absent ? `${title}: skipped, ${absent}` : title, () => {
    afterAll(() => report(title, specs));
    for (const spec of specs) {
      const name = `${spec.name}: ${spec.what} → ${spec.expect}${spec.knownFailure ? ` (KNOWN FAILURE: ${spec.knownFailure})` : ''}`;
      (spec.knownFailure ? it.fails : it)(name, async () => {
        const c = await buildCase(spec);
        const o = await defaceCase(c);
        outcomes.set(spec.name, { ...o, case: c });
        expectCase(c, o);
        if (c.base) await expectSameAsBase(c);
      });
    }
    const wholeHead = specs.filter((s) => s.wholeHead && !s.knownFailure);
    if (wholeHead.length > 0)
      it(`the face removed agrees across the whole-head cases (within ${FACE_ML_TOLERANCE * 100} % of ${reference}, gaps scaled by the slices present)`, async () => {
        const ref = outcomes.get(reference) ?? { ...(await defaceCase(await buildCase(caseOf(reference)))) };
        expect(ref.faceMl).toBeGreaterThan(0);
        for (const s of wholeHead) {
          const o = outcomes.get(s.name);
          if (!o) continue; // its own test failed and said why
          const present = o.dims[2] / o.case.slicesBeforeGaps;
          const expected = ref.faceMl! * present;
          expect(Math.abs(o.faceMl! - expected) / expected, `${s.name}: ${o.faceMl} mL vs ${expected}`).toBeLessThan(
            FACE_ML_TOLERANCE,
          );
        }
      });
  });
};

const caseOf = (name: string): CaseSpec => CASES.find((c) => c.name === name)!;

/** What must be true of every case once defaced (or found to have no face). */
const expectCase = (c: DerivedCase, o: CaseOutcome): void => {
  expect(o.verdict, o.says).toBe(c.expect);
  // The source's brain is in view (the check below is not vacuous): at least half its volume, in voxels.
  const s = sourceHead(c.head);
  expect(o.brainVoxels * o.voxelMl).toBeGreaterThan(0.5 * s.brain.volumeMl);
  // No voxel within BRAIN_MARGIN_MM of the moved source brain mask changed.
  expect(o.brainChanged, `${o.brainChanged} changed voxels within ${BRAIN_MARGIN_MM} mm of the source brain`).toBe(0);
  if (c.expect === 'no-face') {
    expect(o.untouched).toBe(true);
    return;
  }
  expect(o.changed).toBeGreaterThan(0);
  // The issue's 10 mm, from the source's brain mask (one source cell diagonal allowed for measuring it).
  const least = PROMISED_MARGIN_MM - s.brain.cellDiagonalMm;
  expect(
    o.nearestChangedMm,
    `nearest change ${o.nearestChangedMm.toFixed(1)} mm from the source brain`,
  ).toBeGreaterThanOrEqual(least);
  const r = REMOVED_ML[c.head];
  expect(o.removedMl).toBeGreaterThanOrEqual(r.min);
  expect(o.removedMl).toBeLessThanOrEqual(r.max);
  // Tissue in front of the face became air: every point of the source's facial profile in view is filled.
  expect(o.face.kept, 'face profile points left in place').toEqual([]);
  if (c.wholeHead) expect(o.face.inView).toBe(c.face.length);
  // The case's own brain mask lies where the moved source brain is: the geometry was written and read consistently.
  expect(o.maskAgreement).toBeGreaterThan(0.9);
  if (o.faceCheck.status === 'checked') {
    // The check must find the face on the original, or it proves nothing (FACE_UNSEEN: it does not, reported).
    if (!FACE_UNSEEN.has(c.name))
      expect(
        o.faceCheck.before,
        `the face check must find the face on the original: ${o.faceCheck.message}`,
      ).toBeGreaterThan(0);
    expect(o.faceCheck.after, o.faceCheck.message).toBe(0);
  }
};

/** A compressed case decodes to its native base exactly (lossless) or within the codec's error (lossy). */
const expectSameAsBase = async (c: DerivedCase): Promise<void> => {
  const base = await readSeries((await buildCase(caseOf(c.base!))).files);
  const ours = await readSeries(c.files);
  expect(ours.frames.length).toBe(base.frames.length);
  let worst = 0;
  ours.frames.forEach((f, k) => {
    const b = base.frames[k]!;
    for (let i = 0; i < f.length; i++) worst = Math.max(worst, Math.abs(f[i]! - b[i]!));
  });
  expect(worst).toBeLessThanOrEqual(c.lossy ? 16 : 0);
};

/** Prints the per-case figures, and keeps them in .cache/derived/report-<title>.md. */
const report = (title: string, specs: readonly CaseSpec[]): void => {
  const rows = specs.flatMap((s) => {
    const o = outcomes.get(s.name);
    if (!o) return [`| ${s.name} | (not run) | | | | | | | | |`];
    const f = (x: number | undefined, d = 0) => (x === undefined ? '' : x.toFixed(d));
    return [
      `| ${s.name} | ${o.verdict} | ${f(o.removedMl)} | ${f(o.faceMl)} | ${f(o.brainMl)} | ${Number.isFinite(o.nearestChangedMm) ? o.nearestChangedMm.toFixed(1) : '–'} | ${o.brainChanged} | ${o.face.filled}/${o.face.inView} | ${o.faceCheck.status === 'checked' ? `${o.faceCheck.before}/${o.faceCheck.views} → ${o.faceCheck.after}/${o.faceCheck.views}` : '–'} | ${o.dims.join('×')} |`,
    ];
  });
  const text = [
    `### ${title}`,
    '',
    '| case | verdict | removed mL | face mL | brain mL | nearest change to source brain, mm | changed within margin | face points filled/in view | face check before → after | voxels |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
  console.log(text);
  mkdirSync(DERIVED_DIR, { recursive: true });
  writeFileSync(join(DERIVED_DIR, `report-${title.replace(/[^a-z0-9]+/gi, '-')}.md`), text);
};
