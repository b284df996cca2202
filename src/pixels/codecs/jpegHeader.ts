/** The JPEG markers decoders need to look at before decoding (ITU T.81 B.2), shared by the JPEG codecs. */
import { fail, ok, type Result } from '../../dicom/ReadError.ts';

/** What the frame header and the APPn markers before the first scan say (ITU T.81 B.2). */
export interface JpegHeader {
  /** SOFn marker number (0 baseline, 1 extended, 3 lossless…). */
  process: number;
  precision: number;
  components: number;
  /** A JFIF APP0 marker is present (JFIF means YCbCr). */
  jfif: boolean;
  /** An Adobe APP14 marker is present (its transform byte says RGB or YCbCr). */
  adobe: boolean;
  /** The components do not all have the same sampling factors (chroma subsampled). */
  subsampled: boolean;
}

/** Reads the markers from SOI up to the first SOS (the frame header always precedes it). */
export const readJpegHeader = (b: Uint8Array): Result<JpegHeader> => {
  if (b[0] !== 0xff || b[1] !== 0xd8) return fail('malformed', 'the fragment does not start with a JPEG SOI marker');
  let p = 2;
  const h: Partial<JpegHeader> = { jfif: false, adobe: false, subsampled: false };
  while (p + 4 <= b.length) {
    if (b[p] !== 0xff) return fail('malformed', `no JPEG marker at byte ${p}`);
    const m = b[p + 1]!;
    if (m === 0xff) {
      p++; // fill byte
      continue;
    }
    if (m === 0xda) break;
    const len = (b[p + 2]! << 8) | b[p + 3]!;
    const seg = p + 4;
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) {
      h.process = m - 0xc0;
      h.precision = b[seg]!;
      h.components = b[seg + 5]!;
      for (let c = 1; c < h.components; c++) if (b[seg + 7 + c * 3] !== b[seg + 7]) h.subsampled = true;
    } else if (m === 0xe0 && ascii(b, seg, 5) === 'JFIF\0') h.jfif = true;
    else if (m === 0xee && ascii(b, seg, 5) === 'Adobe') h.adobe = true;
    p += 2 + len;
  }
  if (h.process === undefined) return fail('malformed', 'the JPEG stream has no frame header (SOFn) before its scan');
  return ok(h as JpegHeader);
};

const ascii = (b: Uint8Array, at: number, n: number): string => String.fromCharCode(...b.subarray(at, at + n));
