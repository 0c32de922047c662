import { float, ModelBuilder } from '../../src/graph/builder.js';
import type { ModelProto } from '../../src/onnx/types.js';

/** Opsets old exporters wrote (torch.onnx defaulted to 9 for years) and recent ones. */
export const EXPORT_OPSETS = [7, 8, 9, 10, 11, 12, 13, 17] as const;

/**
 * A small CNN written as an exporter of `opset` writes it, in the forms of that opset for every
 * op whose inputs changed between 7 and 13: BatchNormalization with `spatial` (before 9), Clip
 * with min/max attributes (before 11), Upsample (7: scales attribute, 9: scales input),
 * Resize-10 and -11, Pad with a pads attribute (before 11), Slice with attributes (before 10).
 * input [N, 1, 8, 8] -> conv -> BN -> Clip(0, 6) -> MaxPool 2 -> upsample x2 -> Pad 1 -> Slice
 * back to 8x8 -> conv stride 2 -> Relu ("act", a map for Grad-CAM) -> GAP -> Flatten -> Gemm
 * ("logits", 5 classes).
 */
export function oldExport(opset: number, batch: number | string = 'N'): ModelProto {
  const b = new ModelBuilder({ opset, seed: 7 + opset, name: `cnn-opset${opset}` });
  const x = b.input('input', 'float32', [batch, 1, 8, 8]);
  const conv = b.node('Conv', [x, b.param('conv1.weight', [4, 1, 3, 3]), b.param('conv1.bias', [4], { kind: 'normal', std: 0.1 })], { pads: [1, 1, 1, 1] }, 'conv1');
  const bnParams = [b.param('bn.scale', [4], { kind: 'uniform', low: 0.5, high: 1.5 }), b.param('bn.bias', [4], { kind: 'normal', std: 0.1 }),
    b.param('bn.mean', [4], { kind: 'normal', std: 0.1 }), b.param('bn.var', [4], { kind: 'uniform', low: 0.5, high: 1.5 })];
  const bn = b.node('BatchNormalization', [conv, ...bnParams], opset < 9 ? { spatial: 1 } : {}, 'bn');
  const clip = opset < 11
    ? b.node('Clip', [bn], { min: float(0), max: float(6) }, 'clip')
    : b.node('Clip', [bn, b.constant('clip.min', 'float32', [], [0]), b.constant('clip.max', 'float32', [], [6])], {}, 'clip');
  const pool = b.node('MaxPool', [clip], { kernel_shape: [2, 2], strides: [2, 2] }, 'pool');
  const scales = [1, 1, 2, 2];
  let up: string;
  if (opset < 9) up = b.node('Upsample', [pool], { scales: float(scales), mode: 'nearest' }, 'up');
  else if (opset === 9) up = b.node('Upsample', [pool, b.constant('up.scales', 'float32', [4], scales)], { mode: 'nearest' }, 'up');
  else if (opset === 10) up = b.node('Resize', [pool, b.constant('up.scales', 'float32', [4], scales)], { mode: 'nearest' }, 'up');
  else up = b.node('Resize', [pool, b.constant('up.roi', 'float32', [0], []), b.constant('up.scales', 'float32', [4], scales)], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' }, 'up');
  const pads = [0, 0, 1, 1, 0, 0, 1, 1];
  const pad = opset < 11 ? b.node('Pad', [up], { pads }, 'pad') : b.node('Pad', [up, b.ints('pad.pads', pads)], {}, 'pad');
  const slice = opset < 10
    ? b.node('Slice', [pad], { starts: [1, 1], ends: [9, 9], axes: [2, 3] }, 'crop')
    : b.node('Slice', [pad, b.ints('crop.starts', [1, 1]), b.ints('crop.ends', [9, 9]), b.ints('crop.axes', [2, 3])], {}, 'crop');
  const conv2 = b.node('Conv', [slice, b.param('conv2.weight', [6, 4, 3, 3])], { pads: [1, 1, 1, 1], strides: [2, 2] }, 'conv2');
  const act = b.node('Relu', [conv2], {}, 'act');
  const flat = b.node('Flatten', [b.node('GlobalAveragePool', [act], {}, 'gap')], { axis: 1 }, 'flat');
  b.output(b.node('Gemm', [flat, b.param('fc.weight', [5, 6]), b.param('fc.bias', [5], { kind: 'normal', std: 0.1 })], { transB: 1 }, 'logits'), 'float32', [batch, 5]);
  return b.build();
}
