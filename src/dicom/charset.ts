import { convertBytes } from 'dicom-character-set';
import { CHARSET_DEPENDENT, type VR } from './VR.ts';

/**
 * Text decoding per Specific Character Set (0008,0005), PS3.5 §6.1 and Annex H/I/J.
 * `dicom-character-set` does the ISO 2022 escape handling (Japanese, Korean, Chinese);
 * it is maintained for exactly this and its output matches the standard's examples.
 */
export const decodeText = (bytes: Uint8Array, vr: VR, specificCharacterSet: string): string => {
  if (!CHARSET_DEPENDENT.has(vr) || !specificCharacterSet || isAscii(bytes)) return ascii(bytes);
  try {
    return convertBytes(specificCharacterSet, bytes, { vr });
  } catch {
    // An unknown or malformed declared charset: decode as Latin-1 so no byte is hidden
    // from the leak scan (every byte maps to some character).
    return new TextDecoder('latin1').decode(bytes);
  }
};

const isAscii = (b: Uint8Array): boolean => {
  for (let i = 0; i < b.length; i++) if (b[i]! > 0x7e || b[i] === 0x1b) return false;
  return true;
};

const ascii = (b: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
  return s;
};

/**
 * Encodes text Veil writes (pseudonyms, dummies, cleaned text) in the data set's character set.
 * Returns undefined when the text can't be represented, so the caller can choose a safe ASCII value.
 * ASCII is valid in every character set DICOM allows (all keep ISO 646 in G0).
 */
export const encodeText = (text: string, specificCharacterSet: string): Uint8Array | undefined => {
  if (/^[\x00-\x7e]*$/.test(text)) return asciiBytes(text);
  const cs = specificCharacterSet.split('\\').map((s) => s.trim());
  if (cs.includes('ISO_IR 192')) return new TextEncoder().encode(text);
  if (cs.length === 1 && (cs[0] === 'ISO_IR 100' || cs[0] === '')) {
    if (cs[0] === '' || [...text].some((c) => c.charCodeAt(0) > 0xff)) return undefined;
    return Uint8Array.from(text, (c) => c.charCodeAt(0));
  }
  return undefined;
};

/** ASCII bytes of a string whose characters are all below 0x80. */
export const asciiBytes = (s: string): Uint8Array => {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0x7f;
  return b;
};
