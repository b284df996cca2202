/**
 * Test images with burned-in text (test data only). Glyphs are rasterised by Debian's Pillow
 * (/usr/bin/python3, python3-pil) from the TrueType fonts installed with the system: a renderer
 * that has nothing to do with Tesseract. The masks are then painted here onto grey, RGB or YBR
 * pixels over black, noisy, gradient or speckle grounds, and wrapped into DICOM with the repo's
 * own writer; dcmcjpeg makes the JPEG variant.
 */

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fold } from '../../src/pixels/text/classify.ts';
import type { Spec } from '../build.ts';
import { build, part10 } from '../build.ts';

/** Debian's Python (the pyenv one lacks the system packages). */
const PYTHON = '/usr/bin/python3';

/** TrueType fonts by short name (Debian: fonts-dejavu-core, fonts-liberation, fonts-noto-mono). */
export const FONTS = {
  sans: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  sansBold: '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
  mono: '/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf',
  serif: '/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf',
  narrow: '/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Regular.ttf',
  noto: '/usr/share/fonts/truetype/noto/NotoSansMono-Regular.ttf',
} as const;

/** Why generated-text tests cannot run here, or undefined when they can. */
export const rendererMissing = (): string | undefined => {
  if (!existsSync(PYTHON)) return `${PYTHON} is missing (Debian python3 with python3-pil renders the test glyphs)`;
  try {
    execFileSync(PYTHON, ['-c', 'import PIL.ImageFont'], { stdio: 'ignore' });
  } catch {
    return 'python3-pil is not installed: the test glyphs are rendered with Pillow';
  }
  const missing = Object.values(FONTS).find((f) => !existsSync(f));
  return missing ? `the font ${missing} is not installed` : undefined;
};

/** One string to draw. */
export interface TextItem {
  text: string;
  x: number;
  y: number;
  font: keyof typeof FONTS;
  size: number;
  /** RGB colour (grey images use its luminance). */
  colour: readonly [number, number, number];
}

const SCRIPT = `
import sys, json
from PIL import Image, ImageDraw, ImageFont
spec = json.load(sys.stdin)
out = []
for it in spec['items']:
    im = Image.new('L', (spec['width'], spec['height']), 0)
    d = ImageDraw.Draw(im)
    d.text((it['x'], it['y']), it['text'], font=ImageFont.truetype(it['font'], it['size']), fill=255)
    out.append(im.tobytes())
sys.stdout.buffer.write(b''.join(out))
`;

/** Rasterises each item as its own 8-bit coverage mask (0 = none, 255 = full ink). */
export const renderMasks = (items: readonly TextItem[], width: number, height: number): Uint8Array[] => {
  const spec = { width, height, items: items.map((i) => ({ ...i, font: FONTS[i.font] })) };
  const raw = execFileSync(PYTHON, ['-c', SCRIPT], { input: JSON.stringify(spec), maxBuffer: 1 << 28 });
  const n = width * height;
  return items.map((_, k) => new Uint8Array(raw.buffer, raw.byteOffset + k * n, n));
};

/** Where a mask has ink: its bounding rectangle (undefined if empty). */
export const inkBox = (mask: Uint8Array, width: number): { x: number; y: number; width: number; height: number } => {
  let x0 = Number.POSITIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let x1 = -1;
  let y1 = -1;
  for (let p = 0; p < mask.length; p++)
    if (mask[p]! > 0) {
      const x = p % width;
      const y = (p - x) / width;
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
    }
  return { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
};

/** A small deterministic random source (tests must not depend on Math.random). */
export const random = (seed: number) => {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
};

/** Grounds text is drawn over. */
export type Ground = 'black' | 'noise' | 'gradient' | 'speckle';

/** An RGB ground, 8 bits per sample (grey unless `tint`). */
export const ground = (kind: Ground, width: number, height: number, seed = 7): Uint8Array => {
  const rnd = random(seed);
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let v = 0;
      if (kind === 'noise')
        v = 25 + rnd() * 35; // film grain: what the tesseract CLI can still read through
      else if (kind === 'gradient') v = (x / width) * 140 + (y / height) * 40;
      else if (kind === 'speckle') {
        // An ultrasound-like sector: speckle inside a circle, black outside.
        const dx = x - width / 2;
        const dy = y - height * 0.05;
        const inside = dy > 0 && Math.hypot(dx, dy) < height * 0.8 && Math.abs(dx) < dy * 0.9;
        v = inside ? Math.min(255, -Math.log(1 - rnd() * 0.999) * 45) : 0;
      }
      out.fill(v, (y * width + x) * 3, (y * width + x) * 3 + 3);
    }
  return out;
};

/** Paints masks onto an RGB image in their colours (alpha blending by coverage). */
export const paint = (rgb: Uint8Array, masks: readonly Uint8Array[], items: readonly TextItem[]): Uint8Array => {
  masks.forEach((m, k) => {
    const c = items[k]!.colour;
    for (let p = 0; p < m.length; p++) {
      const a = m[p]! / 255;
      if (a === 0) continue;
      for (let s = 0; s < 3; s++) rgb[p * 3 + s] = Math.round(rgb[p * 3 + s]! * (1 - a) + c[s]! * a);
    }
  });
  return rgb;
};

/** RGB to YBR_FULL (PS3.3 C.7.6.3.1.2), 8 bits. */
export const toYbrFull = (rgb: Uint8Array): Uint8Array => {
  const out = new Uint8Array(rgb.length);
  for (let p = 0; p < rgb.length; p += 3) {
    const r = rgb[p]!;
    const g = rgb[p + 1]!;
    const b = rgb[p + 2]!;
    const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
    out[p] = clamp(0.299 * r + 0.587 * g + 0.114 * b);
    out[p + 1] = clamp(-0.1687 * r - 0.3313 * g + 0.5 * b + 128);
    out[p + 2] = clamp(0.5 * r - 0.4187 * g - 0.0813 * b + 128);
  }
  return out;
};

/** Luminance of RGB, 8 bits. */
export const toGrey = (rgb: Uint8Array): Uint8Array => {
  const out = new Uint8Array(rgb.length / 3);
  for (let p = 0; p < out.length; p++)
    out[p] = Math.round(0.299 * rgb[p * 3]! + 0.587 * rgb[p * 3 + 1]! + 0.114 * rgb[p * 3 + 2]!);
  return out;
};

const us = (n: number) => ({ vr: 'US' as const, bytes: new Uint8Array([n & 0xff, n >> 8]) });
const ul = (n: number) => ({ vr: 'UL' as const, bytes: new Uint8Array(new Uint32Array([n]).buffer) });

/** What kind of DICOM image to make. */
export interface ImageSpec {
  width: number;
  height: number;
  /** Samples per frame: 8-bit RGB/YBR interleaved, 8-bit grey, or 16-bit grey. */
  frames: (Uint8Array | Uint16Array)[];
  photometric: 'RGB' | 'YBR_FULL' | 'MONOCHROME2' | 'MONOCHROME1' | 'PALETTE COLOR';
  bitsStored?: number;
  /** Colour-by-plane: the frames given interleaved are written RRR…GGG…BBB. */
  planar?: boolean;
  /** Ultrasound regions [x0, y0, x1, y1] (inclusive). */
  regions?: [number, number, number, number][];
  sopClass?: string;
  /** Patient's Name etc. in the header, as the identity strings come from there. */
  name?: string;
  charset?: string;
  extra?: Record<number, Spec>;
}

/** Colour-by-pixel to colour-by-plane. */
const toPlanes = (px: Uint8Array): Uint8Array => {
  const n = px.length / 3;
  const out = new Uint8Array(px.length);
  for (let p = 0; p < n; p++) for (let s = 0; s < 3; s++) out[s * n + p] = px[p * 3 + s]!;
  return out;
};

/** A Part 10 file (Explicit VR LE) holding the frames. */
export const dicomImage = (spec: ImageSpec): Uint8Array => {
  const colour = spec.photometric === 'RGB' || spec.photometric === 'YBR_FULL';
  const wide = spec.frames[0] instanceof Uint16Array;
  const bits = wide ? 16 : 8;
  const stored = spec.bitsStored ?? bits;
  const bytes = spec.frames.map((f) => {
    const b = new Uint8Array(f.buffer, f.byteOffset, f.byteLength);
    return colour && spec.planar ? toPlanes(b) : b;
  });
  const total = bytes.reduce((n, b) => n + b.length, 0);
  const pixelData = new Uint8Array(total + (total % 2));
  let at = 0;
  for (const b of bytes) {
    pixelData.set(b, at);
    at += b.length;
  }
  const sop = spec.sopClass ?? (spec.regions ? '1.2.840.10008.5.1.4.1.1.6.1' : '1.2.840.10008.5.1.4.1.1.7');
  const fields: Record<number, Spec> = {
    524293: spec.charset ?? 'ISO_IR 192',
    524310: sop,
    524312: '2.25.1234567',
    524384: spec.regions ? 'US' : 'OT',
    1048592: spec.name ?? 'MÜLLER^JÖRG',
    1048608: 'PID4471182',
    1048624: '19620314',
    2621442: us(colour ? 3 : 1),
    2621444: spec.photometric,
    2621456: us(spec.height),
    2621457: us(spec.width),
    2621696: us(bits),
    2621697: us(stored),
    2621698: us(stored - 1),
    2621699: us(0),
    2145386512: { vr: wide ? 'OW' : 'OB', bytes: pixelData },
    ...spec.extra,
  };
  if (colour) fields[2621446] = us(spec.planar ? 1 : 0); // Planar Configuration
  if (spec.frames.length > 1) fields[2621448] = String(spec.frames.length); // Number of Frames
  if (spec.regions)
    // Sequence of Ultrasound Regions: Region Spatial Format, Data Type, Location Min/Max X0 Y0 X1 Y1.
    fields[1597457] = spec.regions.map(([x0, y0, x1, y1]) => ({
      1597458: us(1),
      1597460: us(1),
      1597464: ul(x0),
      1597466: ul(y0),
      1597468: ul(x1),
      1597470: ul(y1),
    }));
  return part10(build(fields, spec.charset ?? 'ISO_IR 192'));
};

/** Runs a DCMTK tool on bytes and returns its output file's bytes (e.g. dcmcjpeg). */
export const dcmtk = (tool: string, args: readonly string[], input: Uint8Array): Uint8Array => {
  const dir = mkdtempSync(join(tmpdir(), 'veil-text-'));
  try {
    writeFileSync(join(dir, 'in.dcm'), input);
    execFileSync(tool, [...args, join(dir, 'in.dcm'), join(dir, 'out.dcm')], { stdio: 'pipe' });
    return new Uint8Array(readFileSync(join(dir, 'out.dcm')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

/** Whether a command is on PATH. */
export const hasCommand = (cmd: string): boolean => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/**
 * Debian's tesseract CLI (an independent reader: its own build, its own tessdata) on an 8-bit
 * grey or RGB picture. Returns what it read. The picture is upscaled ×2 (nearest) as a human
 * reviewer zooming in would; page segmentation 11 looks for sparse text everywhere.
 */
export const tesseractCli = (pixels: Uint8Array, width: number, height: number, samples: 1 | 3): string => {
  const dir = mkdtempSync(join(tmpdir(), 'veil-tess-'));
  try {
    const W = width * 2;
    const H = height * 2;
    const up = new Uint8Array(W * H * samples);
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++)
        for (let s = 0; s < samples; s++)
          up[(y * W + x) * samples + s] = pixels[((y >> 1) * width + (x >> 1)) * samples + s]!;
    const header = new TextEncoder().encode(`${samples === 3 ? 'P6' : 'P5'}\n${W} ${H}\n255\n`);
    const file = join(dir, samples === 3 ? 'in.ppm' : 'in.pgm');
    const out = new Uint8Array(header.length + up.length);
    out.set(header);
    out.set(up, header.length);
    writeFileSync(file, out);
    return execFileSync('tesseract', [file, '-', '--psm', '11'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

/** Squeezes text for comparing OCR readings: folded (no accents, upper case), letters and digits only. */
export const squeeze = (s: string): string => fold(s).replace(/[^A-Z0-9]/g, '');

/** What betrays a string in a reading: each word's 5-character runs (whole words when shorter). */
export const traces = (s: string): string[] =>
  s
    .split(/\s+/)
    .map(squeeze)
    .filter((w) => w.length >= 3)
    .flatMap((w) => (w.length <= 5 ? [w] : Array.from({ length: w.length - 4 }, (_, i) => w.slice(i, i + 5))));
