import type { Frame } from '../../../workers/api.ts';

/** Window (level) settings: centre and width in modality units (Hounsfield for CT). */
export interface Window {
  center: number;
  width: number;
}

/** Common CT windows, named as radiologists call them. */
export const CT_PRESETS: { name: string; window: Window }[] = [
  { name: 'Brain', window: { center: 40, width: 80 } },
  { name: 'Subdural', window: { center: 75, width: 215 } },
  { name: 'Soft tissue', window: { center: 40, width: 400 } },
  { name: 'Lung', window: { center: -600, width: 1500 } },
  { name: 'Bone', window: { center: 600, width: 2800 } },
];

/** Turns a frame into RGBA pixels with a window applied (PS3.3 C.11.2.1.2, linear function). */
export const toImageData = (f: Frame, w: Window): ImageData => {
  const n = f.width * f.height;
  const out = new ImageData(f.width, f.height);
  const d = out.data;
  if (f.kind === 'rgb') {
    const px = f.pixels as Uint8Array;
    for (let p = 0; p < n; p++) {
      d[p * 4] = px[p * 3]!;
      d[p * 4 + 1] = px[p * 3 + 1]!;
      d[p * 4 + 2] = px[p * 3 + 2]!;
      d[p * 4 + 3] = 255;
    }
    return out;
  }
  const px = f.pixels as Float32Array;
  const lo = w.center - 0.5 - (w.width - 1) / 2;
  const scale = 255 / Math.max(1, w.width - 1);
  for (let p = 0; p < n; p++) {
    let v = Math.min(255, Math.max(0, (px[p]! - lo) * scale));
    if (f.invert) v = 255 - v;
    d[p * 4] = d[p * 4 + 1] = d[p * 4 + 2] = v;
    d[p * 4 + 3] = 255;
  }
  return out;
};

/** Draws a frame scaled to fit a canvas (for thumbnails). */
export const drawFitted = (canvas: HTMLCanvasElement, f: Frame, w: Window = f.window): void => {
  const img = toImageData(f, w);
  const tmp = document.createElement('canvas');
  tmp.width = f.width;
  tmp.height = f.height;
  tmp.getContext('2d')!.putImageData(img, 0, 0);
  const ctx = canvas.getContext('2d')!;
  const s = Math.min(canvas.width / f.width, canvas.height / f.height);
  const dw = f.width * s;
  const dh = f.height * s;
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(tmp, (canvas.width - dw) / 2, (canvas.height - dh) / 2, dw, dh);
};
