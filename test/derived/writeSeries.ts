import { Dataset, type Element } from '../../src/dicom/Dataset.ts';
import { fileMeta } from '../../src/dicom/FileMeta.ts';
import { ExplicitVRLittleEndian, transferSyntax } from '../../src/dicom/TransferSyntax.ts';
import type { VR } from '../../src/dicom/VR.ts';
import { getString, stringElement, usElement } from '../../src/dicom/values.ts';
import { writePart10 } from '../../src/dicom/write.ts';
import type { Samples } from '../../src/pixels/codecs/DecodedFrame.ts';
import { cross, dot, sub, type Vec3 } from '../../src/pixels/geometry/vec3.ts';
import type { PatientPosition, SliceGrid } from './sliceGrid.ts';
import type { SourceHead } from './sources.ts';
import { derivedUid } from './uid.ts';

/** How physical values are stored: the Image Pixel module and the Modality LUT (CT only). */
export interface Storage {
  bitsAllocated: 8 | 16;
  bitsStored: number;
  signed: boolean;
  /** RescaleSlope and RescaleIntercept (written for CT; MR stores its values as they are). */
  slope: number;
  intercept: number;
  /** PixelPaddingValue (0028,0120), stored: written into pixels outside the source's field of view. */
  padding?: number;
}

/** The stored range of a storage. */
const range = (s: Storage): [number, number] =>
  s.signed ? [-(2 ** (s.bitsStored - 1)), 2 ** (s.bitsStored - 1) - 1] : [0, 2 ** s.bitsStored - 1];

/** Physical values as stored samples (rounded, clamped to Bits Stored); NaN (outside the field of view) as padding. */
export const storedFrames = (physical: readonly Float32Array[], s: Storage): Samples[] => {
  const [lo, hi] = range(s);
  return physical.map((f) => {
    const out =
      s.bitsAllocated === 8
        ? s.signed
          ? new Int8Array(f.length)
          : new Uint8Array(f.length)
        : s.signed
          ? new Int16Array(f.length)
          : new Uint16Array(f.length);
    for (let i = 0; i < f.length; i++) {
      const x = f[i]!;
      out[i] = Number.isNaN(x)
        ? (s.padding ?? lo)
        : Math.min(hi, Math.max(lo, Math.round((x - s.intercept) / s.slope)));
    }
    return out;
  });
};

/** What a derived series says about itself. */
export interface SeriesSpec {
  /** The case's name: seeds the UIDs, names the series. */
  caseName: string;
  seriesNumber: number;
  /** DerivationDescription (0008,2111): how the pixels were made. */
  derivation: string;
  patientPosition: PatientPosition;
  storage: Storage;
  /** The source's FrameOfReferenceUID when the anatomy did not move, else a new one. */
  frameOfReferenceUID: string;
}

/** Source elements not carried into a derived image: its own identity, geometry, pixels, and references to other images. */
const DROPPED = new Set([
  0x00080008, // ImageType: rewritten
  0x00080018, // SOPInstanceUID
  0x0008103e, // SeriesDescription
  0x00081140, // ReferencedImageSequence (the source's localizers)
  0x00082111, // DerivationDescription
  0x00180050, // SliceThickness
  0x00180088, // SpacingBetweenSlices
  0x00185100, // PatientPosition
  0x0020000e, // SeriesInstanceUID
  0x00200011, // SeriesNumber
  0x00200013, // InstanceNumber
  0x00200032, // ImagePositionPatient
  0x00200037, // ImageOrientationPatient
  0x00200052, // FrameOfReferenceUID
  0x00201041, // SliceLocation
  0x00280106, // SmallestImagePixelValue
  0x00280107, // LargestImagePixelValue
  0x00280120, // PixelPaddingValue
  0x00281052, // RescaleIntercept
  0x00281053, // RescaleSlope
  0x7fe00010, // PixelData
]);

/**
 * Type 2 attributes (present, possibly empty) of the Patient, General Study, Frame of Reference
 * and CT Image modules (PS3.3 C.7.1.1, C.7.2.1, C.7.4.1, C.8.2.1) that a synthetic source header
 * (the UNC CT's) lacks: written empty, so the derived files are as valid as a scanner's.
 */
const TYPE_2: readonly [number, VR, 'CT' | 'any'][] = [
  [0x00080020, 'DA', 'any'], // StudyDate
  [0x00080030, 'TM', 'any'], // StudyTime
  [0x00080050, 'SH', 'any'], // AccessionNumber
  [0x00080090, 'PN', 'any'], // ReferringPhysicianName
  [0x00100030, 'DA', 'any'], // PatientBirthDate
  [0x00100040, 'CS', 'any'], // PatientSex
  [0x00180060, 'DS', 'CT'], // KVP
  [0x00200010, 'SH', 'any'], // StudyID
  [0x00200012, 'IS', 'CT'], // AcquisitionNumber
  [0x00201040, 'LO', 'any'], // PositionReferenceIndicator
];

/** A DS value: at most 16 characters per value, no float noise. */
const ds = (xs: readonly number[]): string =>
  xs.map((x) => String(Math.abs(x) < 1e-9 ? 0 : Number(x.toPrecision(9)))).join('\\');

/**
 * Writes a derived series as Part 10 files (Explicit VR Little Endian, native pixels), one per
 * slice in the grid's instance order. Patient, study and equipment come from the source's header;
 * the series, instances and geometry are new; private elements are left out (a scanner's private
 * geometry would describe the source, not this series).
 */
export const writeSeries = (source: SourceHead, grid: SliceGrid, frames: readonly Samples[], spec: SeriesSpec) => {
  const h = source.header;
  const sopClass = getString(h, 0x00080016) ?? '';
  const modality = source.modality;
  const seriesUid = derivedUid(spec.caseName, 'series');
  const normal: Vec3 = cross(grid.rowCosines, grid.columnCosines);
  const kept = h.elements().filter((e) => !DROPPED.has(e.tag) && (e.tag >>> 16) % 2 === 0 && e.tag >>> 16 !== 2);
  const sourceType = (getString(h, 0x00080008) ?? '').split('\\').slice(2);
  // Value 3 is required: AXIAL for CT (C.8.2.1.1.1), the source's own for MR, else OTHER.
  const third = modality === 'CT' ? ['AXIAL'] : sourceType.length > 0 ? sourceType : ['OTHER'];
  const imageType = ['DERIVED', 'SECONDARY', ...third].join('\\');
  const missing = TYPE_2.filter(([t, , m]) => !h.has(t) && (m === 'any' || m === modality)).map(
    ([t, vr]): Element => ({ tag: t, vr, value: new Uint8Array(0) }),
  );
  const s = spec.storage;
  const ss = (t: number, n: number): Element => {
    const v = new Uint8Array(2);
    new DataView(v.buffer).setInt16(0, n, true);
    return { tag: t, vr: 'SS', value: v };
  };
  const regular = grid.positions.length > 1 ? dot(sub(grid.positions[1]!, grid.positions[0]!), normal) : 0;
  return grid.positions.map((position, k) => {
    const sopUid = derivedUid(spec.caseName, 'instance', k);
    const px = frames[k]!;
    const ds0 = new Dataset([
      ...kept,
      ...missing,
      stringElement(0x00080008, imageType, 'CS'),
      stringElement(0x00080018, sopUid, 'UI'),
      stringElement(0x0008103e, `veil derived ${spec.caseName}`.slice(0, 64), 'LO'),
      stringElement(0x00082111, spec.derivation.slice(0, 1024), 'ST'),
      stringElement(0x00180050, ds([grid.sliceThickness]), 'DS'),
      ...(modality === 'MR' ? [stringElement(0x00180088, ds([Math.abs(regular)]), 'DS')] : []),
      stringElement(0x00185100, spec.patientPosition, 'CS'),
      stringElement(0x0020000e, seriesUid, 'UI'),
      stringElement(0x00200011, String(spec.seriesNumber), 'IS'),
      stringElement(0x00200013, String(k + 1), 'IS'),
      stringElement(0x00200032, ds(position), 'DS'),
      stringElement(0x00200037, ds([...grid.rowCosines, ...grid.columnCosines]), 'DS'),
      stringElement(0x00200052, spec.frameOfReferenceUID, 'UI'),
      stringElement(0x00201041, ds([dot(position, normal)]), 'DS'),
      usElement(0x00280002, 1),
      stringElement(0x00280004, 'MONOCHROME2', 'CS'),
      usElement(0x00280010, grid.rows),
      usElement(0x00280011, grid.columns),
      stringElement(0x00280030, ds(grid.pixelSpacing), 'DS'),
      usElement(0x00280100, s.bitsAllocated),
      usElement(0x00280101, s.bitsStored),
      usElement(0x00280102, s.bitsStored - 1),
      usElement(0x00280103, s.signed ? 1 : 0),
      ...(s.padding === undefined ? [] : [s.signed ? ss(0x00280120, s.padding) : usElement(0x00280120, s.padding)]),
      ...(modality === 'CT'
        ? [stringElement(0x00281052, ds([s.intercept]), 'DS'), stringElement(0x00281053, ds([s.slope]), 'DS')]
        : []),
      {
        tag: 0x7fe00010,
        vr: s.bitsAllocated === 8 ? 'OB' : 'OW',
        value: new Uint8Array(px.buffer, px.byteOffset, px.byteLength),
      },
    ]);
    return writePart10({
      meta: fileMeta(sopClass, sopUid, ExplicitVRLittleEndian),
      dataset: ds0,
      transferSyntax: transferSyntax(ExplicitVRLittleEndian),
    });
  });
};
