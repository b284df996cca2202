/**
 * Loading the WebAssembly codecs (Emscripten builds from @cornerstonejs/codec-*), once per worker.
 *
 * Where the .wasm comes from: in the browser, from our own origin, at URLs the app registers with
 * `setWasmUrls` (workers/pixels.ts imports them with Vite's `?url`, so the files land in dist/ and
 * are fetched under the CSP's `'self'`; never a CDN). In Node (tests, CLI) nothing is registered
 * and the Emscripten glue reads the file that sits beside it in node_modules. Keeping the URLs out
 * of this module keeps src/pixels free of bundler syntax, so esbuild and Node load it as it is.
 */

/** The options an Emscripten factory takes (the ones used here). */
export interface EmscriptenOptions {
  locateFile?: (path: string, prefix: string) => string;
  print?: (text: string) => void;
  printErr?: (text: string) => void;
}

/** An Emscripten module factory (MODULARIZE=1): options in, a ready module out. */
export type EmscriptenFactory<M> = (options?: EmscriptenOptions) => Promise<M>;

/** The WebAssembly codecs, by library. */
export type WasmCodec = 'libjpeg-turbo' | 'charls' | 'openjpeg' | 'openjph';

const urls: Partial<Record<WasmCodec, string>> = {};

/** Tells the loaders where each codec's .wasm is served (browser only; call before the first decode). */
export const setWasmUrls = (u: Partial<Record<WasmCodec, string>>): void => {
  Object.assign(urls, u);
};

/** A loaded module and the lines it printed during the current decode (libraries report errors there). */
export interface Loaded<M> {
  module: M;
  /** Cleared by the caller before a decode; the last 20 lines are kept. */
  messages: string[];
}

const loaded = new Map<WasmCodec, Promise<Loaded<unknown>>>();

/** Instantiates a codec once per worker and shares it; a failed load is retried on the next call. */
export const loadWasm = <M>(name: WasmCodec, factory: EmscriptenFactory<M>): Promise<Loaded<M>> => {
  let p = loaded.get(name) as Promise<Loaded<M>> | undefined;
  if (!p) {
    const messages: string[] = [];
    const keep = (text: string) => {
      messages.push(text);
      if (messages.length > 20) messages.shift();
    };
    const url = urls[name];
    p = factory({
      ...(url ? { locateFile: (path, prefix) => (path.endsWith('.wasm') ? url : prefix + path) } : {}),
      print: keep,
      printErr: keep,
    }).then((module) => ({ module, messages }));
    p.catch(() => loaded.delete(name));
    loaded.set(name, p);
  }
  return p;
};

/** Bytes that own their buffer: a view into WebAssembly memory is copied out, a fresh copy is kept. */
export const ownBytes = (b: Uint8Array): Uint8Array =>
  b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b : b.slice();

/** Copies a frame's fragments into a WebAssembly buffer the decoder hands out (one copy, no join). */
export const fill = (target: Uint8Array, fragments: Uint8Array[]): void => {
  let p = 0;
  for (const f of fragments) {
    target.set(f, p);
    p += f.length;
  }
};

/** Total length of a frame's fragments. */
export const lengthOf = (fragments: Uint8Array[]): number => fragments.reduce((n, f) => n + f.length, 0);

/** The words of whatever a decoder threw: Emscripten throws C++ exceptions as numbers. */
export const thrown = (e: unknown, fallback: string): string => {
  if (e instanceof Error) return e.message;
  if (typeof e === 'string') return e;
  return fallback;
};
