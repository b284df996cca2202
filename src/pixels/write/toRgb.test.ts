import { describe, expect, it } from 'vitest';
import { build, part10 } from '../../../test/build.ts';
import { toYbrFull } from '../../../test/text/render.ts';
import { readDicom } from '../../dicom/read.ts';
import { replacePixelData } from './replacePixels.ts';
import { nativeColour, ybrFullToRgb } from './toRgb.ts';

/** YBR_FULL to RGB for the pixel writer, and embedded overlay groups dropped with the old pixels. */

describe('ybrFullToRgb', () => {
  it('gives RGB black for Y 0 with neutral chroma (the colour of a blacked-out box)', () => {
    expect([...ybrFullToRgb(Uint8Array.of(0, 128, 128), 8)]).toEqual([0, 0, 0]);
    expect([...ybrFullToRgb(Uint16Array.of(0, 2048, 2048), 12)]).toEqual([0, 0, 0]);
  });

  it('inverts the PS3.3 C.7.6.3.1.2 equations to within one step (rounding on both ways)', () => {
    const rgb = new Uint8Array(3 * 1000);
    for (let i = 0; i < rgb.length; i++) rgb[i] = (i * 97 + (i >> 2) * 31) % 256;
    const back = ybrFullToRgb(toYbrFull(rgb), 8);
    let worst = 0;
    for (let i = 0; i < rgb.length; i++) worst = Math.max(worst, Math.abs(back[i]! - rgb[i]!));
    expect(worst).toBeLessThanOrEqual(2);
  });

  it('nativeColour converts YBR_FULL only, and says RGB', () => {
    const frames = [Uint8Array.of(76, 85, 255)]; // pure red in YBR_FULL
    const c = nativeColour({ frames, photometric: 'YBR_FULL' }, 'YBR_FULL_422', 8);
    expect(c.photometric).toBe('RGB');
    expect([...c.frames[0]!]).toEqual([254, 0, 0]);
    const grey = { frames: [Uint8Array.of(1, 2, 3)], photometric: 'MONOCHROME2' };
    expect(nativeColour(grey, 'MONOCHROME2')).toBe(grey);
  });
});

describe('replacePixelData with embedded overlays', () => {
  it('drops every element of the listed 60xx groups and keeps other overlays', () => {
    const us = (n: number) => ({ vr: 'US' as const, bytes: Uint8Array.of(n & 0xff, n >> 8) });
    const ds = build({
      524310: '1.2.840.10008.5.1.4.1.1.7',
      524312: '2.25.5',
      2621442: us(1),
      2621444: 'MONOCHROME2',
      2621456: us(2),
      2621457: us(2),
      2621696: us(16),
      2621697: us(12),
      2621698: us(11),
      2621699: us(0),
      1610612752: us(2),
      1610612753: us(2),
      1610612992: us(16),
      1610612994: us(15),
      1610743824: us(2),
      1610743825: us(2),
      1610744064: us(1),
      1610756096: { vr: 'OW', bytes: new Uint8Array(2) },
      2145386512: { vr: 'OW', bytes: new Uint8Array(8) },
    });
    const file = readDicom(part10(ds));
    if (!file.ok) throw new Error(file.error.message);
    const r = replacePixelData(file.value, { frames: [new Uint16Array(4)], embeddedOverlayGroups: [0x6000] });
    expect(r.ok).toBe(true);
    const groups = new Set(file.value.dataset.elements().map((e) => (e.tag >>> 16).toString(16)));
    expect(groups.has('6000')).toBe(false);
    expect(groups.has('6002')).toBe(true);
  });
});
