import type { Inputs, OpContext, OpDef, TensorInfo } from './op.js';
import { convParams } from './shared/conv-geometry.js';
import { fail, numel, required, totalBytes } from './shared/tensor-info.js';

/**
 * Spatial output dims of a transposed convolution. With output_shape given it wins (pads are
 * then derived from it); with auto_pad SAME_* the output is in * stride; otherwise
 * stride * (in - 1) + output_padding + dilation * (k - 1) + 1 - pad_begin - pad_end.
 */
function outputSpatial(ctx: OpContext, x: TensorInfo, w: TensorInfo): number[] {
  const p = convParams(ctx, x.shape, w.shape.slice(2));
  const spatialIn = x.shape.slice(2);
  const n = spatialIn.length;
  const given = ctx.attrs.ints('output_shape');
  if (given) {
    // The spatial dims only: ONNX's own shape inference rejects a full N, C, ... shape.
    if (given.length !== n) fail(ctx, `output_shape [${given.join(', ')}] must have ${n} spatial values`);
    return given;
  }
  const outPad = ctx.attrs.ints('output_padding', new Array<number>(n).fill(0));
  if (outPad.length !== n) fail(ctx, `output_padding must have ${n} values`);
  return spatialIn.map((inDim, i) => {
    const s = p.strides[i] as number;
    if (p.autoPad === 'SAME_UPPER' || p.autoPad === 'SAME_LOWER') return inDim * s;
    const k = (p.dilations[i] as number) * ((p.kernel[i] as number) - 1) + 1;
    const pads = p.autoPad === 'VALID' ? 0 : (p.pads[i] as number) + (p.pads[i + n] as number);
    const out = s * (inDim - 1) + (outPad[i] as number) + k - pads;
    if (out < 1) fail(ctx, `spatial dim ${i} has output size ${out}`);
    return out;
  });
}

function infer(ctx: OpContext, inputs: Inputs): TensorInfo[] {
  const x = required(ctx, inputs, 0);
  const w = required(ctx, inputs, 1);
  if (w.shape.length !== x.shape.length) fail(ctx, `weight has rank ${w.shape.length}, input has rank ${x.shape.length}`);
  const group = ctx.attrs.int('group', 1);
  const cin = x.shape[1] as number;
  if (w.shape[0] !== cin) fail(ctx, `weight expects ${w.shape[0]} input channels, input has ${cin}`);
  if (cin % group !== 0) fail(ctx, `${cin} input channels are not divisible by group ${group}`);
  const cout = (w.shape[1] as number) * group;
  const b = inputs[2];
  if (b && (b.shape.length !== 1 || b.shape[0] !== cout)) fail(ctx, `bias has shape [${b.shape.join(', ')}], expected [${cout}]`);
  return [{ dtype: x.dtype, shape: [x.shape[0] as number, cout, ...outputSpatial(ctx, x, w)] }];
}

/**
 * ConvTranspose (opset 1+; 11 fixed auto_pad semantics): the gradient of Conv w.r.t. its input.
 * Every input element is scattered through a (C_out / group) * prod(kernel) slice of the
 * weight: numel(X) * numel(W) / C_in MACs (the same count as the Conv it transposes), plus one
 * add per output element for the bias.
 */
export const convTranspose: OpDef = {
  opType: 'ConvTranspose',
  sinceVersion: 1,
  differentiable: [true, true, true],
  inferShape: infer,
  cost(_ctx, inputs, [y]) {
    const x = inputs[0] as TensorInfo;
    const w = inputs[1] as TensorInfo;
    const macs = (numel(x) * numel(w)) / (w.shape[0] as number);
    const out = numel(y as TensorInfo);
    return { macs, flops: 2 * macs + (inputs[2] ? out : 0), bytesRead: totalBytes(inputs), bytesWritten: totalBytes([y]) };
  },
};
