import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Dataset, type Element } from '../src/dicom/Dataset.ts';
import { vrOf } from '../src/dicom/dictionary.ts';
import { fileMeta } from '../src/dicom/FileMeta.ts';
import { ExplicitVRLittleEndian, transferSyntax } from '../src/dicom/TransferSyntax.ts';
import { stringElement, usElement } from '../src/dicom/values.ts';
import { writePart10 } from '../src/dicom/write.ts';

/**
 * Small DICOM trees for the end-to-end tests, built with the repo's own Dataset model and writer:
 * a CD-like folder of many files, and files whose values are hostile to the page.
 */

const CT = '1.2.840.10008.5.1.4.1.1.2';

/** A deterministic UID under 2.25 from a label. */
export const uid = (label: string): string => {
  const h = createHash('sha256').update(`veil-e2e:${label}`).digest();
  return `2.25.${BigInt(`0x${h.subarray(0, 16).toString('hex')}`) >> 2n}`;
};

export interface Person {
  name: string;
  id: string;
  birth: string;
}

/** One CT slice with the person's identity in the usual places, as Part 10 bytes. */
export const ctSlice = (
  p: Person,
  series: string,
  n: number,
  size: number,
  extra: Record<number, string> = {},
): Uint8Array => {
  const pixels = new Uint16Array(size * size);
  for (let i = 0; i < pixels.length; i++) pixels[i] = 1024 + ((i * 7 + n * 13) % 200);
  const sop = uid(`${series}-${n}`);
  const s = (t: number, v: string): Element => stringElement(t, v, vrOf(t), 'ISO_IR 192');
  const ds = new Dataset([
    s(0x00080005, 'ISO_IR 192'),
    s(0x00080008, 'ORIGINAL\\PRIMARY\\AXIAL'),
    s(0x00080016, CT),
    s(0x00080018, sop),
    s(0x00080020, '20240110'),
    s(0x00080060, 'CT'),
    s(0x00080080, 'Test General Hospital'),
    s(0x00081030, 'CT CHEST'),
    s(0x0008103e, 'Axial 1mm'),
    s(0x00100010, p.name),
    s(0x00100020, p.id),
    s(0x00100030, p.birth),
    s(0x00100040, 'O'),
    s(0x0020000d, uid(`${series}-study`)),
    s(0x0020000e, uid(series)),
    s(0x00200011, '1'),
    s(0x00200013, String(n + 1)),
    s(0x00204000, `Follow-up for ${p.name}`),
    usElement(0x00280002, 1),
    s(0x00280004, 'MONOCHROME2'),
    usElement(0x00280010, size),
    usElement(0x00280011, size),
    usElement(0x00280100, 16),
    usElement(0x00280101, 12),
    usElement(0x00280102, 11),
    usElement(0x00280103, 0),
    s(0x00280301, 'NO'),
    s(0x00281052, '-1024'),
    s(0x00281053, '1'),
    { tag: 0x7fe00010, vr: 'OW', value: new Uint8Array(pixels.buffer) },
    ...Object.entries(extra).map(([t, v]) => s(Number(t), v)),
  ]);
  return writePart10({
    meta: fileMeta(CT, sop, ExplicitVRLittleEndian),
    dataset: ds,
    transferSyntax: transferSyntax(ExplicitVRLittleEndian),
  });
};

const write = (path: string, bytes: Uint8Array) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
};

/**
 * A CD-like folder: `count` CT slices spread over nested folders without extensions (named after
 * the patient, as real exports often are), plus a viewer program and an autorun.inf.
 */
export const writeCd = (root: string, p: Person, count: number, size = 64, perSeries = 250): void => {
  for (let i = 0; i < count; i++) {
    const n = Math.floor(i / perSeries);
    const folder = `${p.name.split('^')[0]}/SER${String(n).padStart(3, '0')}`;
    write(join(root, folder, `IM${String(i).padStart(5, '0')}`), ctSlice(p, `${p.id}-series-${n}`, i, size));
  }
  write(join(root, 'AUTORUN.INF'), new TextEncoder().encode('[autorun]\r\nopen=viewer.exe\r\n'));
  write(join(root, 'VIEWER.EXE'), Uint8Array.from([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0]));
};

/** Values that would run script if the page ever put them in as HTML. */
export const HOSTILE = {
  name: '<img src=x onerror=alert(1)>',
  description: '<script>alert(2)</script>',
  series: '"><svg onload=alert(3)>',
};

/** One file whose patient name, study and series descriptions are HTML/script injections. */
export const writeHostile = (root: string): void => {
  write(
    join(root, 'XSS', 'IM00001'),
    ctSlice({ name: HOSTILE.name, id: 'XSS-1', birth: '19700101' }, 'xss-series', 0, 32, {
      528432: HOSTILE.description,
      528446: HOSTILE.series,
    }),
  );
};
