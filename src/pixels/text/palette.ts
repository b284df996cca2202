/**
 * PALETTE COLOR images (PS3.3 C.7.6.3.1.5): each stored value indexes three lookup tables. OCR
 * reads the colours the tables give; redaction writes the index of the darkest entry, so a box
 * shows black without touching the tables.
 */

import { fail, ok, type Result } from '../../dicom/ReadError.ts';
import type { DicomFile } from '../../dicom/read.ts';

/** The three tables of a palette, each entry scaled to 0–255. */
export interface Palette {
  /** The stored value the first entry maps (Table C.7-6 descriptor, second value). */
  first: number;
  red: Uint8Array;
  green: Uint8Array;
  blue: Uint8Array;
}

/** Red, Green, Blue Palette Color Lookup Table Descriptor and Data (0028,1101–1103; 0028,1201–1203). */
const DESCRIPTORS = [0x00281101, 0x00281102, 0x00281103] as const;
const DATA = [0x00281201, 0x00281202, 0x00281203] as const;

/** Reads a file's palette. Segmented tables (0028,1221–1223) are refused with a reason. */
export const paletteOf = (file: DicomFile): Result<Palette> => {
  const ds = file.dataset;
  const le = file.transferSyntax.littleEndian;
  const tables: Uint8Array[] = [];
  let first = 0;
  for (let c = 0; c < 3; c++) {
    const d = ds.get(DESCRIPTORS[c]!)?.value;
    const data = ds.get(DATA[c]!)?.value;
    if (!d || d.length < 6 || !data) {
      if (ds.has(0x00281221 + c))
        return fail('unsupported', 'the palette is segmented (0028,1221–1223), which is not read');
      return fail('malformed', 'PALETTE COLOR without its lookup table descriptor and data (0028,1101–1203)');
    }
    const dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
    const entries = dv.getUint16(0, le) || 65536; // PS3.3 C.7.6.3.1.5: 0 means 2^16 entries
    first = dv.getUint16(2, le);
    const bits = dv.getUint16(4, le);
    const table = new Uint8Array(entries);
    const wide = data.length >= entries * 2;
    const dd = new DataView(data.buffer, data.byteOffset, data.byteLength);
    for (let i = 0; i < entries; i++) {
      // 16-bit entries (the usual case, even when Bits is 8: then only the low byte counts).
      if (wide) {
        const v = dd.getUint16(i * 2, le);
        table[i] = bits > 8 ? v >> (bits - 8) : v & 0xff;
      } else table[i] = data[i] ?? 0;
    }
    tables.push(table);
  }
  return ok({ first, red: tables[0]!, green: tables[1]!, blue: tables[2]! });
};

/** The table entry a stored value selects: values below the first mapped or past the end clamp (C.7.6.3.1.5). */
export const entryOf = (p: Palette, value: number): number => {
  const i = value - p.first;
  return i <= 0 ? 0 : Math.min(i, p.red.length - 1);
};

/** The stored value whose colour is darkest: what a redacted box is filled with. */
export const darkestIndex = (p: Palette): number => {
  let best = 0;
  let lum = Number.POSITIVE_INFINITY;
  for (let i = 0; i < p.red.length; i++) {
    const l = 299 * p.red[i]! + 587 * p.green[i]! + 114 * p.blue[i]!;
    if (l < lum) {
      lum = l;
      best = i;
    }
  }
  return best + p.first;
};
