/**
 * The MLP of Dey et al.'s public code (seed 001): MNIST's 784 pixels zero-padded to 800 (so
 * that 800·fo/40 is whole for every out-degree), 800 -> 40 -> 40 -> 10 with ReLU, and the
 * out-degrees fo = [2, 9, 10]: every input feeds 2 of the 40 first-layer neurons, every
 * hidden neuron 9 of the next 40, and the last junction stays dense. 2,360 of 34,000 weights.
 */
import { linear, relu } from '../../src/models/layers.js';
import { finishModel, startModel } from '../../src/models/options.js';
import type { ModelProto } from '../../src/onnx/types.js';

export const DEY_WIDTHS = [800, 40, 40, 10] as const;
export const DEY_OUT_DEGREES = [2, 9, 10] as const;
const PIXELS = 784;

/** The dense 800-40-40-10 MLP on [N, 1, 28, 28] images (He-normal weights from `seed`, zero biases). */
export function deyMlp(seed: number): ModelProto {
  const s = startModel({ name: 'dey-mlp', inputSize: 28, channels: 1, numClasses: 10 }, { seed });
  const { b } = s;
  const flat = b.node('Flatten', [s.x], { axis: 1 }, 'flatten');
  let x = b.node('Pad', [flat, b.ints('pad.pads', [0, 0, 0, DEY_WIDTHS[0] - PIXELS])], { mode: 'constant' }, 'pad');
  for (let i = 1; i < DEY_WIDTHS.length; i++) {
    x = linear(b, x, `fc${i}`, { inFeatures: DEY_WIDTHS[i - 1] as number, outFeatures: DEY_WIDTHS[i] as number });
    if (i < DEY_WIDTHS.length - 1) x = relu(b, x, `relu${i}`);
  }
  return finishModel(s, x, 10);
}

/** The per-layer densities fo / n of Dey's configuration: { fc1: 2/40, fc2: 9/40, fc3: 10/10 }. */
export function deyDensities(): Record<string, number> {
  return Object.fromEntries(DEY_OUT_DEGREES.map((fo, i) => [`fc${i + 1}`, fo / (DEY_WIDTHS[i + 1] as number)]));
}
