/** The contract between decodeFrame and each codec module. */
import type { Result } from '../../dicom/ReadError.ts';
import type { ImagePixel } from '../frames.ts';
import type { DecodedFrame, Samples } from './DecodedFrame.ts';

/**
 * What a codec hands back: interleaved samples in host order, in whatever width the library gives
 * (8-bit as Uint8Array, up to 16-bit as Uint8Array bytes or 16-bit arrays). decodeFrame checks the
 * size against the Image Pixel module and turns the samples into a DecodedFrame.
 */
export interface CodecOutput {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  /** Bits per sample in the codestream (J2K precision, JPEG P, JPEG-LS bits per sample). */
  bitsPerSample: number;
  /** The library's samples; Uint8Array for ≤ 8 bits, else bytes of 16-bit host-order values or a 16-bit array. */
  samples: Samples;
  /** The codestream's samples are signed (JPEG 2000 may say so). */
  signed?: boolean;
  /** What the samples are after decoding (see DecodedFrame). */
  photometric: string;
}

/** A codec module: decodes one frame from its fragments (views; never modified). */
export type Decode = (fragments: Uint8Array[], px: ImagePixel) => Promise<Result<CodecOutput | DecodedFrame>>;

/** OPJ_CLRSPC_SRGB: what OpenJPEG reports once it has turned sYCC into RGB. */
const SRGB = 1;

/**
 * The colour model of JPEG 2000 and HTJ2K samples after decoding: YBR_RCT and YBR_ICT name the
 * reversible and irreversible component transforms, which decoding inverts (PS3.5 §8.2.4), so
 * the samples come out RGB. OpenJPEG also turns subsampled sYCC into RGB (`colorSpace` SRGB).
 */
export const colourAfter = (photometric: string, colorSpace?: number): string =>
  photometric === 'YBR_RCT' || photometric === 'YBR_ICT' || (photometric.startsWith('YBR') && colorSpace === SRGB)
    ? 'RGB'
    : photometric;
