import { Dataset, type Element } from '../src/dicom/Dataset.ts';
import { vrOf } from '../src/dicom/dictionary.ts';
import { fileMeta } from '../src/dicom/FileMeta.ts';
import { readDicom } from '../src/dicom/read.ts';
import { ExplicitVRLittleEndian, transferSyntax } from '../src/dicom/TransferSyntax.ts';
import type { VR } from '../src/dicom/VR.ts';
import { getString, stringElement } from '../src/dicom/values.ts';
import { writePart10 } from '../src/dicom/write.ts';

/** A value for `build`: a string, raw bytes with a VR, or sequence items. */
export type Spec = string | { vr: VR; bytes: Uint8Array } | Record<number, Spec>[];

/** Builds a data set from { tag: value } (test data only). */
export const build = (spec: Record<number, Spec>, charset = ''): Dataset =>
  new Dataset(
    Object.entries(spec).map(([k, v]): Element => {
      const t = Number(k) >>> 0;
      if (Array.isArray(v)) return { tag: t, vr: 'SQ', items: v.map((item) => build(item, charset)) };
      if (typeof v === 'string') return stringElement(t, v, vrOf(t), charset);
      return { tag: t, vr: v.vr, value: v.bytes };
    }),
  );

/** Writes a data set as an Explicit VR LE Part 10 file, meta taken from its SOP Class/Instance UIDs. */
export const part10 = (ds: Dataset): Uint8Array =>
  writePart10({
    meta: fileMeta(getString(ds, 0x00080016) ?? '', getString(ds, 0x00080018) ?? '', ExplicitVRLittleEndian),
    dataset: ds,
    transferSyntax: transferSyntax(ExplicitVRLittleEndian),
  });

/** Reads bytes that must be DICOM (throws otherwise: test helper). */
export const reread = (bytes: Uint8Array): Dataset => {
  const r = readDicom(bytes);
  if (!r.ok) throw new Error(r.error.message);
  return r.value.dataset;
};
