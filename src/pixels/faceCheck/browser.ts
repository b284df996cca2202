import { type DetectorName, detectorOf, type FaceApi, type FaceDetector, useWasmBackend } from './detector.ts';

/**
 * Loading the face detector in a browser worker: face-api's ES module build, which bundles its own
 * TensorFlow.js 4.22 (core, CPU, WebGL and WebAssembly backends), on the WebAssembly backend.
 * Every file comes from the app's own origin under `baseUrl` (CSP `connect-src 'self'`,
 * `'wasm-unsafe-eval'`; see vite/faceAssets.ts for the list):
 *   `${baseUrl}ssd_mobilenetv1_model-weights_manifest.json`, `${baseUrl}ssd_mobilenetv1_model.bin`,
 *   `${baseUrl}tfjs-backend-wasm.wasm`, `${baseUrl}tfjs-backend-wasm-simd.wasm`.
 * The app is not cross-origin isolated, so the threaded binary is never asked for.
 */

let loading: Promise<FaceDetector> | undefined;

/** The face detector in this worker, loaded once; `baseUrl` ends with a slash (e.g. `${import.meta.env.BASE_URL}face-check/`). */
export const browserFaceDetector = (baseUrl: string, name: DetectorName = 'ssdMobilenetv1'): Promise<FaceDetector> => {
  if (!loading) {
    loading = (async () => {
      const api = (await import('@vladmandic/face-api/dist/face-api.esm.js')) as unknown as FaceApi;
      // Prefix form: the backend appends the binary's own name (plain or SIMD, as the browser supports).
      api.tf.setWasmPaths?.(baseUrl);
      await useWasmBackend(api.tf);
      return detectorOf(api, name, async (file) => {
        const response = await fetch(baseUrl + file);
        if (!response.ok) throw new Error(`the face check could not load ${file} (HTTP ${response.status})`);
        return new Uint8Array(await response.arrayBuffer());
      });
    })();
    loading.catch(() => {
      loading = undefined;
    });
  }
  return loading;
};
