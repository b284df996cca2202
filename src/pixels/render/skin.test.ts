import { describe, expect, it } from 'vitest';
import { rotate } from '../geometry/testSeries.ts';
import type { Vec3 } from '../geometry/vec3.ts';
import { cameraOf, patientFrame } from './camera.ts';
import { encodePng } from './png.ts';
import { type GreyImage, renderSkin, skinScene } from './skin.ts';
import { balls, evenly, type Layout, phantomCT } from './testPhantom.ts';

/** Lit pixels of a picture. */
const lit = (img: GreyImage): number => img.pixels.reduce((n, p) => n + (p > 0 ? 1 : 0), 0);

/** The columns and rows a picture's lit pixels span: [left, right, top, bottom]. */
const extent = (img: GreyImage): [number, number, number, number] => {
  let [l, r, t, b] = [img.width, -1, img.height, -1];
  for (let y = 0; y < img.height; y++)
    for (let x = 0; x < img.width; x++)
      if (img.pixels[y * img.width + x]! > 0) {
        l = Math.min(l, x);
        r = Math.max(r, x);
        t = Math.min(t, y);
        b = Math.max(b, y);
      }
  return [l, r, t, b];
};

/** A head-like phantom: a 60 mm ball, a nose in front (anterior, −y), a left ear (+x), a knot on top (+z). */
const HEAD = balls([
  { centre: [0, 0, 0], radius: 60 },
  { centre: [0, -62, -10], radius: 14 },
  { centre: [64, 0, 0], radius: 10 },
  { centre: [0, 0, 62], radius: 12 },
]);

const AXIAL: Layout = {
  rowCosines: [1, 0, 0],
  columnCosines: [0, 1, 0],
  pixelSpacing: [1, 1],
  rows: 180,
  columns: 180,
  offsets: evenly(90, 2),
  centre: [0, 0, -89],
};

describe('skin renderer', () => {
  it('a ball renders as a disc of its radius, centred, whatever the view', () => {
    const v = phantomCT(balls([{ centre: [5, -3, 4], radius: 50 }]), AXIAL);
    const scene = skinScene(v, { frame: patientFrame([5, -3, 4]) });
    for (const [yaw, pitch] of [
      [0, 0],
      [40, 0],
      [-75, 20],
      [0, -30],
    ] as const) {
      // 256 px over 256 mm: a pixel is 1 mm.
      const img = renderSkin(scene, { yaw, pitch, size: 256, fieldMm: 256 });
      const radius = Math.sqrt(lit(img) / Math.PI);
      expect(radius).toBeGreaterThan(49);
      expect(radius).toBeLessThan(51);
      const [l, r, t, b] = extent(img);
      expect(Math.abs((l + r) / 2 - 127.5)).toBeLessThan(1.5);
      expect(Math.abs((t + b) / 2 - 127.5)).toBeLessThan(1.5);
      // Shaded, not flat: the middle faces the camera and is brighter than the rim.
      expect(img.pixels[128 * 256 + 128]!).toBeGreaterThan(img.pixels[128 * 256 + l + 2]! + 40);
    }
  });

  it('yaw 0 looks at the face with the patient’s left on the right and superior up; positive yaw goes to the left side', () => {
    const scene = skinScene(phantomCT(HEAD, AXIAL), { frame: patientFrame([0, 0, 0]) });
    const front = renderSkin(scene, { yaw: 0, pitch: 0, size: 200, fieldMm: 200 });
    const [l, r, t, b] = extent(front);
    // 1 mm per pixel, centre at 99.5: the left ear reaches 74 mm to the right, the knot 74 mm up.
    expect(r - 99.5).toBeGreaterThan(70);
    expect(99.5 - l).toBeLessThan(62);
    expect(99.5 - t).toBeGreaterThan(70);
    expect(b - 99.5).toBeLessThan(62);
    // From the patient's left (yaw +90) the nose points to the picture's left, from the right to its right.
    const fromLeft = extent(renderSkin(scene, { yaw: 90, pitch: 0, size: 200, fieldMm: 200 }));
    expect(99.5 - fromLeft[0]).toBeGreaterThan(70);
    expect(fromLeft[1] - 99.5).toBeLessThan(62);
    const fromRight = extent(renderSkin(scene, { yaw: -90, pitch: 0, size: 200, fieldMm: 200 }));
    expect(fromRight[1] - 99.5).toBeGreaterThan(70);
    // The camera's axes say the same.
    const cam = cameraOf(patientFrame([0, 0, 0]), { yaw: 0, pitch: 0 });
    expect(cam.forward.map((x) => Math.round(x * 1e6) / 1e6 + 0)).toEqual([0, 1, 0]);
    expect(cam.right.map((x) => Math.round(x * 1e6) / 1e6 + 0)).toEqual([1, 0, 0]);
    expect(cam.up.map((x) => Math.round(x * 1e6) / 1e6 + 0)).toEqual([0, 0, 1]);
  });

  it('the same head in sagittal slices, with a gantry tilt, irregular gaps or turned in the scanner renders the same picture', () => {
    const reference = renderSkin(skinScene(phantomCT(HEAD, AXIAL), { frame: patientFrame([0, 0, 0]) }), {
      yaw: 30,
      pitch: -10,
      size: 160,
      fieldMm: 200,
    });
    const tilt = 20;
    const layouts: [string, Layout][] = [
      [
        'sagittal, 3 mm slices',
        {
          rowCosines: [0, 1, 0],
          columnCosines: [0, 0, -1],
          pixelSpacing: [1, 1],
          rows: 180,
          columns: 180,
          offsets: evenly(60, 3),
          // The normal (rows × columns) is −x: the stack runs from the patient's left to the right.
          centre: [88.5, 0, 0],
        },
      ],
      [
        `axial with a ${tilt}° gantry tilt`,
        {
          ...AXIAL,
          rowCosines: [1, 0, 0],
          columnCosines: rotate([0, 1, 0], [1, 0, 0], tilt),
          rows: 200,
          // Slice origins advance along z while the planes are tilted: PS3.3 C.7.6.2.1.1 allows it.
          stack: [0, 0, 1],
          offsets: evenly(95, 2),
        },
      ],
      [
        'axial with irregular gaps',
        {
          ...AXIAL,
          offsets: [...evenly(40, 2), ...evenly(30, 2).map((t) => 86 + t), ...evenly(20, 1.5).map((t) => 150 + t)],
        },
      ],
    ];
    for (const [what, layout] of layouts) {
      const img = renderSkin(skinScene(phantomCT(HEAD, layout), { frame: patientFrame([0, 0, 0]) }), {
        yaw: 30,
        pitch: -10,
        size: 160,
        fieldMm: 200,
      });
      expect({ what, ...compare(reference, img) }).toEqual({ what, ...compare(reference, reference) });
    }
    // Turned in the scanner 25° in yaw and 15° in pitch, and the camera turned with the head: the same picture.
    const turn = (x: Vec3): Vec3 => rotate(rotate(x, [0, 0, 1], 25), [1, 0, 0], 15);
    const turnedHead = (p: Vec3) => HEAD(rotate(rotate(p, [1, 0, 0], -15), [0, 0, 1], -25));
    const frame = patientFrame([0, 0, 0]);
    const turned = renderSkin(
      skinScene(phantomCT(turnedHead, AXIAL), {
        frame: {
          centre: frame.centre,
          anterior: turn(frame.anterior),
          left: turn(frame.left),
          superior: turn(frame.superior),
        },
      }),
      { yaw: 30, pitch: -10, size: 160, fieldMm: 200 },
    );
    expect(compare(reference, turned)).toEqual(compare(reference, reference));
  });

  it('writes a greyscale PNG that decodes to its pixels', async () => {
    const img = renderSkin(skinScene(phantomCT(HEAD, AXIAL)), { yaw: 20, pitch: 0, size: 64 });
    const png = encodePng(img);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const { unzlibSync } = await import('fflate');
    // IHDR at 8, IDAT right after it (13 bytes of header + 12 of chunk framing).
    const idatLength = new DataView(png.buffer).getUint32(33);
    const raw = unzlibSync(png.subarray(41, 41 + idatLength));
    expect(raw.length).toBe(65 * 64);
    expect([...raw.subarray(65 * 30 + 1, 65 * 31)]).toEqual([...img.pixels.subarray(64 * 30, 64 * 31)]);
  });
});

/**
 * How two pictures differ: silhouettes agree but for a rim pixel here and there (≤ 1 %), and the
 * shading within them by under 10 grey levels on average (measured: 2–7; 3 mm sagittal slices
 * the most). Returned as booleans so a failing test shows which broke.
 */
const compare = (a: GreyImage, b: GreyImage) => {
  let silhouette = 0;
  let shade = 0;
  let both = 0;
  for (let p = 0; p < a.pixels.length; p++) {
    const x = a.pixels[p]!;
    const y = b.pixels[p]!;
    if (x > 0 !== y > 0) silhouette++;
    else if (x > 0) {
      both++;
      shade += Math.abs(x - y);
    }
  }
  return { silhouetteAgrees: silhouette <= 0.01 * both, shadingAgrees: shade / Math.max(1, both) < 10 };
};
