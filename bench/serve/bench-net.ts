import { ModelBuilder } from '../../src/graph/builder.js';
import type { ModelProto } from '../../src/onnx/types.js';

/**
 * The benchmark's model: a small CNN on 3x64x64 whose tail takes a few ms on one CPU thread (~190 M MACs at width 1),
 * cut after two conv blocks (cut tensor [N, 32, 16, 16], 32 KiB in fp32). Built in code with
 * fixed seeds, so the whole model, head and tail share weights.
 */
export type BenchPart = 'full' | 'head' | 'tail';
/** The image input at batch 1. */
export const INPUT_SHAPE: readonly number[] = [1, 3, 64, 64];
/** The cut tensor at batch 1, as the head produces it and the tail takes it. */
export const CUT_SHAPE: readonly number[] = [1, 32, 16, 16];

/** `width` multiplies the tail's channels (MACs grow with its square). */
export function benchNet(part: BenchPart, width = 1): ModelProto {
  const b = new ModelBuilder({ name: `bench-${part}`, seed: 11 });
  const c = (n: number) => Math.round(n * width);
  // Parameters are drawn in the same order for every part, so the weights agree.
  const w = {
    c1: b.param('c1', [16, 3, 3, 3]), c2: b.param('c2', [32, 16, 3, 3]),
    c3: b.param('c3', [c(128), 32, 3, 3]), c4: b.param('c4', [c(128), c(128), 3, 3]), c5: b.param('c5', [c(128), c(128), 3, 3]),
    c6: b.param('c6', [c(256), c(128), 3, 3]), c7: b.param('c7', [c(256), c(256), 3, 3]),
    fc: b.param('fc', [10, c(256)]),
  };
  const conv = (x: string, wt: string, stride = 1) => b.node('Relu', [b.node('Conv', [x, wt], { pads: [1, 1, 1, 1], strides: [stride, stride] })]);
  const pool = (x: string) => b.node('MaxPool', [x], { kernel_shape: [2, 2], strides: [2, 2] });
  let cut: string;
  if (part === 'tail') {
    cut = b.input('cut', 'float32', ['N', 32, 16, 16]);
  } else {
    const x = b.input('x', 'float32', ['N', ...INPUT_SHAPE.slice(1)]);
    cut = b.node('Identity', [pool(conv(pool(conv(x, w.c1)), w.c2))], {}, 'cut');
    if (part === 'head') {
      b.output(cut, 'float32', ['N', 32, 16, 16]);
      return b.build();
    }
  }
  const y = conv(conv(conv(conv(conv(cut, w.c3), w.c4), w.c5), w.c6, 2), w.c7);
  const g = b.node('GlobalAveragePool', [y]);
  const f = b.node('Flatten', [g], { axis: 1 });
  b.output(b.node('Gemm', [f, w.fc], { transB: 1 }, 'logits'), 'float32', ['N', 10]);
  return b.build();
}
