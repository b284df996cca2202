import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import {
  dcmtk,
  dicomImage,
  ground,
  hasCommand,
  type ImageSpec,
  inkBox,
  paint,
  rendererMissing,
  renderMasks,
  squeeze,
  type TextItem,
  tesseractCli,
  toGrey,
  toYbrFull,
  traces,
} from '../../../test/text/render.ts';
import { identityStrings } from '../../deid/Identity.ts';
import { readDicom } from '../../dicom/read.ts';
import { decodeFrame, type Samples } from '../codecs/index.ts';
import { overlaps, type Rect } from './Box.ts';
import { fold } from './classify.ts';
import { cleanBurnedInText } from './clean.ts';
import { checkFrames, sampleFrames } from './findText.ts';
import { closeRecognizer, ocrLoadCount } from './ocr.ts';

/**
 * Generated images with text burned in (glyphs from Pillow, test/text/render.ts), cleaned end to
 * end. Each case proves: the injected identifying strings are boxed and blacked out; Debian's
 * tesseract CLI reads them on the input and not on the output; every pixel outside the boxes is
 * unchanged (hashes per tile); allow-listed text is kept.
 */

const missing = rendererMissing() ?? (hasCommand('tesseract') ? undefined : 'the tesseract CLI is not installed');
if (missing) console.warn(`burned-in text tests skipped: ${missing}`);

const W = 640;
const H = 480;
const WHITE = [255, 255, 255] as const;

/** 8-bit pixels for the independent reader: RGB as is, YBR and 16-bit grey brought to 8 bits. */
const forCli = (px: Samples, spp: number, photometric: string): Uint8Array => {
  if (spp === 3 && photometric.startsWith('YBR')) {
    const out = new Uint8Array(px.length / 3);
    for (let p = 0; p < out.length; p++) out[p] = px[p * 3]!;
    return out;
  }
  if (px instanceof Uint8Array) return px;
  let max = 1;
  for (let i = 0; i < px.length; i++) max = Math.max(max, px[i]!);
  return Uint8Array.from(px, (v) => (v * 255) / max);
};

/** sha256 of each 80×80 tile's pixels outside the boxes. */
const tileHashes = (px: Samples, spp: number, boxes: Rect[]): string[] => {
  const out: string[] = [];
  for (let ty = 0; ty < H; ty += 80)
    for (let tx = 0; tx < W; tx += 80) {
      const h = createHash('sha256');
      const tile = { x: tx, y: ty, width: 80, height: 80 };
      const near = boxes.filter((b) => overlaps(b, tile));
      for (let y = ty; y < ty + 80; y++)
        for (let x = tx; x < tx + 80; x++) {
          if (near.some((b) => x >= b.x && x < b.x + b.width && y >= b.y && y < b.y + b.height)) continue;
          const i = (y * W + x) * spp;
          for (let s = 0; s < spp; s++) h.update(String(px[i + s]));
        }
      out.push(h.digest('hex'));
    }
  return out;
};

interface Case {
  spec: Omit<ImageSpec, 'frames' | 'width' | 'height'>;
  /** Pixels per frame from the painted RGB. */
  frames: (rgb: Uint8Array, frame: number) => Uint8Array | Uint16Array;
  /** The text drawn, on every frame or per frame (a layout that changes between frames). */
  items: TextItem[] | ((frame: number) => TextItem[]);
  /** Injected strings that must be gone. */
  secret: string[];
  /** Injected strings that must stay (allow-listed). */
  kept?: string[];
  ground: 'black' | 'noise' | 'gradient' | 'speckle';
  count?: number;
  jpeg?: boolean;
  /** The frames the independent reader reads (default: the first and the last). */
  cli?: number[];
}

/**
 * An RGB ultrasound cine of `count` frames on speckle, with one image region: the cine cases'
 * common part. The default region is the one the single-frame ultrasound cases declare; the
 * speckle spills past it, which only the changed-frame check cares about.
 */
const speckleCine = (
  count: number,
  region: [number, number, number, number] = [100, 60, 539, 429],
): Pick<Case, 'spec' | 'frames' | 'ground' | 'count'> => ({
  spec: { photometric: 'RGB', regions: [region] },
  frames: (rgb) => rgb,
  ground: 'speckle',
  count,
});

/** Each frame's text items and their masks (rendered once per distinct layout). */
const layouts = (c: Case): { items: TextItem[]; masks: Uint8Array[] }[] => {
  const rendered = new Map<string, Uint8Array[]>();
  return Array.from({ length: c.count ?? 1 }, (_, k) => {
    const items = typeof c.items === 'function' ? c.items(k) : c.items;
    const key = JSON.stringify(items);
    if (!rendered.has(key)) rendered.set(key, renderMasks(items, W, H));
    return { items, masks: rendered.get(key)! };
  });
};

const run = async (c: Case) => {
  const drawn = layouts(c);
  const frames = drawn.map(({ items, masks }, k) => c.frames(paint(ground(c.ground, W, H, 7 + k), masks, items), k));
  const cli = c.cli ?? [0, frames.length - 1];
  let bytes = dicomImage({ ...c.spec, width: W, height: H, frames });
  if (c.jpeg) bytes = dcmtk('dcmcjpeg', ['+eb'], bytes);
  const file = readDicom(bytes);
  if (!file.ok) throw new Error(file.error.message);
  const identity = identityStrings(file.value.dataset);
  const result = await cleanBurnedInText(file.value, identity);
  expect(result.verdict).toEqual({ ok: true });
  expect(result.frames).toHaveLength(frames.length);

  for (let k = 0; k < frames.length; k++) {
    const before = await decodeFrame(file.value, k);
    if (!before.ok) throw new Error(before.error.message);
    const spp = before.value.samplesPerPixel;
    const boxes = result.boxes[k]!;
    const black = boxes.filter((b) => !b.keep);
    const { items, masks } = drawn[k]!;
    // Every ink pixel of each secret string lies in a blacked-out box.
    items.forEach((item, i) => {
      if (!c.secret.includes(item.text)) return;
      const m = masks[i]!;
      const bare: number[] = [];
      for (let p = 0; p < m.length; p++) {
        if (!m[p]) continue;
        const x = p % W;
        const y = (p - x) / W;
        if (!black.some((b) => x >= b.x && x < b.x + b.width && y >= b.y && y < b.y + b.height)) bare.push(p);
      }
      const where = bare.slice(0, 3).map((p) => `${p % W},${Math.floor(p / W)}`);
      expect(bare.length, `"${item.text}" ink left bare at ${where} in frame ${k}: ${JSON.stringify(black)}`).toBe(0);
    });
    // Allow-listed text: its pixels untouched.
    items.forEach((item, i) => {
      if (!c.kept?.includes(item.text)) return;
      const ink = inkBox(masks[i]!, W);
      expect(
        black.some((b) => overlaps(b, ink)),
        `"${item.text}" was blacked out`,
      ).toBe(false);
    });
    // Outside the boxes nothing changed.
    expect(tileHashes(result.frames[k]!, spp, black)).toEqual(tileHashes(before.value.pixels, spp, black));
    // The independent reader, on the first frame and the last of a cine (or the frames asked for):
    // it reads each secret drawn on the frame in the input, and no secret in the output.
    if (cli.includes(k)) {
      const photometric = before.value.photometric;
      const cliSpp = spp === 3 && !photometric.startsWith('YBR') ? 3 : 1;
      const input = squeeze(tesseractCli(forCli(before.value.pixels, spp, photometric), W, H, cliSpp));
      const output = squeeze(tesseractCli(forCli(result.frames[k]!, spp, photometric), W, H, cliSpp));
      for (const s of c.secret) {
        const t = traces(s);
        if (items.some((item) => item.text === s))
          expect(
            t.some((x) => input.includes(x)),
            `the CLI reads "${s}" on the input of frame ${k}: ${input}`,
          ).toBe(true);
        expect(
          t.filter((x) => output.includes(x)),
          `the CLI reads "${s}" on the output of frame ${k}: ${output}`,
        ).toEqual([]);
      }
    }
  }
  return result;
};

describe.skipIf(missing)('burned-in text, generated images', () => {
  afterAll(async () => {
    expect(ocrLoadCount()).toBe(1); // one engine for every image of this worker
    await closeRecognizer();
  });

  it('RGB ultrasound with regions: coloured text in the margins, PHI flagged, figures kept', async () => {
    const r = await run({
      spec: { photometric: 'RGB', regions: [[100, 60, 539, 429]] },
      frames: (rgb) => rgb,
      ground: 'speckle',
      items: [
        { text: 'MÜLLER, JÖRG', x: 12, y: 8, font: 'sans', size: 15, colour: WHITE },
        { text: 'PID4471182', x: 12, y: 30, font: 'mono', size: 13, colour: [255, 255, 0] },
        { text: '14.03.1962', x: 520, y: 8, font: 'sans', size: 13, colour: [0, 255, 255] },
        { text: '2024-03-01', x: 520, y: 30, font: 'serif', size: 15, colour: [210, 210, 210] },
        { text: '5.0cm', x: 580, y: 445, font: 'mono', size: 14, colour: WHITE },
      ],
      secret: ['MÜLLER, JÖRG', 'PID4471182', '14.03.1962', '2024-03-01'],
      kept: ['5.0cm'],
    });
    expect(r.phi.map((p) => fold(p.box.text)).join(' ')).toMatch(/MULLER|JORG|PID4471182|14\.03\.1962/);
  });

  it('YBR_FULL ultrasound: dates in several formats, serif and narrow fonts', async () => {
    await run({
      spec: { photometric: 'YBR_FULL', regions: [[120, 70, 519, 419]] },
      frames: (rgb) => toYbrFull(rgb),
      ground: 'speckle',
      items: [
        { text: 'GARCIA LOPEZ', x: 20, y: 10, font: 'serif', size: 16, colour: WHITE },
        { text: '01/03/2024', x: 480, y: 10, font: 'narrow', size: 16, colour: [255, 255, 0] },
        { text: '1 Mar 2024', x: 480, y: 440, font: 'sansBold', size: 14, colour: WHITE },
        { text: '12MHz', x: 20, y: 445, font: 'mono', size: 14, colour: [0, 255, 0] },
      ],
      secret: ['GARCIA LOPEZ', '01/03/2024', '1 Mar 2024'],
      kept: ['12MHz'],
    });
  });

  it('a Latin-1 name on a noisy grey secondary capture, with compact dates', async () => {
    await run({
      spec: { photometric: 'MONOCHROME2', name: 'GARÇON^HÉLÈNE', charset: 'ISO_IR 100' },
      frames: (rgb) => toGrey(rgb),
      ground: 'noise',
      items: [
        { text: 'GARÇON HÉLÈNE', x: 200, y: 100, font: 'sans', size: 18, colour: WHITE },
        { text: '20240301', x: 40, y: 300, font: 'noto', size: 16, colour: [230, 230, 230] },
        { text: '01.03.24', x: 400, y: 400, font: 'sans', size: 16, colour: WHITE },
      ],
      secret: ['GARÇON HÉLÈNE', '20240301', '01.03.24'],
    });
  });

  it('12-bit monochrome on a gradient: text at the top of the range and faint text', async () => {
    await run({
      spec: { photometric: 'MONOCHROME2', bitsStored: 12, name: 'SØRENSEN^ÅSA' },
      frames: (rgb) => Uint16Array.from(toGrey(rgb), (v) => v * 16),
      ground: 'gradient',
      items: [
        { text: 'SØRENSEN ÅSA', x: 300, y: 40, font: 'sansBold', size: 18, colour: WHITE },
        { text: 'ACC 88123456', x: 60, y: 420, font: 'mono', size: 15, colour: [150, 150, 150] },
      ],
      secret: ['SØRENSEN ÅSA', 'ACC 88123456'],
    });
  });

  it('a multi-frame cine with a static layout: one set of boxes for every frame', async () => {
    const r = await run({
      ...speckleCine(8),
      items: [
        { text: 'MÜLLER, JÖRG', x: 12, y: 8, font: 'sans', size: 15, colour: WHITE },
        { text: '01.03.2024', x: 520, y: 8, font: 'sans', size: 13, colour: [255, 255, 0] },
      ],
      secret: ['MÜLLER, JÖRG', '01.03.2024'],
    });
    expect(r.static).toBe(true);
    for (const b of r.boxes) expect(b).toEqual(r.boxes[0]);
  });

  it('a cine whose name moves and whose ID appears late: every frame read on its own, nothing left on any', async () => {
    // Sampled frames 0, 2, 4, 6, 7 disagree (name at the top, then at the bottom; the ID from frame 5).
    const r = await run({
      ...speckleCine(8),
      items: (k) => [
        { text: 'MÜLLER, JÖRG', x: 12, y: k < 4 ? 8 : 450, font: 'sans', size: 15, colour: WHITE },
        { text: '01.03.2024', x: 520, y: 8, font: 'sans', size: 13, colour: [255, 255, 0] },
        ...(k >= 5 ? [{ text: 'PID4471182', x: 12, y: 30, font: 'mono', size: 13, colour: WHITE } as const] : []),
      ],
      secret: ['MÜLLER, JÖRG', '01.03.2024', 'PID4471182'],
      cli: [0, 1, 2, 3, 4, 5, 6, 7],
    });
    expect(r.static).toBe(false);
  });

  it('a cine that differs only on a frame finding did not sample: read back there, then frame by frame', async () => {
    const count = 12;
    const odd = checkFrames(count)[1]!;
    expect(sampleFrames(count)).not.toContain(odd); // the sampled frames agree: the layout looks static
    const r = await run({
      ...speckleCine(count),
      items: (k) => [
        { text: 'MÜLLER, JÖRG', x: 12, y: k === odd ? 450 : 8, font: 'sans', size: 15, colour: WHITE },
        { text: '01.03.2024', x: 520, y: 8, font: 'sans', size: 13, colour: [255, 255, 0] },
      ],
      secret: ['MÜLLER, JÖRG', '01.03.2024'],
      cli: [0, odd, count - 1],
    });
    expect(r.static).toBe(false); // reading back disproved the static layout
  });

  it('an ultrasound cine whose name shows only on frames neither sampled nor checked: found by the pixel check', async () => {
    // The speckle sector of the generated ground lies within this region, as a device's image
    // lies within its declared regions; the annotation is the band below it.
    const count = 24;
    const read = new Set([...sampleFrames(count), ...checkFrames(count)]);
    const at = Array.from({ length: count }, (_, k) => k).find(
      (k) => k >= count / 2 && !read.has(k) && !read.has(k + 1),
    )!;
    const shown = [at, at + 1]; // 13 and 14: read back neither by sampling nor by checkFrames
    expect(shown.filter((k) => read.has(k))).toEqual([]);
    const r = await run({
      ...speckleCine(count, [60, 20, 580, 412]),
      items: (k) => [
        { text: '01.03.2024', x: 500, y: 440, font: 'sans', size: 13, colour: [255, 255, 0] },
        ...(shown.includes(k)
          ? [{ text: 'MÜLLER, JÖRG', x: 12, y: 440, font: 'sans', size: 15, colour: WHITE } as const]
          : []),
      ],
      secret: ['MÜLLER, JÖRG', '01.03.2024'],
      cli: Array.from({ length: count }, (_, k) => k),
    });
    expect(r.static).toBe(false); // the name read back on its frames disproved the static layout
  }, 600_000);

  it.skipIf(!hasCommand('dcmcjpeg'))('a JPEG-compressed image (dcmcjpeg, YBR_FULL_422 lossy)', async () => {
    const r = await run({
      spec: { photometric: 'RGB' },
      frames: (rgb) => rgb,
      ground: 'black',
      jpeg: true,
      items: [
        { text: 'MÜLLER, JÖRG', x: 30, y: 20, font: 'sans', size: 16, colour: WHITE },
        { text: 'DOB 14 Mar 1962', x: 30, y: 44, font: 'serif', size: 16, colour: [255, 200, 0] },
      ],
      secret: ['MÜLLER, JÖRG', 'DOB 14 Mar 1962'],
    });
    expect(r.photometric).toBe('RGB'); // the decoder undid the YCbCr transform
  });
});
