import type { ModelProto } from '../onnx/types.js';

/**
 * Input slots that hold trained weights, per op type. BatchNormalization's running mean and
 * variance (slots 3, 4) are buffers, not parameters, as in PyTorch's `parameters()`; Clip
 * bounds and Dropout ratios are constants.
 */
const WEIGHT_SLOTS: Readonly<Record<string, readonly number[]>> = {
  Conv: [1, 2],
  ConvTranspose: [1, 2],
  Gemm: [1, 2],
  MatMul: [0, 1],
  BatchNormalization: [1, 2],
  PRelu: [1],
};

/**
 * Trainable parameters of a model: the elements of the initializers that feed a weight slot,
 * each initializer counted once. This is the figure torchvision publishes (`num_params`).
 */
export function parameterCount(model: ModelProto): number {
  const g = model.graph;
  const sizes = new Map(g.initializer.map((t) => [t.name, t.dims.reduce((a, d) => a * Number(d), 1)]));
  const counted = new Set<string>();
  for (const n of g.node) {
    for (const slot of WEIGHT_SLOTS[n.opType] ?? []) {
      const name = n.input[slot];
      if (name && sizes.has(name)) counted.add(name);
    }
  }
  let total = 0;
  for (const name of counted) total += sizes.get(name) ?? 0;
  return total;
}
