/**
 * The files the app must serve for the face check (src/pixels/faceCheck/browser.ts), as
 * vite-plugin-static-copy targets: the SSD MobileNet v1 weights from @vladmandic/face-api and
 * TensorFlow.js's WebAssembly binaries (plain and SIMD; the threaded one needs cross-origin
 * isolation, which the app has not). All land flat in `face-check/` of the build, so the worker
 * passes `${import.meta.env.BASE_URL}face-check/` to `browserFaceDetector`.
 *
 * The .bin (5.4 MB) is not matched by the PWA's precache globPatterns (js, css, html, svg, png,
 * json, wasm); add `bin` there for the face check to work offline.
 */

/** Where the files go, under the build's output folder. */
export const FACE_ASSETS_DIR = 'face-check';

/** The static-copy targets (vite-plugin-static-copy v4: `viteStaticCopy({ targets: faceAssetTargets })`). */
export const faceAssetTargets: { src: string; dest: string }[] = [
  'node_modules/@vladmandic/face-api/model/ssd_mobilenetv1_model-weights_manifest.json',
  'node_modules/@vladmandic/face-api/model/ssd_mobilenetv1_model.bin',
  'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm',
  'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm',
].map((src) => ({ src, dest: FACE_ASSETS_DIR }));
