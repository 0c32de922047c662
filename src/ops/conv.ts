import type { Inputs, OpContext, OpDef, TensorInfo } from './op.js';
import { convOutputShape, convParams } from './shared/conv-geometry.js';
import { fail, numel, required, totalBytes } from './shared/tensor-info.js';

function infer(ctx: OpContext, inputs: Inputs): TensorInfo[] {
  const x = required(ctx, inputs, 0);
  const w = required(ctx, inputs, 1);
  const p = convParams(ctx, x.shape, w.shape.slice(2));
  const cin = x.shape[1] as number;
  if ((w.shape[1] as number) * p.group !== cin) {
    fail(ctx, `weight expects ${(w.shape[1] as number) * p.group} input channels (group ${p.group}), input has ${cin}`);
  }
  const cout = w.shape[0] as number;
  if (cout % p.group !== 0) fail(ctx, `${cout} output channels are not divisible by group ${p.group}`);
  const b = inputs[2];
  if (b && (b.shape.length !== 1 || b.shape[0] !== cout)) fail(ctx, `bias has shape [${b.shape.join(', ')}], expected [${cout}]`);
  return [{ dtype: x.dtype, shape: [x.shape[0] as number, cout, ...convOutputShape(ctx, x.shape.slice(2), p)] }];
}

/**
 * Conv (opset 1+; 11 made auto_pad explicit): N-d convolution with groups, strides, pads,
 * dilations and auto_pad. Each output element needs (C_in / group) * prod(kernel) MACs, plus
 * one add for the bias.
 */
export const conv: OpDef = {
  opType: 'Conv',
  sinceVersion: 1,
  differentiable: [true, true, true],
  inferShape: infer,
  cost(_ctx, inputs, [y]) {
    const w = inputs[1] as TensorInfo;
    const macsPerOutput = numel(w) / (w.shape[0] as number);
    const out = numel(y as TensorInfo);
    return {
      macs: macsPerOutput * out,
      flops: 2 * macsPerOutput * out + (inputs[2] ? out : 0),
      bytesRead: totalBytes(inputs),
      bytesWritten: totalBytes([y]),
    };
  },
};
