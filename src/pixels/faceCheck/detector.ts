import type { GreyImage } from '../render/skin.ts';
import { type NetInputLike, type SsdOps, type SsdOutput, type SsdParams, ssdForward } from './ssdForward.ts';

/**
 * A face detector on greyscale pictures: `@vladmandic/face-api`'s networks on the TensorFlow.js
 * WebAssembly backend, with the weights shipped in the npm package (served from our own origin in
 * the browser, read from node_modules in Node). Loading differs by platform (`node.ts`,
 * `browser.ts`); detecting is the same code on both, here.
 */

/** The face-api networks tried: SSD MobileNet v1 (5.4 MB of weights) and the Tiny Face Detector (190 kB). */
export type DetectorName = 'ssdMobilenetv1' | 'tinyFaceDetector';

/** One face found: its score (0–1) and box in pixels. */
export interface Detection {
  score: number;
  box: { x: number; y: number; width: number; height: number };
}

/** A loaded detector: pictures in, faces out (every candidate above `minScore`, best first). */
export interface FaceDetector {
  name: DetectorName;
  /** The TensorFlow.js backend it runs on ('wasm'). */
  backend: string;
  detect(image: GreyImage, minScore?: number): Promise<Detection[]>;
}

/** The files of a network's weights: the manifest and the shards it names. */
export const modelFiles = (name: DetectorName): { manifest: string } => ({
  manifest: `${MODEL_STEM[name]}-weights_manifest.json`,
});

const MODEL_STEM: Record<DetectorName, string> = {
  ssdMobilenetv1: 'ssd_mobilenetv1_model',
  tinyFaceDetector: 'tiny_face_detector_model',
};

/** The shard files of a network (what the app must serve beside the manifest). */
export const MODEL_SHARDS: Record<DetectorName, readonly string[]> = {
  ssdMobilenetv1: ['ssd_mobilenetv1_model.bin'],
  tinyFaceDetector: ['tiny_face_detector_model.bin'],
};

/** The TensorFlow.js WebAssembly binaries: plain and SIMD (the threaded one needs cross-origin isolation, which the app has not). */
export const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'] as const;

/** Reads one of the detector's files by name (fetch from the app's origin, or fs in Node). */
export type ReadAsset = (name: string) => Promise<Uint8Array>;

/* The parts of face-api and its bundled TensorFlow.js used here, typed structurally: face-api's
   own declarations name DOM types and leave most of tf untyped. */

/** A tensor, as far as it is used here. */
export interface TensorLike {
  dispose(): void;
}

/** TensorFlow.js as far as it is used here. */
export interface TfApi extends SsdOps {
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  getBackend(): string;
  env(): { set(flag: string, value: boolean | number): void };
  tensor3d(values: Int32Array, shape: [number, number, number], dtype: 'int32'): TensorLike;
  io: { decodeWeights(data: ArrayBuffer, specs: WeightSpec[]): Record<string, TensorLike> };
  setWasmPaths?(prefixOrFiles: string | Record<string, string>, usePlatformFetch?: boolean): void;
}

/** One entry of a weights manifest (tfjs weights_manifest.json). */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
}

interface WeightGroup {
  paths: string[];
  weights: WeightSpec[];
}

/** A face-api network, as far as it is used here. */
interface NetLike {
  isLoaded: boolean;
  loadFromWeightMap(map: Record<string, TensorLike>): void;
  locateFaces(input: TensorLike, options: Record<string, number>): Promise<Detection[]>;
}

/** face-api's SSD MobileNet v1: its weights and the forward pass its `locateFaces` calls. */
interface SsdNetLike extends NetLike {
  params: SsdParams;
  forwardInput(input: NetInputLike): SsdOutput;
}

/** face-api's module, as far as it is used here. */
export interface FaceApi {
  tf: TfApi;
  nets: Record<DetectorName, NetLike>;
  env: { getEnv(): unknown; setEnv(env: Record<string, unknown>): void };
}

/**
 * The input size of the Tiny Face Detector (a multiple of 32). 416 found more faces on the renders
 * than 320 at about 1.7× the time (measured: see faceCheck.ts).
 */
const TINY_INPUT = 416;

/**
 * Makes a detector from a loaded face-api module: picks the WebAssembly backend, loads the
 * network's weights from `read` (once; a second call with the same module reuses them).
 */
export const detectorOf = async (api: FaceApi, name: DetectorName, read: ReadAsset): Promise<FaceDetector> => {
  const tf = api.tf;
  const net = api.nets[name];
  if (!net.isLoaded) {
    const manifest = JSON.parse(new TextDecoder().decode(await read(modelFiles(name).manifest))) as WeightGroup[];
    const paths = manifest.flatMap((g) => g.paths);
    const shards = await Promise.all(paths.map(read));
    const total = shards.reduce((n, s) => n + s.length, 0);
    const joined = new Uint8Array(total);
    let at = 0;
    for (const s of shards) {
      joined.set(s, at);
      at += s.length;
    }
    const map = tf.io.decodeWeights(
      joined.buffer,
      manifest.flatMap((g) => g.weights),
    );
    net.loadFromWeightMap(map);
  }
  // face-api's own pass keeps every activation until it ends (~100 MB on its 512×512 input, in
  // WebAssembly memory that never shrinks); `ssdForward` is the same pass freeing them as it goes.
  // face-api's `locateFaces` still does the rest (resizing, non-maximum suppression, boxes).
  if (name === 'ssdMobilenetv1') {
    const ssd = net as SsdNetLike;
    ssd.forwardInput = (input) => ssdForward(tf, ssd.params, input);
  }
  // face-api asks its environment whether an input is an image element before it looks for a
  // tensor; a worker has no DOM, so it gets an environment with no elements at all.
  try {
    api.env.getEnv();
  } catch {
    class None {}
    api.env.setEnv({
      Canvas: None,
      CanvasRenderingContext2D: None,
      Image: None,
      ImageData: None,
      Video: None,
      createCanvasElement: () => {
        throw new Error('no canvas here: the face check passes tensors');
      },
      createImageElement: () => {
        throw new Error('no image elements here: the face check passes tensors');
      },
      fetch: () => Promise.reject(new Error('the face check reads its own weights')),
      readFile: () => Promise.reject(new Error('the face check reads its own weights')),
    });
  }
  return {
    name,
    backend: tf.getBackend(),
    detect: async (image, minScore = 0.1) => {
      const { width, height, pixels } = image;
      const rgb = new Int32Array(width * height * 3);
      for (let p = 0, q = 0; p < pixels.length; p++, q += 3) rgb[q] = rgb[q + 1] = rgb[q + 2] = pixels[p]!;
      const input = tf.tensor3d(rgb, [height, width, 3], 'int32');
      try {
        const options: Record<string, number> =
          name === 'ssdMobilenetv1'
            ? { minConfidence: minScore, maxResults: 10 }
            : { inputSize: TINY_INPUT, scoreThreshold: minScore };
        const found = await net.locateFaces(input, options);
        return found
          .map((d) => ({
            score: d.score,
            box: { x: d.box.x, y: d.box.y, width: d.box.width, height: d.box.height },
          }))
          .sort((a, b) => b.score - a.score);
      } finally {
        input.dispose();
      }
    },
  };
};

/**
 * Selects TensorFlow.js's WebAssembly backend without threads (no SharedArrayBuffer: the app is
 * not cross-origin isolated, and a Node worker keeps to one thread like the rest of the engine).
 */
export const useWasmBackend = async (tf: TfApi): Promise<void> => {
  if (tf.getBackend() === 'wasm') return;
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  const ok = await tf.setBackend('wasm');
  if (!ok) throw new Error('the TensorFlow.js WebAssembly backend did not start');
  await tf.ready();
};
