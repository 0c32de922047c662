import { ModelBuilder } from '../../src/graph/builder.js';
import type { ModelProto } from '../../src/onnx/types.js';
import type { ImageDataset } from '../../src/data/image-dataset.js';

/** V [8, 2] row by row: feature k of Flatten(A) -> [weight to class 0, weight to class 1]. */
export const TINY_V: readonly (readonly [number, number])[] = [[1, 0], [0, 0], [0, 0], [0, 1], [0, 0], [0, 0], [0, 0], [-1, 0]];

/**
 * The hand-checkable model of the I-SPLIT score test: x [N, 1, 2, 2] -> Conv 1x1 with weights
 * (1, 2) -> A [N, 2, 2, 2] (A1 = x, A2 = 2x) -> Flatten -> MatMul V [8, 2] -> logits, with
 * y0 = A1(0,0) - A2(1,1) = x00 - 2 x11 and y1 = A1(1,1) = x11. Another `v` ([8, classes])
 * gives another head.
 */
export function tinyIsplitModel(v: readonly (readonly number[])[] = TINY_V): ModelProto {
  const b = new ModelBuilder({ name: 'tiny-isplit', opset: 17 });
  const x = b.input('x', 'float32', ['N', 1, 2, 2]);
  const w = b.param('conv.weight', [2, 1, 1, 1], { kind: 'values', data: [1, 2] });
  const a = b.node('Conv', [x, w], { kernel_shape: [1, 1] }, 'A');
  const flat = b.node('Flatten', [a], { axis: 1 }, 'flat');
  const classes = v[0]!.length;
  const weights = b.param('V', [8, classes], { kind: 'values', data: v.flat() });
  const logits = b.node('MatMul', [flat, weights], {}, 'logits');
  b.output(logits, 'float32', ['N', classes]);
  return b.build();
}

/** A dataset of given 2x2 images (raw pixel values) and labels, 2 classes. */
export function tinyDataset(images: readonly (readonly number[])[], labels: readonly number[]): ImageDataset {
  return {
    name: 'tiny', images: Uint8Array.from(images.flat()), labels: Uint8Array.from(labels), count: images.length,
    channels: 1, height: 2, width: 2, classes: 2, classNames: ['zero', 'one'],
  };
}
