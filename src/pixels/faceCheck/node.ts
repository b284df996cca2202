import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type DetectorName, detectorOf, type FaceApi, type FaceDetector, useWasmBackend } from './detector.ts';

/**
 * Loading the face detector in Node (tests, the CLI, the bench): face-api's Node WebAssembly build
 * on `@tensorflow/tfjs` with `@tensorflow/tfjs-backend-wasm`, weights read from face-api's
 * `model/` folder (no native tfjs-node, no download).
 */

const require = createRequire(import.meta.url);

/** face-api's Node WebAssembly build (one instance per process or worker thread: Node caches it). */
export const nodeFaceApi = (): FaceApi => require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;

/** face-api's folder of weights in node_modules. */
export const nodeModelFolder = (): string =>
  join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');

const loaded = new Map<DetectorName, Promise<FaceDetector>>();

/** The face detector in Node, loaded once per process (or worker thread). */
export const nodeFaceDetector = (name: DetectorName = 'ssdMobilenetv1'): Promise<FaceDetector> => {
  let p = loaded.get(name);
  if (!p) {
    p = (async () => {
      const api = nodeFaceApi();
      await useWasmBackend(api.tf);
      const folder = nodeModelFolder();
      return detectorOf(api, name, async (file) => new Uint8Array(await readFile(join(folder, file))));
    })();
    p.catch(() => loaded.delete(name));
    loaded.set(name, p);
  }
  return p;
};
