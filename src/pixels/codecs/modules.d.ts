/**
 * Types for the codec packages, which ship none. Only what Veil calls is declared. The WebAssembly
 * classes are Embind objects: their memory is freed with delete(), not by the garbage collector.
 */

interface CodecFrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned?: boolean;
  isUsingColorTransform?: boolean;
}

interface EmbindDecoder {
  /** A view into WebAssembly memory, `size` bytes, to copy the encoded frame into. */
  getEncodedBuffer(size: number): Uint8Array;
  decode(): void;
  /** The decoded samples: a view into WebAssembly memory or a copy, depending on the library. */
  getDecodedBuffer(): Uint8Array | Uint8ClampedArray;
  getFrameInfo(): CodecFrameInfo;
  delete(): void;
}

interface EmscriptenModuleOptions {
  locateFile?: (path: string, prefix: string) => string;
  print?: (text: string) => void;
  printErr?: (text: string) => void;
}

declare module '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs' {
  export interface LibJpegTurbo {
    JPEGDecoder: new () => EmbindDecoder;
  }
  const factory: (options?: EmscriptenModuleOptions) => Promise<LibJpegTurbo>;
  export default factory;
}

declare module '@cornerstonejs/codec-charls/decodewasmjs' {
  export interface CharLS {
    JpegLSDecoder: new () => EmbindDecoder & {
      /** 0 none (planar output), 1 line, 2 sample (both interleaved). */
      getInterleaveMode(): number;
      getNearLossless(): number;
    };
    getExceptionMessage?: (e: unknown) => [string, string];
  }
  const factory: (options?: EmscriptenModuleOptions) => Promise<CharLS>;
  export default factory;
}

declare module '@cornerstonejs/codec-openjpeg/decodewasmjs' {
  export interface OpenJPEG {
    J2KDecoder: new () => EmbindDecoder & {
      /** OPJ_COLOR_SPACE after decoding: 1 sRGB, 2 grey, 3 sYCC… */
      getColorSpace(): number;
    };
  }
  const factory: (options?: EmscriptenModuleOptions) => Promise<OpenJPEG>;
  export default factory;
}

declare module '@cornerstonejs/codec-openjph/wasmjs' {
  export interface OpenJPH {
    HTJ2KDecoder: new () => EmbindDecoder & {
      getIsHeaderValid?(): boolean;
      getLastErrorMessage?(): string;
    };
    HTJ2KEncoder: new () => {
      getDecodedBuffer(frameInfo: CodecFrameInfo): Uint8Array;
      getEncodedBuffer(): Uint8Array;
      encode(): void;
      setQuality(lossless: boolean, quantizationStep: number): void;
      /** 0 LRCP, 1 RLCP, 2 RPCL, 3 PCRL, 4 CPRL. */
      setProgressionOrder(order: number): void;
      setDecompositions(n: number): void;
      setTLMMarker(on: boolean): void;
      delete(): void;
    };
  }
  const factory: (options?: EmscriptenModuleOptions) => Promise<OpenJPH>;
  export default factory;
}

declare module 'jpeg-lossless-decoder-js' {
  /** JPEG Lossless (ITU T.81 process 14) decoder, pure JavaScript. */
  export class Decoder {
    /** Samples of the frame: Uint8Array for precision ≤ 8, Uint16Array above (host order). */
    decode(buffer: ArrayBufferLike, offset: number, length: number, numBytes?: number): Uint8Array | Uint16Array;
    /** Frame header after decode(): precision and component count. */
    frame: { precision: number; dimX: number; dimY: number; numComp: number };
    numComp: number;
    /** Predictor 7 (T.81 Table H.1) and the neighbours it uses. */
    select7(component: number): number;
    getPreviousX(component?: number): number;
    getPreviousY(component?: number): number;
  }
}
