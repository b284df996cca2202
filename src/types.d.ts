declare module 'dicom-character-set' {
  /** Decodes DICOM text bytes per Specific Character Set (ISO 2022 escapes included). */
  export function convertBytes(specificCharacterSet: string, bytes: Uint8Array, options?: { vr?: string }): string;
}
