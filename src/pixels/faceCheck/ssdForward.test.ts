import { beforeAll, describe, expect, it } from 'vitest';
import { headsPresent, readHead } from '../deface/testHeads.ts';
import type { GreyImage } from '../render/skin.ts';
import type { FaceDetector } from './detector.ts';
import { faceCheckScenes, faceCheckView, headFrameOf } from './faceCheck.ts';
import { nodeFaceApi, nodeFaceDetector } from './node.ts';
import type { NetInputLike, Tensor } from './ssdForward.ts';

/** A tensor whose values the test reads. */
interface DataTensor extends Tensor {
  dataSync(): Float32Array;
}

/** The network's output, as the test reads it. */
interface Output {
  boxes: DataTensor[];
  scores: DataTensor[];
}

/** The parts of face-api and its tf that only this test reaches for. */
interface TestApi {
  tf: {
    memory(): { numTensors: number; numBytes: number };
    backend(): { wasm: { HEAPU8: Uint8Array } };
    tensor3d(values: Int32Array, shape: [number, number, number], dtype: 'int32'): Tensor;
  };
  toNetInput(input: Tensor): Promise<NetInputLike>;
  nets: { ssdMobilenetv1: { forwardInput(input: NetInputLike): Output } };
}

const api = nodeFaceApi() as unknown as TestApi;
const MB = 1024 * 1024;

let detector: FaceDetector;

beforeAll(async () => {
  detector = await nodeFaceDetector();
});

/** A deterministic 256×256 picture with edges everywhere (the detector's work does not depend on what it sees). */
const pattern = (width = 256, height = 256): GreyImage => ({
  width,
  height,
  pixels: Uint8ClampedArray.from({ length: width * height }, (_, i) => (i * 7919) % 251),
});

const rgbTensor = (image: GreyImage): Tensor => {
  const rgb = new Int32Array(image.width * image.height * 3);
  for (let p = 0; p < image.pixels.length; p++) rgb[3 * p] = rgb[3 * p + 1] = rgb[3 * p + 2] = image.pixels[p]!;
  return api.tf.tensor3d(rgb, [image.height, image.width, 3], 'int32');
};

/** Both passes' boxes and scores for one picture: ours (installed on the net) and face-api's own (its prototype's). */
const bothPasses = async (image: GreyImage) => {
  const net = api.nets.ssdMobilenetv1;
  const own = Object.getPrototypeOf(net) as typeof net;
  const input = rgbTensor(image);
  const prepared = await api.toNetInput(input);
  const read = (o: Output) => {
    const values = { boxes: o.boxes[0]!.dataSync(), scores: o.scores[0]!.dataSync() };
    for (const t of [...o.boxes, ...o.scores]) t.dispose();
    return values;
  };
  const ours = read(net.forwardInput(prepared));
  const theirs = read(own.forwardInput.call(net, prepared));
  input.dispose();
  return { ours, theirs };
};

describe('SSD MobileNet v1, freeing its activations as it goes', () => {
  // First in this file (a process of its own): face-api's own pass, run by the next test, grows
  // the heap for good.
  it("leaves no tensor behind, and the WebAssembly heap after 6 detections under 150 MB (face-api's own pass: 207 MB)", async () => {
    const start = api.tf.memory();
    for (let k = 0; k < 6; k++) await detector.detect(pattern());
    const end = api.tf.memory();
    expect(end.numTensors).toBe(start.numTensors);
    expect(end.numBytes).toBe(start.numBytes);
    // Measured: 120 MB (21 MB of weights, 28 MB of XNNPACK operators, 33 MB of activations at
    // the peak, the rest the allocator's placement); face-api's own pass: 207 MB.
    expect(api.tf.backend().wasm.HEAPU8.length).toBeLessThan(150 * MB);
  });

  it("gives the same boxes and scores as face-api's own pass, to the bit", async () => {
    for (const image of [pattern(), pattern(200, 256)]) {
      const { ours, theirs } = await bothPasses(image);
      expect(ours.boxes).toEqual(theirs.boxes);
      expect(ours.scores).toEqual(theirs.scores);
    }
  });

  it.skipIf(!headsPresent)('gives the same boxes and scores on a real face (the sagittal T1, front view)', async () => {
    const { voxels } = readHead('mr-decubitus-hfs');
    const scenes = faceCheckScenes(voxels, voxels, headFrameOf(voxels));
    const { ours, theirs } = await bothPasses(faceCheckView(scenes.before, 0, 5));
    expect(Math.max(...ours.scores)).toBeGreaterThan(0.9);
    expect(ours.boxes).toEqual(theirs.boxes);
    expect(ours.scores).toEqual(theirs.scores);
  });
});
