import { type GradContext, reduceSum, reshape } from './grad-context.js';
import { type TensorInfo, numel, totalBytes } from '../graph/tensor-meta.js';
import type { Inputs, OpContext, OpDef } from './op.js';
import { convOutputShape, convParams, im2colKernel, resolvedPads } from './shared/conv-geometry.js';
import { fail, required } from './shared/tensor-info.js';

function infer(ctx: OpContext, inputs: Inputs): TensorInfo[] {
  // Bounds: convParams checked that X and W have one rank >= 3 ([N, C, ...spatial], [M, C/group, ...kernel]).
  const x = required(ctx, inputs, 0);
  const w = required(ctx, inputs, 1);
  const p = convParams(ctx, x.shape, w.shape.slice(2));
  const cin = x.shape[1]!;
  if (w.shape[1]! * p.group !== cin) {
    fail(ctx, `weight expects ${w.shape[1]! * p.group} input channels (group ${p.group}), input has ${cin}`);
  }
  const cout = w.shape[0]!;
  if (cout % p.group !== 0) fail(ctx, `${cout} output channels are not divisible by group ${p.group}`);
  const b = inputs[2];
  if (b && (b.shape.length !== 1 || b.shape[0] !== cout)) fail(ctx, `bias has shape [${b.shape.join(', ')}], expected [${cout}]`);
  return [{ dtype: x.dtype, shape: [x.shape[0]!, cout, ...convOutputShape(ctx, x.shape.slice(2), p)] }];
}

/**
 * dB = sum of dY over batch and space. dX = ConvTranspose(dY, W), the adjoint, with the
 * forward geometry; output_padding restores the input rows a stride skipped. dW by im2col: a
 * grouped Conv whose fixed one-hot kernel copies each input channel's k taps into channels
 * extracts the patches P [N, C*K, L] (strides, pads, dilations for free; the input itself for
 * a 1x1 kernel at stride 1 without pads), then per group dW = sum_n P_n dY_n^T, a batched
 * MatMul and a sum over the batch. Faster forms for ONNX Runtime are rewrites in passes/.
 */
function convGradient(g: GradContext): void {
  // Bounds: X, W and Y are [N, C, ...spatial] of one rank (inferShape checked), so i < rank indexes the spatial axes and the geometry's kernel, strides and dilations; pads has 2 rank entries.
  const x = g.inputInfo(0);
  const w = g.inputInfo(1);
  const y = g.outputInfo(0);
  const p = convParams(g.ctx, x.shape, w.shape.slice(2));
  const spatialIn = x.shape.slice(2);
  const spatialOut = y.shape.slice(2);
  const pads = resolvedPads(spatialIn, spatialOut, p);
  const rank = spatialIn.length;
  const dY = g.outGrad(0);
  const [n, c] = x.shape as [number, number];
  const cout = w.shape[0]!;
  const group = p.group;
  if (g.needs(2)) g.setInputGrad(2, reduceSum(g, dY, [0, ...spatialOut.map((_, i) => i + 2)], false, 'db'));
  if (g.needs(0)) {
    const outputPadding = spatialIn.map((inDim, i) => {
      const keff = p.dilations[i]! * (p.kernel[i]! - 1) + 1;
      return inDim - ((spatialOut[i]! - 1) * p.strides[i]! - pads[i]! - pads[i + rank]! + keff);
    });
    g.setInputGrad(0, g.emit('ConvTranspose', [dY, g.input(1)], 'dx', {
      strides: p.strides, pads, dilations: p.dilations, group, kernel_shape: p.kernel,
      ...(outputPadding.some((v) => v !== 0) ? { output_padding: outputPadding } : {}),
    }));
  }
  if (!g.needs(1)) return;
  const k = p.kernel.reduce((a, b) => a * b, 1);
  const l = spatialOut.reduce((a, b) => a * b, 1);
  const identityPatches = k === 1 && p.strides.every((s) => s === 1) && pads.every((v) => v === 0);
  let patches = g.input(0);
  if (!identityPatches) {
    const kernel = im2colKernel(c, p.kernel);
    const onehot = g.constant('im2col_kernel', x.dtype, kernel.dims, kernel.data);
    patches = g.emit('Conv', [g.input(0), onehot], 'patches', {
      group: c, strides: p.strides, pads, dilations: p.dilations, kernel_shape: p.kernel,
    });
  }
  const cg = c / group;
  const cog = cout / group;
  const pm = reshape(g, patches, [n, group, cg * k, l], 'patches_matrix');
  const dym = reshape(g, dY, [n, group, cog, l], 'dy_matrix');
  const dyt = g.emit('Transpose', [dym], 'dy_t', { perm: [0, 1, 3, 2] });
  const prod = g.emit('MatMul', [pm, dyt], 'dw_per_sample');
  // A batch of one needs no sum.
  const summed = n === 1 ? reshape(g, prod, [group, cg * k, cog], 'dw_sum') : reduceSum(g, prod, [0], false, 'dw_sum');
  const dwt = g.emit('Transpose', [summed], 'dw_t', { perm: [0, 2, 1] });
  g.setInputGrad(1, reshape(g, dwt, w.shape, 'dw'));
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
    // Bounds: Conv has X and W (cost runs after inferShape checked them), and one output Y.
    const w = inputs[1]!;
    const macsPerOutput = numel(w) / w.shape[0]!;
    const out = numel(y!);
    return {
      macs: macsPerOutput * out,
      flops: 2 * macsPerOutput * out + (inputs[2] ? out : 0),
      bytesRead: totalBytes(inputs),
      bytesWritten: totalBytes([y]),
    };
  },
  gradient: convGradient,
};
