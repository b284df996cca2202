/**
 * SSD MobileNet v1's forward pass as face-api runs it (`SsdMobilenetv1.forwardInput`: the same
 * operations in the same order on face-api's loaded weights, a 1×1 convolution done as the equal
 * matrix product; the same boxes and scores to the bit), but freeing every intermediate result as
 * soon as the next operation has read it.
 *
 * Why: face-api runs the whole network inside one `tf.tidy`, which keeps every intermediate
 * result until the pass ends. On its 512×512 input the MobileNet layers' outputs add up to
 * 115 MB (the largest 256×256×64 floats, 16 MB), all alive at once, in WebAssembly memory, which
 * never shrinks. Measured on a 256 px render: the backend's heap went from 23 MB (the weights)
 * to 207 MB at the first detection, and the CLI defacing the UNC cadaver CT peaked at 442–459 MB
 * RSS (204 MB without the face check). Freed as they go, at most two 16 MB results are alive
 * (33 MB of activations at the peak), the heap settles at 120 MB after the second detection, and
 * the same CLI run peaks at 334–365 MB. The rest is the detector's fixed cost: 21 MB of weights,
 * 28 MB of XNNPACK operators built from them (see `conv`), ~40 MB of TensorFlow.js and face-api
 * code.
 */

/** A tensor, as far as the pass uses it. */
export interface Tensor {
  shape: number[];
  dispose(): void;
}

type Pair = [number, number];

/** The TensorFlow.js operations the pass uses (face-api's bundled tf). */
export interface SsdOps {
  tidy<T>(f: () => T): T;
  cast(x: Tensor, dtype: 'float32'): Tensor;
  add(a: Tensor, b: Tensor | number): Tensor;
  sub(a: Tensor, b: Tensor | number): Tensor;
  mul(a: Tensor, b: Tensor | number): Tensor;
  div(a: Tensor, b: Tensor | number): Tensor;
  exp(x: Tensor): Tensor;
  sigmoid(x: Tensor): Tensor;
  clipByValue(x: Tensor, min: number, max: number): Tensor;
  conv2d(x: Tensor, filter: Tensor, strides: Pair, pad: 'same'): Tensor;
  matMul(a: Tensor, b: Tensor): Tensor;
  depthwiseConv2d(x: Tensor, filter: Tensor, strides: Pair, pad: 'same'): Tensor;
  batchNorm(x: Tensor, mean: Tensor, variance: Tensor, offset: Tensor, scale: Tensor, epsilon: number): Tensor;
  reshape(x: Tensor, shape: number[]): Tensor;
  tile(x: Tensor, reps: number[]): Tensor;
  slice(x: Tensor, begin: number[], size: number[]): Tensor;
  transpose(x: Tensor, perm: number[]): Tensor;
  concat(xs: Tensor[], axis: number): Tensor;
  stack(xs: Tensor[]): Tensor;
  unstack(x: Tensor): Tensor[];
}

/** face-api's prepared input (`NetInput`): its pictures as one batch, resized as the network wants. */
export interface NetInputLike {
  toBatchTensor(size: number, isCenterInputs: boolean): Tensor;
}

/** The network's output, per picture of the batch: 5118 boxes (4 corners, 0–1) and their face scores. */
export interface SsdOutput {
  boxes: Tensor[];
  scores: Tensor[];
}

/** face-api's SSD MobileNet v1 weights (`net.params`), grouped as it loads them. */
export interface SsdParams {
  mobilenetv1: Record<string, unknown>;
  prediction_layer: Record<string, unknown>;
  output_layer: Record<string, unknown>;
}

interface ConvParams {
  filters: Tensor;
  batch_norm_offset: Tensor;
}

interface DepthwiseParams {
  filters: Tensor;
  batch_norm_mean: Tensor;
  batch_norm_variance: Tensor;
  batch_norm_offset: Tensor;
  batch_norm_scale: Tensor;
}

interface SeparableParams {
  depthwise_conv: DepthwiseParams;
  pointwise_conv: ConvParams;
}

interface BiasedConvParams {
  filters: Tensor;
  bias: Tensor;
}

interface BoxPredictorParams {
  box_encoding_predictor: BiasedConvParams;
  class_predictor: BiasedConvParams;
}

/** The side of the square the network sees (face-api resizes every picture to it). */
const INPUT_SIZE = 512;
/** face-api's batch-norm epsilon for the depthwise layers (0.001 as a float32). */
const EPSILON = 0.0010000000474974513;

/** One group's weights by name; a face-api whose weights are laid out otherwise fails loudly here. */
const weights = <T>(group: Record<string, unknown>, name: string): T => {
  const p = group[name];
  if (p === undefined) throw new Error(`face-api's SSD MobileNet v1 weights have no ${name}`);
  return p as T;
};

/**
 * Applies `steps` in turn from `x`, freeing each result as soon as the next step has read it, and
 * `x` too unless `keep`: each step reads only the one before, so at most two are ever alive.
 */
const chain = (x: Tensor, keep: boolean, ...steps: ((t: Tensor) => Tensor)[]): Tensor => {
  let t = x;
  for (const step of steps) {
    const next = step(t);
    if (t !== x || !keep) t.dispose();
    t = next;
  }
  return t;
};

/**
 * A convolution, a 1×1 one as a matrix product (pixels × input channels by the filter): the same
 * numbers to the bit (measured on MobileNet's layers 1, 5 and 13), and cheaper to keep. The
 * WebAssembly backend caches an XNNPACK operator per filter, and a convolution's operator also
 * keeps the transposed copy of its filter it was built from (tfjs-backend-wasm 4.22), a matrix
 * product's packs the filter as it is: measured, layer 13's 4 MB filter holds 8 MB as a
 * convolution, 4 MB as a product; 14 MB over the network's 1×1 filters.
 */
const conv = (tf: SsdOps, x: Tensor, filters: Tensor, strides: Pair): Tensor => {
  const [kh, kw, inputs, outputs] = filters.shape as [number, number, number, number];
  if (kh !== 1 || kw !== 1 || strides[0] !== 1 || strides[1] !== 1) return tf.conv2d(x, filters, strides, 'same');
  const [n, h, w] = x.shape as [number, number, number];
  // Reshapes share their data: these three are views, freed without copying.
  const pixels = tf.reshape(x, [n * h * w, inputs]);
  const matrix = tf.reshape(filters, [inputs, outputs]);
  const product = tf.matMul(pixels, matrix);
  pixels.dispose();
  matrix.dispose();
  const out = tf.reshape(product, [n, h, w, outputs]);
  product.dispose();
  return out;
};

/** A convolution with its batch-norm offset and ReLU6, as steps (face-api's `pointwiseConvLayer`). */
const convSteps = (tf: SsdOps, p: ConvParams, strides: Pair) => [
  (t: Tensor) => conv(tf, t, p.filters, strides),
  (t: Tensor) => tf.add(t, p.batch_norm_offset),
  (t: Tensor) => tf.clipByValue(t, 0, 6),
];

/** A depthwise convolution with its batch norm and ReLU6, as steps (face-api's `depthwiseConvLayer`). */
const depthwiseSteps = (tf: SsdOps, p: DepthwiseParams, strides: Pair) => [
  (t: Tensor) => tf.depthwiseConv2d(t, p.filters, strides, 'same'),
  (t: Tensor) =>
    tf.batchNorm(t, p.batch_norm_mean, p.batch_norm_variance, p.batch_norm_offset, p.batch_norm_scale, EPSILON),
  (t: Tensor) => tf.clipByValue(t, 0, 6),
];

/** MobileNet v1's 14 layers, freeing `input`; returns the last output and layer 11's (the first box predictor's input). */
const mobileNet = (tf: SsdOps, params: Record<string, unknown>, input: Tensor): { out: Tensor; conv11: Tensor } => {
  let x = chain(input, false, ...convSteps(tf, weights(params, 'conv_0'), [2, 2]));
  let conv11: Tensor | undefined;
  for (let i = 1; i <= 13; i++) {
    const p = weights<SeparableParams>(params, `conv_${i}`);
    const strides: Pair = i === 2 || i === 4 || i === 6 || i === 12 ? [2, 2] : [1, 1];
    x = chain(
      x,
      x === conv11,
      ...depthwiseSteps(tf, p.depthwise_conv, strides),
      ...convSteps(tf, p.pointwise_conv, [1, 1]),
    );
    if (i === 11) conv11 = x;
  }
  return { out: x, conv11: conv11! };
};

/**
 * The extra layers, the six box predictors and the decoding of boxes against face-api's anchors
 * (its `predictionLayer`, `outputLayer`): 16×16 and smaller, a few MB, so kept in one `tidy` as
 * face-api does.
 */
const predictions = (tf: SsdOps, params: SsdParams, out: Tensor, conv11: Tensor): SsdOutput =>
  tf.tidy(() => {
    const p = params.prediction_layer;
    const layer = (x: Tensor, name: string, stride: number) =>
      chain(x, true, ...convSteps(tf, weights(p, name), [stride, stride]));
    const c0 = layer(out, 'conv_0', 1);
    const c1 = layer(c0, 'conv_1', 2);
    const c2 = layer(c1, 'conv_2', 1);
    const c3 = layer(c2, 'conv_3', 2);
    const c4 = layer(c3, 'conv_4', 1);
    const c5 = layer(c4, 'conv_5', 2);
    const c6 = layer(c5, 'conv_6', 1);
    const c7 = layer(c6, 'conv_7', 2);
    const biased = (x: Tensor, q: BiasedConvParams) => tf.add(conv(tf, x, q.filters, [1, 1]), q.bias);
    const predicted = [conv11, out, c1, c3, c5, c7].map((x, i) => {
      const q = weights<BoxPredictorParams>(p, `box_predictor_${i}`);
      const n = x.shape[0]!;
      return {
        box: tf.reshape(biased(x, q.box_encoding_predictor), [n, -1, 1, 4]),
        score: tf.reshape(biased(x, q.class_predictor), [n, -1, 3]),
      };
    });
    const boxEncodings = tf.concat(
      predicted.map((d) => d.box),
      1,
    );
    const classes = tf.concat(
      predicted.map((d) => d.score),
      1,
    );
    const n = boxEncodings.shape[0]!;
    const anchors = tf.reshape(tf.tile(weights(params.output_layer, 'extra_dim'), [n, 1, 1]), [-1, 4]);
    let boxes = decodeBoxes(tf, anchors, tf.reshape(boxEncodings, [-1, 4]));
    boxes = tf.reshape(boxes, [n, boxes.shape[0]! / n, 4]);
    const faces = tf.slice(tf.sigmoid(tf.slice(classes, [0, 0, 1], [-1, -1, -1])), [0, 0, 0], [-1, -1, 1]);
    return { boxes: tf.unstack(boxes), scores: tf.unstack(tf.reshape(faces, [n, faces.shape[1]!])) };
  });

/** Box encodings (centre offsets /10, log sizes /5) against anchors (corners) to corners (face-api's `decodeBoxesLayer`). */
const decodeBoxes = (tf: SsdOps, anchors: Tensor, encodings: Tensor): Tensor => {
  const a = tf.unstack(tf.transpose(anchors, [1, 0]));
  const sizes = [tf.sub(a[2]!, a[0]!), tf.sub(a[3]!, a[1]!)] as const;
  const centres = [tf.add(a[0]!, tf.div(sizes[0], 2)), tf.add(a[1]!, tf.div(sizes[1], 2))] as const;
  const e = tf.unstack(tf.transpose(encodings, [1, 0]));
  const halfH = tf.div(tf.mul(tf.exp(tf.div(e[2]!, 5)), sizes[0]), 2);
  const y = tf.add(tf.mul(tf.div(e[0]!, 10), sizes[0]), centres[0]);
  const halfW = tf.div(tf.mul(tf.exp(tf.div(e[3]!, 5)), sizes[1]), 2);
  const x = tf.add(tf.mul(tf.div(e[1]!, 10), sizes[1]), centres[1]);
  return tf.transpose(tf.stack([tf.sub(y, halfH), tf.sub(x, halfW), tf.add(y, halfH), tf.add(x, halfW)]), [1, 0]);
};

/**
 * The forward pass: face-api's 512×512 batch scaled to −1…1, MobileNet v1 layer by layer, then
 * the predictions. Returns what face-api's `forwardInput` returns; the caller disposes it.
 */
export const ssdForward = (tf: SsdOps, params: SsdParams, input: NetInputLike): SsdOutput => {
  const batch = input.toBatchTensor(INPUT_SIZE, false);
  const scaled = chain(
    batch,
    false,
    (t) => tf.cast(t, 'float32'),
    (t) => tf.div(t, 127.5),
    (t) => tf.sub(t, 1),
  );
  const { out, conv11 } = mobileNet(tf, params.mobilenetv1, scaled);
  try {
    return predictions(tf, params, out, conv11);
  } finally {
    out.dispose();
    conv11.dispose();
  }
};
