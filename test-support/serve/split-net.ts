import { ModelBuilder } from '../../src/graph/builder.js';
import { Random } from '../../src/graph/random.js';
import type { ModelProto } from '../../src/onnx/types.js';

/**
 * A small MNIST-shaped conv net built in code, as a whole model and as the head and tail of
 * a cut after the first block (cut tensor "cut" of shape [N, 8, 14, 14]). The three share
 * weights, so tail(head(x)) == full(x). The head can also carry an early-exit classifier.
 */
export type Part = 'full' | 'head' | 'tail' | 'head-exit';

export const CUT_SHAPE = [8, 14, 14] as const;

function weights(seed: number) {
  const rng = new Random(seed);
  const w = (dims: number[], fanIn: number) => {
    const n = dims.reduce((a, b) => a * b, 1);
    const s = Math.sqrt(2 / fanIn);
    return { dims, data: Float32Array.from({ length: n }, () => rng.normal() * s) };
  };
  return {
    w1: w([8, 1, 3, 3], 9), b1: { dims: [8], data: new Float32Array(8).fill(0.01) },
    w2: w([16, 8, 3, 3], 72), b2: { dims: [16], data: new Float32Array(16).fill(0.01) },
    w3: w([10, 16 * 7 * 7], 784), b3: { dims: [10], data: new Float32Array(10) },
    we: w([10, 8 * 14 * 14], 1568), be: { dims: [10], data: new Float32Array(10) },
  };
}

export function splitNet(part: Part, seed = 7): ModelProto {
  const W = weights(seed);
  const b = new ModelBuilder({ name: `split-net-${part}`, seed });
  const p = (name: keyof typeof W) => b.param(name, W[name].dims, { kind: 'values', data: W[name].data });
  let cut: string;
  if (part === 'tail') {
    cut = b.input('cut', 'float32', ['N', ...CUT_SHAPE]);
  } else {
    const x = b.input('x', 'float32', ['N', 1, 28, 28]);
    const c1 = b.node('Relu', [b.node('Conv', [x, p('w1'), p('b1')], { pads: [1, 1, 1, 1] })]);
    cut = b.node('MaxPool', [c1], { kernel_shape: [2, 2], strides: [2, 2] }, 'cut');
    if (part === 'head' || part === 'head-exit') {
      b.output(cut, 'float32', ['N', ...CUT_SHAPE]);
      if (part === 'head-exit') {
        const flat = b.node('Flatten', [cut], { axis: 1 });
        b.output(b.node('Gemm', [flat, p('we'), p('be')], { transB: 1 }, 'exit_logits'), 'float32', ['N', 10]);
      }
      return b.build();
    }
  }
  const c2 = b.node('Relu', [b.node('Conv', [cut, p('w2'), p('b2')], { pads: [1, 1, 1, 1], strides: [2, 2] })]);
  const flat = b.node('Flatten', [c2], { axis: 1 });
  b.output(b.node('Gemm', [flat, p('w3'), p('b3')], { transB: 1 }, 'logits'), 'float32', ['N', 10]);
  return b.build();
}
