/**
 * The MLP of Dey et al.'s public code (seed 001): MNIST's 784 pixels zero-padded to 800 (so
 * that 800·fo/40 is whole for every out-degree), 800 -> 40 -> 40 -> 10 with ReLU, and the
 * out-degrees fo = [2, 9, 10]: every input feeds 2 of the 40 first-layer neurons, every
 * hidden neuron 9 of the next 40, and the last junction stays dense. 2,360 of 34,000 weights.
 * Also the paper's own figure, 800-100-10 with fo = [50, 10] (fc1 at 1/2): 97.97% against
 * 98.09% dense (seed 001's summary of Dey et al.).
 */
import { linear, relu } from '../../src/models/layers.js';
import { finishModel, startModel } from '../../src/models/options.js';
import type { ModelProto } from '../../src/onnx/types.js';

export const DEY_WIDTHS: readonly number[] = [800, 40, 40, 10];
export const DEY_OUT_DEGREES: readonly number[] = [2, 9, 10];
/** The configuration the paper reports an accuracy for. */
export const PAPER_WIDTHS: readonly number[] = [800, 100, 10];
export const PAPER_OUT_DEGREES: readonly number[] = [50, 10];
const PIXELS = 784;

/** The dense 800-40-40-10 MLP (or `widths`, 800 first) on [N, 1, 28, 28] images (He-normal weights from `seed`, zero biases). */
export function deyMlp(seed: number, widths: readonly number[] = DEY_WIDTHS): ModelProto {
  const s = startModel({ name: 'dey-mlp', inputSize: 28, channels: 1, numClasses: 10 }, { seed });
  const { b } = s;
  const flat = b.node('Flatten', [s.x], { axis: 1 }, 'flatten');
  let x = b.node('Pad', [flat, b.ints('pad.pads', [0, 0, 0, (widths[0] ?? PIXELS) - PIXELS])], { mode: 'constant' }, 'pad');
  for (let i = 1; i < widths.length; i++) {
    x = linear(b, x, `fc${i}`, { inFeatures: widths[i - 1] as number, outFeatures: widths[i] as number });
    if (i < widths.length - 1) x = relu(b, x, `relu${i}`);
  }
  return finishModel(s, x, 10);
}

/** The per-layer densities fo / n of Dey's configuration: { fc1: 2/40, fc2: 9/40, fc3: 10/10 } (or of `widths` and `outDegrees`). */
export function deyDensities(widths: readonly number[] = DEY_WIDTHS, outDegrees: readonly number[] = DEY_OUT_DEGREES): Record<string, number> {
  return Object.fromEntries(outDegrees.map((fo, i) => [`fc${i + 1}`, fo / (widths[i + 1] as number)]));
}
