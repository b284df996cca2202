/**
 * decodeFrame against independent references. Every compressed file in pydicom's test set, the
 * JPEG Lossless files that ship with jpeg-lossless-decoder-js, and files generated here with
 * DCMTK's encoders (multi-frame, with and without offset tables, fragmented frames) decode to
 * the pixels DCMTK's own decoders give (read back native with frames.ts) or, for JPEG 2000,
 * pydicom 2.3 with Pillow (OpenJPEG 2.5). HTJ2K has no file in pydicom's set and no DCMTK codec:
 * files are generated with the OpenJPH encoder in @cornerstonejs/codec-openjph and checked
 * against their source and against Pillow's OpenJPEG, which decodes HTJ2K too.
 *
 * Lossy syntaxes are compared with a tolerance of ±2 (decoders may round the inverse DCT, the
 * colour transform or the wavelet differently); lossless ones must match exactly.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import factory from '@cornerstonejs/codec-openjph/wasmjs';
import { deflateSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { PYDICOM_DIR, pydicomFiles } from '../../../test/corpus.ts';
import type { DicomFile } from '../../dicom/read.ts';
import { encapsulatedFrames, imagePixelOf } from '../frames.ts';
import {
  dcmtk,
  decodeAll,
  encapsulate,
  encapsulatedFile,
  joined,
  maxDiff,
  nativeFile,
  nativeFrames,
  pydicomPixels,
  readBytes,
  readFile,
  tempDir,
  toPart10,
} from '../references.test-helper.ts';
import type { DecodedFrame } from './DecodedFrame.ts';
import { decodeFrame } from './index.ts';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LOSSY = new Set([
  '1.2.840.10008.1.2.4.50',
  '1.2.840.10008.1.2.4.51',
  '1.2.840.10008.1.2.4.81',
  '1.2.840.10008.1.2.4.91',
  '1.2.840.10008.1.2.4.203',
]);
const tolerance = (f: DicomFile) => (LOSSY.has(f.transferSyntax.uid) ? 2 : 0);

/** DCMTK's decoder for each syntax it has (this Debian build has no JPEG 2000). */
const DCMTK_DECODER: Record<string, string> = {
  '1.2.840.10008.1.2.4.50': 'dcmdjpeg',
  '1.2.840.10008.1.2.4.51': 'dcmdjpeg',
  '1.2.840.10008.1.2.4.57': 'dcmdjpeg',
  '1.2.840.10008.1.2.4.70': 'dcmdjpeg',
  '1.2.840.10008.1.2.4.80': 'dcmdjpls',
  '1.2.840.10008.1.2.4.81': 'dcmdjpls',
  '1.2.840.10008.1.2.5': 'dcmdrle',
};

/** Decodes with DCMTK to Explicit VR Little Endian and reads the native frames back. */
const dcmtkFrames = (path: string, file: DicomFile, options: string[] = []): DecodedFrame[] => {
  const tool = DCMTK_DECODER[file.transferSyntax.uid];
  if (!tool) throw new Error(`no DCMTK decoder for ${file.transferSyntax.uid}`);
  return nativeFrames(dcmtk(tool, [...options, '+te'], path, dir));
};

const expectClose = (ours: DecodedFrame[], ref: DecodedFrame[], tol: number, what: string) => {
  expect(ours.length, what).toBe(ref.length);
  for (const [i, f] of ours.entries()) {
    const r = ref[i]!;
    expect([f.rows, f.columns, f.samplesPerPixel], what).toEqual([r.rows, r.columns, r.samplesPerPixel]);
    expect(maxDiff(f.pixels, r.pixels), `${what}, frame ${i + 1}`).toBeLessThanOrEqual(tol);
  }
};

// ------------------------------------------------------------------ pydicom's test files

const T = join(PYDICOM_DIR, 'test_files');

/** How each compressed file in pydicom's set is checked; a new file without an entry fails. */
const PYDICOM_CASES: Record<
  string,
  'dcmtk' | 'pydicom' | 'content' | { dcmtk: string[]; why: string } | { refuse: RegExp }
> = {
  'MR_small_RLE.dcm': 'dcmtk',
  'SC_rgb_rle.dcm': 'dcmtk',
  'SC_rgb_rle_2frame.dcm': 'dcmtk',
  'SC_rgb_rle_16bit.dcm': 'dcmtk',
  'SC_rgb_rle_16bit_2frame.dcm': 'dcmtk',
  'SC_rgb_rle_32bit.dcm': 'dcmtk',
  'SC_rgb_rle_32bit_2frame.dcm': 'dcmtk',
  'rtdose_rle.dcm': 'dcmtk',
  'rtdose_rle_1frame.dcm': 'dcmtk',
  'MR_small_jpeg_ls_lossless.dcm': 'dcmtk',
  'SC_rgb_jpeg_gdcm.dcm': 'dcmtk', // JPEG Lossless SV1, colour
  'SC_jpeg_no_color_transform.dcm': 'dcmtk',
  'SC_jpeg_no_color_transform_2.dcm': 'dcmtk',
  'SC_rgb_dcmtk_+eb+cr.dcm': 'dcmtk',
  'SC_rgb_dcmtk_+eb+cy+n1.dcm': 'dcmtk',
  'SC_rgb_dcmtk_+eb+cy+n2.dcm': 'dcmtk',
  'SC_rgb_dcmtk_+eb+cy+np.dcm': 'dcmtk',
  'SC_rgb_dcmtk_+eb+cy+s2.dcm': 'dcmtk',
  'SC_rgb_dcmtk_+eb+cy+s4.dcm': 'dcmtk',
  'SC_rgb_jpeg_app14_dcmd.dcm': 'dcmtk',
  'SC_rgb_jpeg_dcmtk.dcm': 'dcmtk',
  'SC_rgb_small_odd_jpeg.dcm': 'dcmtk',
  'SC_rgb_jpeg_lossy_gdcm.dcm': {
    dcmtk: ['+cl'],
    why:
      'labelled RGB but YCbCr with 4:2:0 chroma and no marker: DCMTK by default (and pydicom) skip the colour ' +
      'transform and give wrong colours; libjpeg’s own guess (+cl) is the reference Veil matches',
  },
  'JPEG-lossy.dcm': { refuse: /12-bit JPEG .* cannot be decoded/ },
  'JPGExtended.dcm': { refuse: /12-bit JPEG .* cannot be decoded/ },
  'JPEG2000-embedded-sequence-delimiter.dcm': { refuse: /OpenJPEG could not decode/ }, // its SIZ marker is overwritten
  'MR_small_jp2klossless.dcm': 'pydicom',
  'JPEG2000.dcm': 'pydicom',
  '693_J2KI.dcm': 'pydicom',
  'J2K_pixelrep_mismatch.dcm': 'pydicom',
  'SC_rgb_gdcm_KY.dcm': 'pydicom',
  'GDCMJ2K_TextGBR.dcm': 'content', // checked by what it shows, below
};

describe('every compressed file in pydicom’s test set', () => {
  const compressed = pydicomFiles()
    .filter((p) => p.startsWith(T))
    .map((p) => {
      try {
        return { p, f: readFile(p) };
      } catch {
        return undefined;
      }
    })
    .filter((x): x is { p: string; f: DicomFile } => !!x?.f.transferSyntax.encapsulated && x.f.dataset.has(0x7fe00010));

  it('has them all covered', () => {
    expect(compressed.length).toBeGreaterThan(25);
    for (const { p } of compressed) expect(PYDICOM_CASES, basename(p)).toHaveProperty([basename(p)]);
  });

  for (const { p, f } of compressed) {
    const name = basename(p);
    const how = PYDICOM_CASES[name];
    if (!how || how === 'content') continue;
    it(`${name}: ${typeof how === 'string' ? `as ${how} decodes it` : 'refuse' in how ? 'refused with a reason' : `as DCMTK ${how.dcmtk.join(' ')} decodes it`}`, async () => {
      if (typeof how === 'object' && 'refuse' in how) {
        const r = await decodeFrame(f, 0);
        expect(r.ok).toBe(false);
        expect(!r.ok && r.error.message).toMatch(/^frame 1 of 1, JPEG/);
        expect(!r.ok && r.error.message).toMatch(how.refuse);
        return;
      }
      const ours = await decodeAll(f);
      if (how === 'pydicom') {
        expect(maxDiff(joined(ours), pydicomPixels(p, dir).values)).toBeLessThanOrEqual(tolerance(f));
      } else {
        expectClose(ours, dcmtkFrames(p, f, how === 'dcmtk' ? [] : how.dcmtk), tolerance(f), name);
      }
    });
  }

  it('the 12-bit JPEG files are refused although DCMTK decodes them: Veil has no 12-bit decoder', () => {
    const ref = dcmtkFrames(join(T, 'JPEG-lossy.dcm'), readFile(join(T, 'JPEG-lossy.dcm')));
    expect(ref[0]!.pixels.length).toBe(1024 * 256);
  });

  it('GDCMJ2K_TextGBR.dcm (JPEG 2000 with a JP2 header, YBR_RCT): the words red, green and blue in their colours', async () => {
    // No independent decoder here reads it (Pillow's OpenJPEG reports a broken stream), so the
    // content is checked: grey ground, and each word's pixels lean to its own channel.
    const [f] = await decodeAll(readFile(join(T, 'GDCMJ2K_TextGBR.dcm')));
    expect(f!.photometric).toBe('RGB');
    const px = f!.pixels;
    const at = (x: number, y: number) => Array.from(px.subarray((y * 400 + x) * 3, (y * 400 + x) * 3 + 3));
    expect(at(5, 5)).toEqual([128, 128, 128]);
    for (const [band, channel] of [
      [[40, 110], 0],
      [[140, 210], 1],
      [[240, 310], 2],
    ] as const) {
      let text = 0;
      for (let y = band[0]; y < band[1]; y++)
        for (let x = 0; x < 400; x++) {
          const c = at(x, y);
          if (c.every((v) => v === 128)) continue;
          text++;
          expect(c[channel]).toBe(Math.max(...c));
        }
      expect(text).toBeGreaterThan(1000);
    }
  });
});

// ------------------------------------------------------------------ jpeg-lossless-decoder-js's own test files

describe('JPEG Lossless files shipped with jpeg-lossless-decoder-js (selection values 1–7, 8-bit multi-frame, RGB)', () => {
  const d = join(import.meta.dirname, '../../../node_modules/jpeg-lossless-decoder-js/tests/data');
  for (const name of readdirSync(d).filter((n) => n.endsWith('.dcm'))) {
    it(`${name} as DCMTK decodes it`, async () => {
      const f = readFile(join(d, name));
      expectClose(await decodeAll(f), dcmtkFrames(join(d, name), f), 0, name);
    });
  }
});

// ------------------------------------------------------------------ generated with DCMTK's encoders

/**
 * Three 64×64 16-bit frames from MR_small: as is, upside down, and shifted by 1500 (below zero
 * when signed, which exercises the sign through every codec).
 */
const greySource = (signed: boolean): { path: string; frames: DecodedFrame[] } => {
  const mr = nativeFrames(readFile(join(T, 'MR_small.dcm')))[0]!.pixels;
  const out = signed ? new Int16Array(64 * 64 * 3) : new Uint16Array(64 * 64 * 3);
  for (let i = 0; i < 4096; i++) {
    out[i] = mr[i]!;
    out[4096 + i] = mr[(63 - Math.floor(i / 64)) * 64 + (i % 64)]!;
    out[8192 + i] = mr[i]! + (signed ? -1500 : 1500);
  }
  const path = join(dir, `grey-source-${signed ? 'signed' : 'unsigned'}.dcm`);
  const spec = { rows: 64, columns: 64, bitsAllocated: 16, signed, frames: 3 };
  writeFileSync(path, nativeFile(spec, new Uint8Array(out.buffer)));
  return { path, frames: nativeFrames(readFile(path)) };
};

/** The two 100×100 RGB frames of SC_rgb_rle_2frame, native. */
const colourSource = (): { path: string; frames: DecodedFrame[] } => {
  const path = join(dir, 'colour-source.dcm');
  execFileSync('dcmdrle', ['+te', join(T, 'SC_rgb_rle_2frame.dcm'), path]);
  return { path, frames: nativeFrames(readFile(path)) };
};

describe('files generated with DCMTK: multi-frame, offset tables, fragments, every JPEG family', () => {
  const grey = greySource(true);
  const unsigned = greySource(false);
  const colour = colourSource();
  const sources = { grey, unsigned, colour };
  const encode = (tool: string, options: string[], source: string): { path: string; file: DicomFile } => {
    const path = join(dir, `${tool}${options.join('')}-${basename(source)}`);
    execFileSync(tool, [...options, source, path]);
    return { path, file: readFile(path) };
  };

  type Kind = keyof typeof sources;
  const lossless: [string, string[], Kind, string][] = [
    ['dcmcjpls', ['+el'], 'grey', '1.2.840.10008.1.2.4.80'],
    ['dcmcjpls', ['+el', '-ot', '+fs', '1'], 'grey', '1.2.840.10008.1.2.4.80'], // empty table, 1 KB fragments
    ['dcmcjpls', ['+el', '+ot', '+fs', '1'], 'grey', '1.2.840.10008.1.2.4.80'], // table, 1 KB fragments
    ['dcmcjpls', ['+el', '+in'], 'colour', '1.2.840.10008.1.2.4.80'], // interleave none: planes
    ['dcmcjpls', ['+el', '+il'], 'colour', '1.2.840.10008.1.2.4.80'],
    ['dcmcjpls', ['+el', '+is'], 'colour', '1.2.840.10008.1.2.4.80'],
    ['dcmcjpeg', ['+e1'], 'grey', '1.2.840.10008.1.2.4.70'],
    ['dcmcjpeg', ['+e1', '-ot', '+fs', '1'], 'grey', '1.2.840.10008.1.2.4.70'],
    ...[1, 2, 3, 4, 5, 6, 7].map((sv): [string, string[], Kind, string] => [
      'dcmcjpeg',
      ['+el', '+sv', String(sv)],
      'grey',
      '1.2.840.10008.1.2.4.57',
    ]),
    ['dcmcjpeg', ['+el'], 'colour', '1.2.840.10008.1.2.4.57'],
    ['dcmcrle', [], 'grey', '1.2.840.10008.1.2.5'],
    ['dcmcrle', [], 'colour', '1.2.840.10008.1.2.5'],
  ];
  for (const [tool, options, kind, uid] of lossless) {
    it(`${tool} ${options.join(' ')} (${kind}): exactly the source, and as DCMTK decodes it`, async () => {
      const src = sources[kind];
      const { path, file } = encode(tool, options, src.path);
      expect(file.transferSyntax.uid).toBe(uid);
      const ours = await decodeAll(file);
      expectClose(ours, src.frames, 0, 'source');
      expectClose(ours, dcmtkFrames(path, file), 0, 'DCMTK');
    });
  }

  const lossy: [string, string[], Kind, string][] = [
    ['dcmcjpls', ['+en', '+md', '3'], 'unsigned', '1.2.840.10008.1.2.4.81'], // DCMTK: near-lossless is unsigned only
    ['dcmcjpls', ['+en', '+md', '2'], 'colour', '1.2.840.10008.1.2.4.81'],
    ['dcmcjpeg', ['+eb'], 'grey', '1.2.840.10008.1.2.4.50'],
    ['dcmcjpeg', ['+eb', '-ot', '+fs', '1'], 'colour', '1.2.840.10008.1.2.4.50'],
    ['dcmcjpeg', ['+eb', '+s4'], 'colour', '1.2.840.10008.1.2.4.50'],
    ['dcmcjpeg', ['+eb', '+cr'], 'colour', '1.2.840.10008.1.2.4.50'],
    ['dcmcjpeg', ['+ee', '+be'], 'grey', '1.2.840.10008.1.2.4.51'], // 8-bit extended
  ];
  for (const [tool, options, kind, uid] of lossy) {
    it(`${tool} ${options.join(' ')} (${kind}): within ±2 of DCMTK`, async () => {
      const src = sources[kind];
      const { path, file } = encode(tool, options, src.path);
      expect(file.transferSyntax.uid).toBe(uid);
      expectClose(await decodeAll(file), dcmtkFrames(path, file), 2, 'DCMTK');
    });
  }

  it('JPEG-LS near-lossless stays within NEAR of the source', async () => {
    const { file } = encode('dcmcjpls', ['+en', '+md', '3'], unsigned.path);
    expectClose(await decodeAll(file), unsigned.frames, 3, 'source');
  });

  it('12-bit JPEG Extended (dcmcjpeg +ee) is refused, naming the frame, the syntax and why', async () => {
    const { file } = encode('dcmcjpeg', ['+ee'], grey.path);
    const r = await decodeFrame(file, 1);
    expect(!r.ok && r.error.kind).toBe('unsupported');
    expect(!r.ok && r.error.message).toBe(
      'frame 2 of 3, JPEG Extended (Process 2 & 4) (1.2.840.10008.1.2.4.51): 12-bit JPEG (Extended, Process 4) ' +
        'cannot be decoded: the libjpeg-turbo build Veil uses decodes 8-bit JPEG only, and no maintained 12-bit ' +
        'WebAssembly decoder is available',
    );
  });

  it('a damaged frame gets a reason naming it; the other frames still decode', async () => {
    const { file } = encode('dcmcjpls', ['+el'], grey.path);
    const px = imagePixelOf(file);
    const frames = px.ok ? encapsulatedFrames(file, px.value) : undefined;
    if (!frames?.ok) throw new Error('no frames');
    frames.value[1]![0]!.fill(0, 2, 40); // frame 2: SOI, then zeros where its headers were
    const r = await decodeFrame(file, 1);
    expect(!r.ok && r.error.message).toMatch(
      /^frame 2 of 3, JPEG-LS Lossless \(1\.2\.840\.10008\.1\.2\.4\.80\): CharLS could not decode the JPEG-LS stream/,
    );
    expect((await decodeFrame(file, 0)).ok).toBe(true);
  });
});

// ------------------------------------------------------------------ HTJ2K, generated with OpenJPH

/** Encodes one frame with the OpenJPH encoder in @cornerstonejs/codec-openjph. */
const encodeHtj2k = async (
  f: DecodedFrame,
  o: { colourTransform?: boolean; order?: number; lossless?: boolean },
): Promise<Uint8Array> => {
  const M = await factory();
  const e = new M.HTJ2KEncoder();
  const info = {
    width: f.columns,
    height: f.rows,
    bitsPerSample: f.bitsAllocated,
    componentCount: f.samplesPerPixel,
    isSigned: f.signed,
    isUsingColorTransform: o.colourTransform ?? false,
  };
  let bytes = new Uint8Array(f.pixels.buffer, f.pixels.byteOffset, f.pixels.byteLength);
  // The encoder has the mirror of the decoder's quirk (see htj2k.ts `unscramble`): for colour without
  // the transform it feeds lines in the wrong order. Arranging its input undoes that, so the
  // codestream is a correct one, which Pillow's independent decode confirms below.
  if (f.samplesPerPixel > 1 && !o.colourTransform) bytes = arrange(bytes, f.columns, f.rows, f.samplesPerPixel);
  e.getDecodedBuffer(info).set(bytes);
  e.setQuality(o.lossless ?? true, 0.005);
  e.setProgressionOrder(o.order ?? 2);
  e.setTLMMarker(o.order === 2);
  e.encode();
  const out = e.getEncodedBuffer().slice();
  e.delete();
  return out;
};

const arrange = (src: Uint8Array, w: number, h: number, c: number): Uint8Array => {
  const out = new Uint8Array(src.length);
  for (let k = 0; k < h * c; k++) {
    const row = Math.floor(k / c);
    const comp = Math.floor(k / h);
    const line = k % h;
    for (let x = 0; x < w; x++) out[row * w * c + x * c + (k % c)] = src[line * w * c + x * c + comp]!;
  }
  return out;
};

/** Pillow's decode of a codestream (OpenJPEG 2.5 reads HTJ2K), signed samples recentred as Pillow shifts them. */
const pillowDecode = (codestream: Uint8Array, signed: boolean): number[] => {
  const path = join(dir, `htj2k-${Math.random().toString(36).slice(2)}.j2c`);
  writeFileSync(path, codestream);
  const script = [
    'import sys, json, numpy as np',
    'from PIL import Image',
    'a = np.asarray(Image.open(sys.argv[1])).astype(np.int64)',
    'if sys.argv[2] == "1": a = a - 32768',
    'print(json.dumps(a.ravel().tolist()))',
  ].join('\n');
  return JSON.parse(
    execFileSync('/usr/bin/python3', ['-c', script, path, signed ? '1' : '0'], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    }),
  ) as number[];
};

describe('HTJ2K (generated: pydicom’s set has none)', () => {
  const mr = nativeFrames(readFile(join(T, 'MR_small.dcm')))[0]!; // 16-bit signed
  const grey8 = nativeFrames(readFile(join(T, 'image_dfl.dcm')))[0]!; // 8-bit
  const rgb = nativeFrames(readFile(join(T, 'SC_rgb_small_odd.dcm')))[0]!; // 3×3 RGB
  const rgbBig = nativeFrames(readFile(join(T, 'ExplVR_BigEnd.dcm')))[0]!; // 80×60 RGB

  const cases: [string, DecodedFrame, string, { colourTransform?: boolean; order?: number; lossless?: boolean }][] = [
    ['16-bit signed, Lossless', mr, '1.2.840.10008.1.2.4.201', { order: 0 }],
    ['16-bit signed, Lossless RPCL with TLM', mr, '1.2.840.10008.1.2.4.202', { order: 2 }],
    ['8-bit grey, Lossless RPCL', grey8, '1.2.840.10008.1.2.4.202', { order: 2 }],
    ['RGB with the colour transform', rgbBig, '1.2.840.10008.1.2.4.201', { colourTransform: true }],
    ['RGB without the colour transform', rgbBig, '1.2.840.10008.1.2.4.201', { colourTransform: false }],
    ['3×3 RGB without the colour transform', rgb, '1.2.840.10008.1.2.4.201', { colourTransform: false }],
  ];
  for (const [what, src, uid, o] of cases) {
    it(`${what}: exactly the source, and as Pillow's OpenJPEG decodes it`, async () => {
      const cs = await encodeHtj2k(src, o);
      const spec = {
        rows: src.rows,
        columns: src.columns,
        samplesPerPixel: src.samplesPerPixel,
        bitsAllocated: src.bitsAllocated,
        signed: src.signed,
      };
      const file = encapsulatedFile(spec, uid, encapsulate([[cs]], false));
      const [ours] = await decodeAll(readBytes(toPart10(file)));
      expect(Array.from(ours!.pixels)).toEqual(Array.from(src.pixels));
      expect(maxDiff(ours!.pixels, pillowDecode(cs, src.signed))).toBe(0);
    });
  }

  it('HTJ2K lossy: within ±2 of Pillow', async () => {
    const cs = await encodeHtj2k(grey8, { lossless: false });
    const file = encapsulatedFile(
      { rows: 512, columns: 512, bitsAllocated: 8 },
      '1.2.840.10008.1.2.4.203',
      encapsulate([[cs]], false),
    );
    const [ours] = await decodeAll(file);
    expect(maxDiff(ours!.pixels, pillowDecode(cs, false))).toBeLessThanOrEqual(2);
  });

  it('multi-frame, with a Basic Offset Table and without one (frames cut into two fragments)', async () => {
    const frames = [mr, { ...mr, pixels: mr.pixels.map((v) => 2200 - v) }] as DecodedFrame[];
    const streams = await Promise.all(frames.map((f) => encodeHtj2k(f, { order: 2 })));
    const spec = { rows: 64, columns: 64, bitsAllocated: 16, signed: true, frames: 2 };
    for (const withTable of [true, false]) {
      const cut = streams.map((s) => [s.subarray(0, 100), s.subarray(100)]);
      const file = readBytes(toPart10(encapsulatedFile(spec, '1.2.840.10008.1.2.4.202', encapsulate(cut, withTable))));
      const ours = await decodeAll(file);
      expect(joined(ours)).toEqual(joined(frames));
    }
  });
});

// ------------------------------------------------------------------ frame-level syntaxes built here

describe('Deflated Image Frame Compression and Encapsulated Uncompressed (built here from native frames)', () => {
  const bytesOf = (f: DecodedFrame) => new Uint8Array(f.pixels.buffer, f.pixels.byteOffset, f.pixels.byteLength);

  it('1.2.840.10008.1.2.8.1: each frame inflated (RFC 1951) is the source frame', async () => {
    const src = nativeFrames(readFile(join(T, 'rtdose.dcm'))); // 15 frames, 32-bit
    const value = encapsulate(
      src.map((f) => [deflateSync(bytesOf(f))]),
      true,
    );
    const spec = { rows: 10, columns: 10, bitsAllocated: 32, frames: 15 };
    const file = readBytes(toPart10(encapsulatedFile(spec, '1.2.840.10008.1.2.8.1', value)));
    expect(joined(await decodeAll(file))).toEqual(joined(src));
  });

  it('1.2.840.10008.1.2.1.98: each fragment is the native frame, read as a view', async () => {
    const mr = nativeFrames(readFile(join(T, 'MR_small.dcm')))[0]!;
    const frames = [mr, { ...mr, pixels: mr.pixels.map((v) => -v) }] as DecodedFrame[];
    const value = encapsulate(
      frames.map((f) => [bytesOf(f)]),
      false,
    );
    const spec = { rows: 64, columns: 64, bitsAllocated: 16, signed: true, frames: 2 };
    const file = readBytes(toPart10(encapsulatedFile(spec, '1.2.840.10008.1.2.1.98', value)));
    const ours = await decodeAll(file);
    expect(joined(ours)).toEqual(joined(frames));
    expect(ours[1]!.pixels.buffer).toBe(file.bytes.buffer);
  });
});

// ------------------------------------------------------------------ reasons
describe('what cannot be decoded says so', () => {
  const spec = { rows: 1, columns: 1, bitsAllocated: 8 };
  const one = encapsulate([[Uint8Array.of(1, 2)]], false);
  it.each([
    ['1.2.840.10008.1.2.4.110', /JPEG XL is not decoded/],
    ['1.2.840.10008.1.2.4.100', /video \(MPEG-2, H\.264, HEVC\) is not decoded/],
    ['1.2.840.10008.1.2.4.94', /JPIP transfer syntaxes reference a server/],
    ['1.2.840.10008.1.2.4.92', /Part 2 multi-component/],
    ['1.2.3.4', /no decoder for this transfer syntax/],
  ])('%s', async (uid, why) => {
    const r = await decodeFrame(encapsulatedFile(spec, uid, one), 0);
    expect(!r.ok && r.error.kind).toBe('unsupported');
    expect(!r.ok && r.error.message).toMatch(/^frame 1 of 1, /);
    expect(!r.ok && r.error.message).toMatch(why);
  });

  it('a codestream whose size disagrees with Rows and Columns', async () => {
    const f = readFile(join(T, 'MR_small_jpeg_ls_lossless.dcm'));
    f.dataset.set({ tag: 0x00280010, vr: 'US', value: Uint8Array.of(32, 0) });
    const r = await decodeFrame(f, 0);
    expect(!r.ok && r.error.message).toMatch(
      /the codestream is 64×64 with 1 component\(s\); the Image Pixel module says 64×32/,
    );
  });
});
