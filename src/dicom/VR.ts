/**
 * Value Representations (PS3.5 §6.2) and the facts about them the reader, writer and
 * de-identifier need. Grouped here so no module re-derives them.
 */
export type VR =
  | 'AE'
  | 'AS'
  | 'AT'
  | 'CS'
  | 'DA'
  | 'DS'
  | 'DT'
  | 'FD'
  | 'FL'
  | 'IS'
  | 'LO'
  | 'LT'
  | 'OB'
  | 'OD'
  | 'OF'
  | 'OL'
  | 'OV'
  | 'OW'
  | 'PN'
  | 'SH'
  | 'SL'
  | 'SQ'
  | 'SS'
  | 'ST'
  | 'SV'
  | 'TM'
  | 'UC'
  | 'UI'
  | 'UL'
  | 'UN'
  | 'UR'
  | 'US'
  | 'UT'
  | 'UV';

const ALL = new Set<string>(
  'AE AS AT CS DA DS DT FD FL IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR US UT UV'.split(' '),
);

/** True for the 34 VRs of PS3.5 Table 6.2-1. */
export const isVR = (s: string): s is VR => ALL.has(s);

/** Explicit VR encodings with a 2-byte reserved field and a 4-byte length (PS3.5 §7.1.2). */
export const LONG_LENGTH = new Set<VR>(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

/** Character-string VRs: padded with a space (UI with NUL), values split on backslash. */
export const STRING = new Set<VR>([
  'AE',
  'AS',
  'CS',
  'DA',
  'DS',
  'DT',
  'IS',
  'LO',
  'LT',
  'PN',
  'SH',
  'ST',
  'TM',
  'UC',
  'UI',
  'UR',
  'UT',
]);

/** VRs whose bytes are decoded with Specific Character Set (PS3.5 §6.1.2.3); others are ASCII. */
export const CHARSET_DEPENDENT = new Set<VR>(['LO', 'LT', 'PN', 'SH', 'ST', 'UC', 'UT']);

/** Text VRs that hold one value with no backslash splitting. */
export const SINGLE_VALUED_TEXT = new Set<VR>(['LT', 'ST', 'UT', 'UR']);

/** Maximum value length in characters for fixed-size string VRs (PS3.5 Table 6.2-1). */
export const MAX_LENGTH: Partial<Record<VR, number>> = {
  AE: 16,
  AS: 4,
  CS: 16,
  DA: 8,
  DS: 16,
  DT: 26,
  IS: 12,
  LO: 64,
  PN: 64,
  SH: 16,
  TM: 14,
  UI: 64,
};

/** Byte used to pad a value to even length. */
export const padByte = (vr: VR): number => (vr === 'UI' ? 0 : STRING.has(vr) ? 0x20 : 0);
