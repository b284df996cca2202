import { Dataset } from './Dataset.ts';
import { stringElement } from './values.ts';

/** Veil's Implementation Class UID (PS3.7 D.3.3.2): a 2.25 UUID-derived UID minted once for Veil. */
export const VEIL_IMPLEMENTATION_CLASS_UID = '2.25.215632837949796302447193957038072545081';

/** Identifies the software version that wrote a file (SH, 16 characters at most). */
export const VEIL_IMPLEMENTATION_VERSION = 'VEIL_0_1_0';

/**
 * Builds a fresh File Meta Information group (PS3.10 §7.1). Nothing is carried over from the
 * input's: Source AE Title and private meta elements can identify the sending site.
 */
export const fileMeta = (sopClassUID: string, sopInstanceUID: string, transferSyntaxUID: string): Dataset =>
  new Dataset([
    { tag: 0x00020001, vr: 'OB', value: new Uint8Array([0, 1]) },
    stringElement(0x00020002, sopClassUID, 'UI'),
    stringElement(0x00020003, sopInstanceUID, 'UI'),
    stringElement(0x00020010, transferSyntaxUID, 'UI'),
    stringElement(0x00020012, VEIL_IMPLEMENTATION_CLASS_UID, 'UI'),
    stringElement(0x00020013, VEIL_IMPLEMENTATION_VERSION, 'SH'),
  ]);
