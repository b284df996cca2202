/**
 * JPEG Lossless (Process 14) decoding, sample for sample against DCMTK's dcmdjpeg (IJG's lossless
 * decoder) and against the source where the coding is lossless (point transform 0).
 *
 * The cases that broke jpeg-lossless-decoder-js come first: a frame whose last Huffman code ends
 * exactly on the byte before EOI lost its last sample (0 instead of 25 in 3 of 103 frames of the
 * derived ct-tilt-jpeg-lossless case), and a point transform was ignored altogether.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PYDICOM_DIR, pydicomFiles } from '../../../test/corpus.ts';
import { HEADS } from '../../../test/heads.ts';
import type { DicomFile } from '../../dicom/read.ts';
import {
  dcmtk,
  decodeAll,
  encapsulate,
  encapsulatedFile,
  type ImageSpec,
  nativeFile,
  nativeFrames,
  readFile,
  tempDir,
  toPart10,
} from '../references.test-helper.ts';
import type { DecodedFrame } from './DecodedFrame.ts';
import { decodeProcess14 } from './process14.ts';
import { encodeProcess14, type Process14Source } from './process14Encoder.test-helper.ts';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SV1 = '1.2.840.10008.1.2.4.70';
const PROCESS14 = '1.2.840.10008.1.2.4.57';

let serial = 0;
const tempPath = (what: string) => join(dir, `${what}-${serial++}.dcm`);

/** DCMTK's decoding of a file on disk, every frame, read back native. */
const dcmdjpeg = (path: string): DecodedFrame[] => nativeFrames(dcmtk('dcmdjpeg', ['+te'], path, dir));

/** The index and values of the first sample where two frames differ, or undefined. */
const firstDifference = (a: DecodedFrame, b: DecodedFrame) => {
  if (a.pixels.length !== b.pixels.length) return { at: -1, ours: a.pixels.length, reference: b.pixels.length };
  for (let i = 0; i < a.pixels.length; i++)
    if (a.pixels[i] !== b.pixels[i]) return { at: i, ours: a.pixels[i], reference: b.pixels[i] };
  return undefined;
};

/** Every frame identical, sample for sample (the first difference is named when not). */
const expectSame = (ours: DecodedFrame[], reference: DecodedFrame[], what: string) => {
  expect(ours.length, what).toBe(reference.length);
  for (const [i, f] of ours.entries()) {
    const r = reference[i]!;
    expect([f.rows, f.columns, f.samplesPerPixel, f.signed], what).toEqual([
      r.rows,
      r.columns,
      r.samplesPerPixel,
      r.signed,
    ]);
    expect(firstDifference(f, r), `${what}, frame ${i + 1}`).toBeUndefined();
  }
};

/** A native multi-frame file of the given frames (written to disk), and its frames read back. */
const nativeSource = (spec: ImageSpec, frames: ArrayLike<number>[]): { path: string; frames: DecodedFrame[] } => {
  const per = spec.rows * spec.columns * (spec.samplesPerPixel ?? 1);
  const T = spec.bitsAllocated === 8 ? Uint8Array : spec.signed ? Int16Array : Uint16Array;
  const all = new T(per * frames.length);
  for (const [i, f] of frames.entries()) all.set(Array.from(f), i * per);
  const path = tempPath('source');
  writeFileSync(path, nativeFile({ ...spec, frames: frames.length }, new Uint8Array(all.buffer)));
  return { path, frames: nativeFrames(readFile(path)) };
};

/** Compresses with dcmcjpeg and checks our decoding against dcmdjpeg's (and the source's, if lossless). */
const checkDcmcjpeg = async (
  source: { path: string; frames: DecodedFrame[] },
  options: string[],
  lossless: boolean,
) => {
  const path = tempPath(`dcmcjpeg${options.join('')}`);
  execFileSync('dcmcjpeg', [...options, source.path, path]);
  const file = readFile(path);
  expect([SV1, PROCESS14]).toContain(file.transferSyntax.uid);
  const ours = await decodeAll(file);
  expectSame(ours, dcmdjpeg(path), `dcmcjpeg ${options.join(' ')}, DCMTK`);
  if (lossless) expectSame(ours, source.frames, `dcmcjpeg ${options.join(' ')}, source`);
};

/** A stream of ours, in a DICOM file on disk (one frame each), decoded by us and by DCMTK. */
const checkStreams = async (sources: Process14Source[], opts: { signed?: boolean } = {}) => {
  const s0 = sources[0]!;
  const spec: ImageSpec = {
    rows: s0.rows,
    columns: s0.columns,
    samplesPerPixel: s0.components,
    bitsAllocated: s0.precision > 8 ? 16 : 8,
    bitsStored: s0.precision,
    signed: opts.signed ?? false,
    frames: sources.length,
  };
  const value = encapsulate(
    sources.map((s) => [encodeProcess14(s)]),
    true,
  );
  const file: DicomFile = encapsulatedFile(spec, PROCESS14, value);
  const path = tempPath('ours');
  writeFileSync(path, toPart10(file));
  const ours = await decodeAll(readFile(path));
  expectSame(ours, dcmdjpeg(path), 'DCMTK');
  // Lossless: the samples themselves (with the point transform, their high bits).
  for (const [i, s] of sources.entries()) {
    const pt = s.pointTransform ?? 0;
    const want = Array.from(s.samples, (v) => (v >> pt) << pt);
    const got = Array.from(ours[i]!.pixels, (v) => v & ((1 << s0.precision) - 1));
    expect(got, `frame ${i + 1}, source`).toEqual(want);
  }
};

/** A seeded generator (the sweep is the same on every run). */
const random = (seed: number) => () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 2 ** 32;
};

/** Random frames: a smooth ramp plus noise of the given amplitude, wrapped to the precision. */
const randomFrames = (
  next: () => number,
  n: number,
  size: { rows: number; columns: number; components?: number },
  precision: number,
  noise: number,
): number[][] =>
  Array.from({ length: n }, () => {
    const base = Math.floor(next() * 2 ** precision);
    const slope = Math.floor(next() * 7) - 3;
    const nc = size.components ?? 1;
    return Array.from(
      { length: size.rows * size.columns * nc },
      (_, i) => (base + slope * Math.floor(i / nc) + Math.floor(next() * noise)) & (2 ** precision - 1),
    );
  });

describe('the last sample of a scan', () => {
  it('a 4×2 8-bit frame whose last code (difference 0) ends exactly at EOI, as dcmcjpeg +el +sv 3 writes it', async () => {
    // jpeg-lossless-decoder-js gave 0 for the last sample: the scan is c7 08 06, then FF D9.
    const source = nativeSource({ rows: 4, columns: 2, bitsAllocated: 8 }, [[29, 28, 29, 28, 28, 28, 29, 28]]);
    await checkDcmcjpeg(source, ['+el', '+sv', '3'], true);
  });

  it('hand-made: four 2-bit codes filling one byte before EOI; a stuffed 0xFF as the last byte; fill bytes before EOI', async () => {
    const flat: Process14Source = {
      rows: 1,
      columns: 4,
      components: 1,
      precision: 8,
      samples: [128, 128, 128, 128],
      predictor: 1,
    };
    expect(Array.from(encodeProcess14(flat).subarray(-3))).toEqual([0x00, 0xff, 0xd9]);
    await checkStreams([flat]);
    // 0110 11 | 0111111110 11111111: the last sample's extra bits are the 0xFF that is stuffed.
    const stuffed: Process14Source = { ...flat, columns: 2, precision: 16, samples: [32771, 33026] };
    expect(Array.from(encodeProcess14(stuffed).subarray(-4))).toEqual([0xff, 0x00, 0xff, 0xd9]);
    await checkStreams([stuffed]);
    await checkStreams([{ ...flat, fillBytes: 3 }]);
  });

  it('every sample of 8- and 16-bit frames from 1×1 to 7×7, selection values 1–7, point transforms 0 and 2', async () => {
    const next = random(14);
    for (const [bits, signed] of [
      [8, false],
      [16, false],
      [16, true],
    ] as const)
      for (const [rows, columns] of [
        [1, 1],
        [1, 7],
        [6, 1],
        [5, 6],
        [7, 7],
      ] as const) {
        const frames = randomFrames(next, 16, { rows, columns }, bits, next() < 0.5 ? 4 : 300);
        const source = nativeSource({ rows, columns, bitsAllocated: bits, signed }, frames);
        for (const sv of [1, 2, 3, 4, 5, 6, 7]) await checkDcmcjpeg(source, ['+el', '+sv', String(sv)], true);
        await checkDcmcjpeg(source, ['+el', '+sv', '7', '+pt', '2'], false);
        await checkDcmcjpeg(source, ['+e1', '+pt', '2'], false);
      }
  }, 120_000);
});

describe('streams DCMTK does not write, checked against its decoder', () => {
  const next = random(70);

  it('restart intervals of 1, 2 and 3 lines, every predictor', async () => {
    for (const restartLines of [1, 2, 3])
      await checkStreams(
        [1, 2, 3, 4, 5, 6, 7].map((predictor, i) => ({
          rows: 7,
          columns: 5,
          components: 1,
          precision: 12,
          samples: randomFrames(next, 1, { rows: 7, columns: 5 }, 12, 40 * i + 2)[0]!,
          predictor,
          restartLines,
        })),
      );
  });

  it('8- and 16-bit colour, interleaved and one scan per component, with a point transform and restarts', async () => {
    for (const precision of [8, 16])
      await checkStreams(
        [false, true].flatMap((scanPerComponent) =>
          [1, 6].map((predictor) => ({
            rows: 6,
            columns: 5,
            components: 3,
            precision,
            samples: randomFrames(next, 1, { rows: 6, columns: 5, components: 3 }, precision, 500)[0]!,
            predictor,
            pointTransform: predictor === 6 ? 1 : 0,
            restartLines: scanPerComponent ? 2 : 0,
            scanPerComponent,
          })),
        ),
      );
  });

  it('codes of up to 16 bits and the difference 32768 (category 16, no extra bits)', async () => {
    const samples = [0, 32768, 0, 65535, 1, 32769, 40000, 7];
    await checkStreams([{ rows: 2, columns: 4, components: 1, precision: 16, samples, predictor: 1 }]);
    await checkStreams([{ rows: 2, columns: 4, components: 1, precision: 16, samples, predictor: 7 }]);
  });
});

describe('streams refused, with a reason', () => {
  const flat: Process14Source = {
    rows: 2,
    columns: 4,
    components: 1,
    precision: 8,
    samples: Array(8).fill(7),
    predictor: 1,
  };

  it('a scan cut short, a damaged code, a stream without SOF3', () => {
    const full = encodeProcess14({ ...flat, samples: [1, 200, 3, 180, 5, 160, 7, 140] });
    const cut = Uint8Array.of(...full.subarray(0, full.length - 4), 0xff, 0xd9);
    expect(decodeProcess14(cut)).toEqual({
      ok: false,
      error: { kind: 'malformed', message: 'the scan ends before its last sample' },
    });
    const noSof = Uint8Array.from(full);
    noSof[full.indexOf(0xc3, 2)] = 0xc7; // SOF7: differential, only in hierarchical streams
    const r = decodeProcess14(noSof);
    expect(!r.ok && r.error.kind).toBe('unsupported');
    expect(!r.ok && r.error.message).toMatch(/SOF7/);
    // The scan's data replaced by 1-bits (stuffed 0xFF bytes): no code of the table starts so.
    const sos = full.indexOf(0xda, 2) - 1;
    const scan = sos + 2 + ((full[sos + 2]! << 8) | full[sos + 3]!);
    const damaged = Uint8Array.of(...full.subarray(0, scan), 0xff, 0, 0xff, 0, 0xff, 0, 0xff, 0xd9);
    expect(decodeProcess14(damaged)).toEqual({
      ok: false,
      error: { kind: 'malformed', message: 'the scan holds a bit pattern that is no code of its Huffman table' },
    });
  });

  it('but a missing EOI after a complete scan is no loss (libjpeg supplies one too)', () => {
    const full = encodeProcess14({ ...flat, samples: [1, 200, 3, 180, 5, 160, 7, 140] });
    const r = decodeProcess14(full.subarray(0, full.length - 2));
    expect(r.ok && Array.from(r.value.samples)).toEqual([1, 200, 3, 180, 5, 160, 7, 140]);
  });

  it('a restart interval that is not whole lines', () => {
    const s = encodeProcess14({ ...flat, restartLines: 1 });
    const dri = s.indexOf(0xdd, 2);
    s[dri + 4] = 3; // 3 samples instead of a 4-sample line
    const r = decodeProcess14(s);
    expect(!r.ok && r.error).toEqual({
      kind: 'unsupported',
      message: 'a restart interval of 3 samples is not a whole number of 4-sample lines',
    });
  });
});

describe('real files', () => {
  it('pydicom’s JPEG Lossless files, as dcmdjpeg decodes them', async () => {
    const files = pydicomFiles()
      .map((p) => {
        try {
          return { p, f: readFile(p) };
        } catch {
          return undefined;
        }
      })
      .filter((x) => x && [SV1, PROCESS14].includes(x.f.transferSyntax.uid) && x.f.dataset.has(0x7fe00010));
    expect(files.length, `JPEG Lossless files with pixels under ${PYDICOM_DIR}`).toBeGreaterThan(0);
    for (const x of files) expectSame(await decodeAll(x!.f), dcmdjpeg(x!.p), basename(x!.p));
  });

  const ct = join(HEADS, 'ct-unc-cthead');
  it.skipIf(!existsSync(ct))(
    `every slice of the real CT head compressed by dcmcjpeg +el, as dcmdjpeg decodes it and as the source is${existsSync(ct) ? '' : ` (skipped: no ${ct})`}`,
    async () => {
      const slices = readdirSync(ct).filter((f) => f.endsWith('.dcm'));
      expect(slices.length).toBeGreaterThan(100);
      for (const name of slices) {
        const src = join(ct, name);
        await checkDcmcjpeg({ path: src, frames: nativeFrames(readFile(src)) }, ['+el'], true);
      }
    },
    300_000,
  );
});
