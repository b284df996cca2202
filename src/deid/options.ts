/**
 * The PS3.15 Annex E options (§E.3), named as the columns of Table E.1-1, with their CID 7050
 * codes (PS3.16) for the De-identification Method Code Sequence.
 */
export const OPTION_NAMES = [
  'retainSafePrivate',
  'retainUIDs',
  'retainDeviceIdentity',
  'retainInstitutionIdentity',
  'retainPatientCharacteristics',
  'retainLongFullDates',
  'retainLongModifiedDates',
  'cleanDescriptors',
  'cleanStructuredContent',
  'cleanGraphics',
] as const;

export type OptionName = (typeof OPTION_NAMES)[number];

/** Which options are in effect. The Basic Profile is always applied. */
export type ProfileOptions = Record<OptionName, boolean>;

/** Each option's standard name and its code in CID 7050 "De-identification Method". */
export const OPTION_INFO: Record<OptionName, { code: string; meaning: string }> = {
  retainSafePrivate: { code: '113111', meaning: 'Retain Safe Private Option' },
  retainUIDs: { code: '113110', meaning: 'Retain UIDs Option' },
  retainDeviceIdentity: { code: '113109', meaning: 'Retain Device Identity Option' },
  retainInstitutionIdentity: { code: '113112', meaning: 'Retain Institution Identity Option' },
  retainPatientCharacteristics: { code: '113108', meaning: 'Retain Patient Characteristics Option' },
  retainLongFullDates: { code: '113106', meaning: 'Retain Longitudinal Temporal Information Full Dates Option' },
  retainLongModifiedDates: {
    code: '113107',
    meaning: 'Retain Longitudinal Temporal Information Modified Dates Option',
  },
  cleanDescriptors: { code: '113105', meaning: 'Clean Descriptors Option' },
  cleanStructuredContent: { code: '113104', meaning: 'Clean Structured Content Option' },
  cleanGraphics: { code: '113103', meaning: 'Clean Graphics Option' },
};

/** The Basic Application Level Confidentiality Profile (CID 7050). */
export const BASIC_PROFILE = { code: '113100', meaning: 'Basic Application Confidentiality Profile' };

const none: ProfileOptions = Object.fromEntries(OPTION_NAMES.map((n) => [n, false])) as ProfileOptions;

/**
 * The safest default, shared by the CLI and the app's "Share publicly / research" preset:
 * Basic Profile + Clean Descriptors + Clean Structured Content + Clean Graphics, no dates kept.
 */
export const RESEARCH: ProfileOptions = {
  ...none,
  cleanDescriptors: true,
  cleanStructuredContent: true,
  cleanGraphics: true,
};

/** "Share with a doctor": Basic Profile + shifted dates (intervals kept) + age, sex, size, weight. */
export const DOCTOR: ProfileOptions = {
  ...none,
  retainLongModifiedDates: true,
  retainPatientCharacteristics: true,
};

/** Rejects combinations the standard rules out: full dates and modified dates are exclusive. */
export const validateOptions = (o: ProfileOptions): string | undefined =>
  o.retainLongFullDates && o.retainLongModifiedDates
    ? 'Retain Longitudinal Full Dates and Retain Longitudinal Modified Dates cannot both be on'
    : undefined;
