import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dciodvfyNewErrors, dcmdump, metaTransferSyntax, pydicomRead } from '../../../test/validators.ts';
import type { Plan } from '../../deid/anonymize.ts';
import type { Outcome } from '../../deid/Outcome.ts';
import { RESEARCH } from '../../deid/options.ts';
import { type DicomFile, readDicom } from '../../dicom/read.ts';
import { ExplicitVRLittleEndian } from '../../dicom/TransferSyntax.ts';
import { getString, stringElement } from '../../dicom/values.ts';
import { writePart10 } from '../../dicom/write.ts';
import type { Samples } from '../codecs/DecodedFrame.ts';
import type { FaceDetector } from '../faceCheck/detector.ts';
import { nodeFaceDetector } from '../faceCheck/node.ts';
import { imagePixelOf, nativeFrame } from '../frames.ts';
import { planDeface } from './deface.ts';
import { defaceSeries, inMemory } from './defaceSeries.ts';
import { decodeVoxels } from './readVoxels.ts';
import { copyFrames, expectBrainUntouched } from './testCheck.ts';
import { faceProfile } from './testFace.ts';
import { HEADS, headsPresent } from './testHeads.ts';
import { otsu } from './threshold.ts';

/**
 * The series-level call on the real heads (../shared/data/heads), native and compressed with
 * independent tools (DCMTK, GDCM) into a temporary folder, judged by dcmdump, dciodvfy and pydicom;
 * and on a synthetic torso, which must not be cut.
 */

const plan: Plan = { options: RESEARCH, key: new Uint8Array(32).fill(9) };
const tmp = mkdtempSync(join(tmpdir(), 'veil-deface-series-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Folder = 'ct-unc-cthead' | 'mr-decubitus-hfs';

/** A series' file in memory: its name and bytes. */
interface Part10 {
  name: string;
  bytes: Uint8Array;
}

/** The head's files, compressed by `tool` into a folder of the temp dir (or as they are). */
const inputsOf = (folder: Folder, tool?: { name: string; cmd: string; args: string[] }): Part10[] => {
  const src = join(HEADS, folder);
  const names = readdirSync(src)
    .filter((f) => f.endsWith('.dcm'))
    .sort();
  if (!tool) return names.map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(src, name))) }));
  const dir = join(tmp, `${folder}-${tool.name}`);
  mkdirSync(dir, { recursive: true });
  return names.map((name) => {
    const out = join(dir, name);
    const r = spawnSync(tool.cmd, [...tool.args, join(src, name), out], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${tool.cmd} ${name}: ${r.stderr || r.error?.message}`);
    return { name, bytes: new Uint8Array(readFileSync(out)) };
  });
};

const readAll = (inputs: readonly { bytes: Uint8Array }[]): DicomFile[] =>
  inputs.map((i) => {
    const r = readDicom(i.bytes);
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  });

const anonymizedBytes = (o: Outcome): Uint8Array => {
  if (o.status !== 'anonymized') throw new Error(o.status === 'withheld' ? o.reason : o.status);
  return o.bytes;
};

/** The stored frames of the outputs in the volume order of `reference` (output i is input i). */
const outputFrames = (outputs: DicomFile[], reference: Awaited<ReturnType<typeof decodeVoxels>>): Samples[] => {
  if (!reference.ok) throw new Error(reference.error.message);
  return reference.value.volume.frames.map((f) => {
    const file = outputs[f.source.instance]!;
    const px = imagePixelOf(file);
    if (!px.ok) throw new Error(px.error.message);
    const frame = nativeFrame(file, px.value, f.source.frame);
    if (!frame.ok) throw new Error(frame.error.message);
    return frame.value.pixels;
  });
};

/** Writes a few inputs and their outputs to the temp dir and asks the judges about them. */
const judge = (label: string, inputs: Part10[], outcomes: Outcome[]): void => {
  const dir = join(tmp, `judged-${label}`);
  mkdirSync(dir, { recursive: true });
  const picks = [0, Math.floor(inputs.length / 2), inputs.length - 1];
  const outs: string[] = [];
  for (const i of picks) {
    const input = join(dir, `in-${i}.dcm`);
    const output = join(dir, `out-${i}.dcm`);
    writeFileSync(input, inputs[i]!.bytes);
    writeFileSync(output, anonymizedBytes(outcomes[i]!));
    expect(dcmdump(output).errors).toEqual([]);
    expect(dciodvfyNewErrors(input, output)).toEqual([]);
    outs.push(output);
  }
  const py = pydicomRead(outs);
  expect(py.failures).toEqual([]);
  for (const f of py.files) expect(f.notes.some((n) => n.startsWith('pixels ['))).toBe(true);
};

const CT_VARIANTS = [
  undefined,
  { name: 'jpeg-lossless', cmd: 'dcmcjpeg', args: ['+el'] },
  { name: 'jpeg-ls', cmd: 'dcmcjpls', args: ['+el'] },
  { name: 'rle', cmd: 'dcmcrle', args: [] },
  { name: 'j2k', cmd: 'gdcmconv', args: ['--j2k'] },
];

describe.skipIf(!headsPresent)(
  headsPresent ? 'defaceSeries on the real heads' : `defaceSeries on the real heads: ${HEADS} is absent, skipped`,
  () => {
    const cases: { folder: Folder; tool?: (typeof CT_VARIANTS)[number] }[] = [
      ...CT_VARIANTS.map((tool) => ({ folder: 'ct-unc-cthead' as const, tool })),
      { folder: 'mr-decubitus-hfs' },
      { folder: 'mr-decubitus-hfs', tool: { name: 'j2k', cmd: 'gdcmconv', args: ['--j2k'] } },
    ];
    for (const { folder, tool } of cases) {
      it(`${folder}, ${tool?.name ?? 'native'}: defaced, Explicit VR LE, 113102 and NO, brain + 10 mm bit-identical, face gone, valid`, async () => {
        const inputs = inputsOf(folder, tool);
        const reference = await decodeVoxels(readAll(inputs));
        if (!reference.ok) throw new Error(reference.error.message);
        const before = copyFrames(reference.value.frames);
        const result = await defaceSeries(inMemory(inputs), plan);
        expect(result.verdict.kind).toBe('defaced');
        expect(result.outcomes.map((o) => o.status)).toEqual(inputs.map(() => 'anonymized'));
        const outputs = readAll(result.outcomes.map((o) => ({ bytes: anonymizedBytes(o) })));
        for (const [i, o] of outputs.entries()) {
          expect(metaTransferSyntax(anonymizedBytes(result.outcomes[i]!))).toBe(ExplicitVRLittleEndian);
          expect(getString(o.dataset, 0x00280302)).toBe('NO');
          const codes = (o.dataset.get(0x00120064)?.items ?? []).map((it) => getString(it, 0x00080100));
          expect(codes).toContain('113102');
        }
        const v = reference.value.voxels;
        const after = outputFrames(outputs, reference);
        const { mask, verdict } = planDeface(v);
        if (verdict.kind !== 'defaced') throw new Error(verdict.kind);
        expect(expectBrainUntouched(v, mask, before, after, 10)).toBeGreaterThan(300_000);
        const face = faceProfile(v, v.modality === 'CT' ? -300 : otsu(v.data), 60);
        expect(face.length).toBeGreaterThan(20);
        const nx = v.dims[0];
        expect(face.filter((p) => after[p.slice]![p.column + nx * p.row] !== verdict.fill.stored)).toEqual([]);
        judge(`${folder}-${tool?.name ?? 'native'}`, inputs, result.outcomes);
      }, 120_000);
    }

    it('a lossy source (JPEG-LS near-lossless) keeps Lossy Image Compression 01, its ratio and method', async () => {
      const inputs = inputsOf('mr-decubitus-hfs', { name: 'jpeg-ls-near', cmd: 'dcmcjpls', args: ['+en'] });
      const result = await defaceSeries(inMemory(inputs), plan);
      expect(result.verdict.kind).toBe('defaced');
      const out = readAll([{ bytes: anonymizedBytes(result.outcomes[3]!) }])[0]!;
      expect(getString(out.dataset, 0x00282110)).toBe('01');
      expect(getString(out.dataset, 0x00282114)).toContain('ISO_14495_1');
      expect(Number(getString(out.dataset, 0x00282112)?.split('\\')[0])).toBeGreaterThan(1);
      judge('mr-jpeg-ls-near', inputs, result.outcomes);
    }, 120_000);

    it('plan.deface false: anonymized as usual, Pixel Data byte-identical', async () => {
      const inputs = inputsOf('mr-decubitus-hfs');
      const result = await defaceSeries(inMemory(inputs), { ...plan, deface: false });
      expect(result.verdict.kind).toBe('off');
      const i = 10;
      const input = readAll([inputs[i]!])[0]!;
      const out = readAll([{ bytes: anonymizedBytes(result.outcomes[i]!) }])[0]!;
      expect(Buffer.compare(out.dataset.get(0x7fe00010)!.value!, input.dataset.get(0x7fe00010)!.value!)).toBe(0);
      expect(out.dataset.has(0x00280302)).toBe(false);
    }, 60_000);
  },
);

/**
 * A synthetic abdomen CT on the real CT's headers: a body 320 × 220 mm, a spine, and a bony ring
 * (a pelvis) 100 mm high around 1.2 L of soft tissue, which the intracranial finder takes for a
 * brain. `hint` keeps the header's "HEAD"; otherwise it says abdomen.
 */
const torso = (hint: boolean): Part10[] => {
  const src = join(HEADS, 'ct-unc-cthead');
  const names = readdirSync(src)
    .filter((f) => f.endsWith('.dcm'))
    .sort();
  return names.map((name) => {
    const r = readDicom(new Uint8Array(readFileSync(join(src, name))));
    if (!r.ok) throw new Error(r.error.message);
    const { dataset: ds, meta, transferSyntax } = r.value;
    const z = Number((getString(ds, 0x00200032) ?? '').split('\\')[2]);
    const px = new Uint16Array(256 * 256);
    for (let j = 0; j < 256; j++)
      for (let i = 0; i < 256; i++) {
        const x = -255 + 2 * i;
        const y = -255 + 2 * j;
        const e = (a: number, b: number) => (x / a) ** 2 + (y / b) ** 2;
        let hu = -1000;
        if (e(160, 110) <= 1) hu = 40;
        if (Math.abs(z) <= 50 && e(78, 63) <= 1 && e(70, 55) > 1) hu = 1000;
        if (x ** 2 + (y - 75) ** 2 <= 15 ** 2) hu = 1000;
        px[i + 256 * j] = hu + 1024;
      }
    ds.set({ tag: 0x7fe00010, vr: 'OW', value: new Uint8Array(px.buffer) });
    ds.set(stringElement(0x00280030, '2\\2', 'DS'));
    ds.set(stringElement(0x00200032, `-255\\-255\\${z}`, 'DS'));
    if (!hint) {
      ds.set(stringElement(0x00180015, 'ABDOMEN', 'CS'));
      ds.set(stringElement(0x00081030, 'Abdomen phantom', 'LO'));
      ds.set(stringElement(0x0008103e, 'abdomen axial', 'LO'));
    }
    return { name, bytes: writePart10({ meta, dataset: ds, transferSyntax }) };
  });
};

describe.skipIf(!headsPresent)(
  headsPresent
    ? 'defaceSeries with the face check'
    : `the face check through defaceSeries: ${HEADS} is absent, skipped`,
  () => {
    it('the real MR: a face is detected before, none after; the verdict carries the sentence', async () => {
      const result = await defaceSeries(inMemory(inputsOf('mr-decubitus-hfs')), plan, {
        detector: () => nodeFaceDetector(),
      });
      expect(result.verdict.kind).toBe('defaced');
      if (result.verdict.kind !== 'defaced') return;
      const check = result.verdict.faceCheck!;
      expect(check.detectedBefore).toBeGreaterThan(0);
      expect(check.detectedAfter).toBe(0);
      expect(check.proves).toBe(true);
      expect(check.message).toMatch(/^Face check: a face was detected in [1-9]\d* of 18 views before, 0 of 18 after$/);
    });

    it('a detector that still sees a face after the cut withholds the whole series (fail closed)', async () => {
      const alwaysFace: FaceDetector = {
        name: 'ssdMobilenetv1',
        backend: 'test',
        detect: async () => [{ score: 0.99, box: { x: 0, y: 0, width: 10, height: 10 } }],
      };
      const inputs = inputsOf('mr-decubitus-hfs');
      const result = await defaceSeries(inMemory(inputs), plan, { detector: async () => alwaysFace });
      expect(result.verdict.kind).toBe('withheld');
      expect(result.verdict.message).toMatch(/a face may still be recognisable after defacing; the series is withheld/);
      expect(result.outcomes.every((o) => o.status === 'withheld')).toBe(true);
    });
  },
);

describe.skipIf(!headsPresent)(
  headsPresent ? 'defaceSeries on a volume that is not a head' : 'not a head: the real CT headers are absent, skipped',
  () => {
    it('an abdomen (bony ring around soft tissue) is not cut: anonymized as usual, Pixel Data byte-identical', async () => {
      const inputs = torso(false);
      const before = readAll(inputs).map((f) => f.dataset.get(0x7fe00010)!.value!.slice());
      const result = await defaceSeries(inMemory(inputs), plan);
      expect(result.verdict.kind).toBe('not-head');
      expect(result.verdict.message).toMatch(/not a head volume: the body is \d+ mm wide/);
      const outputs = readAll(result.outcomes.map((o) => ({ bytes: anonymizedBytes(o) })));
      outputs.forEach((o, i) => {
        expect(Buffer.compare(o.dataset.get(0x7fe00010)!.value!, before[i]!)).toBe(0);
        expect(o.dataset.has(0x00280302)).toBe(false);
      });
    }, 60_000);

    it('the same with "HEAD" in its header: every file withheld, saying why', async () => {
      const result = await defaceSeries(inMemory(torso(true)), plan);
      expect(result.verdict.kind).toBe('withheld');
      expect(result.verdict.message).toMatch(/header says this is a head \(Body Part Examined HEAD\)/);
      expect(result.outcomes.every((o) => o.status === 'withheld')).toBe(true);
    }, 60_000);

    it('a head-hinted series that is not one volume (10 slices) is withheld', async () => {
      const inputs = inputsOf('ct-unc-cthead').slice(40, 50);
      const result = await defaceSeries(inMemory(inputs), plan);
      expect(result.verdict.kind).toBe('withheld');
      expect(result.verdict.message).toMatch(/not one volume/);
      result.outcomes.forEach((o, i) => {
        expect(o.status).toBe('withheld');
        if (o.status === 'withheld') expect(o.reason.startsWith(`${inputs[i]!.name}: the header says`)).toBe(true);
      });
    }, 60_000);
  },
);
