import { type GradContext, reduceSum, reshape } from './grad-context.js';
import { FLOPS_PER_MAC, type TensorInfo, numel, totalBytes } from '../graph/tensor-meta.js';
import type { Inputs, OpContext, OpDef } from './op.js';
import { convParams, im2colKernel } from './shared/conv-geometry.js';
import { fail, required } from './shared/tensor-info.js';

/**
 * Spatial output dims of a transposed convolution. With output_shape given it wins (pads are
 * then derived from it); with auto_pad SAME_* the output is in * stride; otherwise
 * stride * (in - 1) + output_padding + dilation * (k - 1) + 1 - pad_begin - pad_end.
 */
function outputSpatial(ctx: OpContext, x: TensorInfo, w: TensorInfo): number[] {
  // Bounds: i < n spatial axes, and the geometry's kernel, strides, dilations and output_padding (checked) have n entries, pads 2 n.
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
    const s = p.strides[i]!;
    if (p.autoPad === 'SAME_UPPER' || p.autoPad === 'SAME_LOWER') return inDim * s;
    const k = p.dilations[i]! * (p.kernel[i]! - 1) + 1;
    const pads = p.autoPad === 'VALID' ? 0 : p.pads[i]! + p.pads[i + n]!;
    const out = s * (inDim - 1) + outPad[i]! + k - pads;
    if (out < 1) fail(ctx, `spatial dim ${i} has output size ${out}`);
    return out;
  });
}

function infer(ctx: OpContext, inputs: Inputs): TensorInfo[] {
  // Bounds: X and W have one rank (checked just below), >= 3 as convParams needs.
  const x = required(ctx, inputs, 0);
  const w = required(ctx, inputs, 1);
  if (w.shape.length !== x.shape.length) fail(ctx, `weight has rank ${w.shape.length}, input has rank ${x.shape.length}`);
  const group = ctx.attrs.int('group', 1);
  const cin = x.shape[1]!;
  if (w.shape[0] !== cin) fail(ctx, `weight expects ${w.shape[0]} input channels, input has ${cin}`);
  if (cin % group !== 0) fail(ctx, `${cin} input channels are not divisible by group ${group}`);
  const cout = w.shape[1]! * group;
  const b = inputs[2];
  if (b && (b.shape.length !== 1 || b.shape[0] !== cout)) fail(ctx, `bias has shape [${b.shape.join(', ')}], expected [${cout}]`);
  return [{ dtype: x.dtype, shape: [x.shape[0]!, cout, ...outputSpatial(ctx, x, w)] }];
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
    // Bounds: ConvTranspose has X and W (cost runs after inferShape checked them), and one output Y.
    const x = inputs[0]!;
    const w = inputs[1]!;
    const macs = (numel(x) * numel(w)) / w.shape[0]!;
    const out = numel(y!);
    return { macs, flops: FLOPS_PER_MAC * macs + (inputs[2] ? out : 0), bytesRead: totalBytes(inputs), bytesWritten: totalBytes([y]) };
  },
  gradient: convTransposeGradient,
};

/**
 * ConvTranspose is the adjoint of Conv with the same geometry, so dX = Conv(dY, W). For dW,
 * the patches of dY under that Conv (im2col by a grouped one-hot Conv, as in conv.ts) meet
 * X: dW[ci, co, k] = sum_n sum_l X[n, ci, l] P[n, co k, l]. dB = sum dY.
 */
function convTransposeGradient(g: GradContext): void {
  // Bounds: X and Y are [N, C, ...spatial] (inferShape checked the rank), so i < rank indexes the spatial axes, the geometry's kernel, strides and dilations, and pads has 2 rank entries.
  const x = g.inputInfo(0);
  const w = g.inputInfo(1);
  const y = g.outputInfo(0);
  const p = convParams(g.ctx, x.shape, w.shape.slice(2));
  const rank = x.shape.length - 2;
  const spatialOut = y.shape.slice(2);
  // Pads as the adjoint Conv sees them: explicit ones, or those auto_pad implies for this size.
  let pads = [...p.pads];
  if (p.autoPad === 'VALID') pads = new Array<number>(2 * rank).fill(0);
  else if (p.autoPad === 'SAME_UPPER' || p.autoPad === 'SAME_LOWER') {
    pads = new Array<number>(2 * rank).fill(0);
    for (let i = 0; i < rank; i++) {
      const keff = p.dilations[i]! * (p.kernel[i]! - 1) + 1;
      const total = Math.max(0, (x.shape[i + 2]! - 1) * p.strides[i]! + keff - spatialOut[i]!);
      const small = Math.floor(total / 2);
      pads[i] = p.autoPad === 'SAME_UPPER' ? small : total - small;
      pads[i + rank] = total - pads[i]!;
    }
  }
  const geometry = { strides: p.strides, pads, dilations: p.dilations, group: p.group, kernel_shape: p.kernel };
  const dY = g.outGrad(0);
  const [n, cin] = x.shape as [number, number];
  const cout = y.shape[1]!;
  if (g.needs(2)) g.setInputGrad(2, reduceSum(g, dY, [0, ...spatialOut.map((_, i) => i + 2)], false, 'db'));
  if (g.needs(0)) g.setInputGrad(0, g.emit('Conv', [dY, g.input(1)], 'dx', geometry));
  if (g.needs(1)) {
    const k = p.kernel.reduce((a, b) => a * b, 1);
    const onehot = im2colKernel(cout, p.kernel);
    const kernel = g.constant('im2col_kernel', y.dtype, onehot.dims, onehot.data);
    const patches = g.emit('Conv', [dY, kernel], 'patches', { ...geometry, group: cout });
    const l = x.shape.slice(2).reduce((a, b) => a * b, 1);
    const group = p.group;
    const pm = reshape(g, patches, [n, group, (cout / group) * k, l], 'patches_matrix');
    const xm = reshape(g, g.input(0), [n, group, cin / group, l], 'x_matrix');
    const pt = g.emit('Transpose', [pm], 'patches_t', { perm: [0, 1, 3, 2] });
    const prod = g.emit('MatMul', [xm, pt], 'dw_per_sample');
    g.setInputGrad(1, reshape(g, reduceSum(g, prod, [0], false, 'dw_sum'), w.shape, 'dw'));
  }
}
