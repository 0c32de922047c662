import { type GradContext, reduceSum, reshape } from './grad-context.js';
import type { AttrValue } from '../graph/builder.js';
import type { DType } from '../onnx/dtype.js';
import { type TensorInfo, numel, totalBytes } from '../graph/tensor-meta.js';
import type { Inputs, OpContext, OpDef } from './op.js';
import { type ConvParams, convOutputShape, convParams, resolvedPads } from './shared/conv-geometry.js';
import { fail, required } from './shared/tensor-info.js';

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

/** Extent of the dilated kernel along spatial axis `i`. */
function keff(p: ConvParams, i: number): number {
  return (p.dilations[i] as number) * ((p.kernel[i] as number) - 1) + 1;
}

/** The one-hot kernel that makes a grouped Conv copy each input channel's k positions into channels (im2col). */
function im2colKernel(channels: number, kernel: readonly number[]): { dims: number[]; data: Float32Array } {
  const k = kernel.reduce((a, b) => a * b, 1);
  const data = new Float32Array(channels * k * k);
  for (let c = 0; c < channels; c++) for (let j = 0; j < k; j++) data[(c * k + j) * k + j] = 1;
  return { dims: [channels * k, 1, ...kernel], data };
}

/**
 * Batch size from which the gradient uses batch-wide im2col GEMMs (`gatherPatches`): the patch
 * rows it copies are `batch` floats long, so small batches (Grad-CAM at batch 1) keep the Conv
 * formulations.
 */
const GEMM_MIN_BATCH = 16;
// dW of group-1 Convs from that batch size: one GEMM over all N*L columns instead of per-sample
// products P_n dY_n^T (which reduce over only L columns) and a ReduceSum; single-thread, batch
// 64: 1.6-1.8x faster at 14x14 and 7x7 (bench/gradients, small VGG layers).
// Unless the patches have fewer rows (C*K) than this: 1->32 3x3 at 28x28 ran 1.3x slower so.
const GEMM_DW_MIN_ROWS = 32;
// Nor above this many output positions per sample: at 28x28 with 2 threads the per-sample
// products (64 independent GEMMs) and the multithreaded one-hot Conv beat the single GEMM and
// ORT's Gather (12.1 against 13.2 ms for 32->32 at batch 64, ORT profiler).
const GEMM_DW_MAX_POSITIONS = 256;

/**
 * A Conv (the forward one in training steps, or the stride-1 dX) runs as im2col + one GEMM when
 * it reduces over at least this many (channel, tap) pairs: ORT's Conv runs its im2col in
 * 16K-float chunks, so a long reduction leaves its GEMM only ~14 columns per chunk; the small
 * VGG's 128->128 7x7 layer (1152) ran 1.1-1.2x faster as one GEMM...
 */
const GEMM_CONV_MIN_REDUCTION = 1024;
/**
 * ...or when a sample's output has at most this many positions (64->128 at 7x7, a reduction of
 * 576, ran 1.1x faster single-threaded, ~2x with 2 threads); at 14x14 the Conv won.
 */
const GEMM_CONV_MAX_POSITIONS = 64;

/**
 * The stride-1 dX stays a ConvTranspose below this many input channels (group 1): LeNet's
 * 6->16 5x5 conv at batch 64 ran 2-4x faster so (0.8 against 2.4 ms); at 32 channels and more
 * the flipped Conv and the ConvTranspose ran within 10% of each other, or the
 * flipped Conv won (bench/gradients, small VGG layers).
 */
const DX_CONV_TRANSPOSE_MAX_CHANNELS = 16;

/** What the batch-wide im2col needs to add nodes: a gradient rule's context, or a graph pass's emitter. */
export interface NodeSink {
  readonly opset: number;
  emit(opType: string, inputs: readonly string[], purpose: string, attrs?: Readonly<Record<string, AttrValue>>): string;
  constant(purpose: string, dtype: DType, dims: readonly number[], data: ArrayLike<number>): string;
}

function view(g: NodeSink, t: string, shape: readonly number[], purpose: string): string {
  return g.emit('Reshape', [t, g.constant(`${purpose}_shape`, 'int64', [shape.length], shape)], purpose);
}

/**
 * im2col for a whole batch by one Gather: src [N, C, ...S] becomes [C, ...S, N] (padded), whose
 * flattened spatial axis is gathered at each kernel tap's input position for every output
 * position, giving patches [C * K, L * N] (rows channel-major then tap, as the weight's
 * [C, ...k] flattens; columns output position then sample). `flip` takes the taps in reverse
 * order (the flipped kernel of the input gradient). Each gathered row is N floats long.
 */
function gatherPatches(
  g: NodeSink, src: string, shape: readonly number[], geo: { readonly kernel: readonly number[]; readonly strides: readonly number[]; readonly dilations: readonly number[] },
  pads: readonly number[], spatialOut: readonly number[], flip: boolean, purpose: string,
): string {
  const [n, c] = shape as [number, number];
  const spatial = shape.slice(2);
  const rank = spatial.length;
  let t = g.emit('Transpose', [src], `${purpose}_cs_n`, { perm: [1, ...spatial.map((_, i) => i + 2), 0] });
  const padded = spatial.map((d, i) => d + (pads[i] as number) + (pads[i + rank] as number));
  if (pads.some((v) => v !== 0)) {
    const all = [0, ...pads.slice(0, rank), 0, 0, ...pads.slice(rank), 0];
    t = g.opset >= 11
      ? g.emit('Pad', [t, g.constant(`${purpose}_pads`, 'int64', [all.length], all)], `${purpose}_padded`)
      : g.emit('Pad', [t], `${purpose}_padded`, { pads: all });
  }
  const sp = padded.reduce((a, b) => a * b, 1);
  const k = geo.kernel.reduce((a, b) => a * b, 1);
  const l = spatialOut.reduce((a, b) => a * b, 1);
  // A 1x1 kernel at stride 1 without pads: the patches are the input itself.
  if (k === 1 && sp === l) return view(g, t, [c, l * n], `${purpose}_matrix`);
  const flat = view(g, t, [c, sp, n], `${purpose}_flat`);
  // Row-major strides of the padded spatial axes.
  const pitch = padded.map((_, i) => padded.slice(i + 1).reduce((a, b) => a * b, 1));
  const index = new Array<number>(k * l);
  const tap = new Array<number>(rank).fill(0);
  for (let kk = 0; kk < k; kk++) {
    let rest = flip ? k - 1 - kk : kk;
    for (let i = rank - 1; i >= 0; i--) {
      tap[i] = rest % (geo.kernel[i] as number);
      rest = Math.floor(rest / (geo.kernel[i] as number));
    }
    for (let ll = 0; ll < l; ll++) {
      let pos = ll;
      let offset = 0;
      for (let i = rank - 1; i >= 0; i--) {
        const o = pos % (spatialOut[i] as number);
        pos = Math.floor(pos / (spatialOut[i] as number));
        offset += (o * (geo.strides[i] as number) + (tap[i] as number) * (geo.dilations[i] as number)) * (pitch[i] as number);
      }
      index[kk * l + ll] = offset;
    }
  }
  const patches = g.emit('Gather', [flat, g.constant(`${purpose}_index`, 'int64', [k, l], index)], purpose, { axis: 1 });
  return view(g, patches, [c * k, l * n], `${purpose}_matrix`);
}

/** [N, C, ...S] as the matrix [C, S * N] (the column order of `gatherPatches`). */
function channelRows(g: GradContext, t: string, shape: readonly number[], purpose: string): string {
  const rank = shape.length - 2;
  const moved = g.emit('Transpose', [t], purpose, { perm: [1, ...Array.from({ length: rank }, (_, i) => i + 2), 0] });
  return reshape(g, moved, [shape[1] as number, shape.slice(2).reduce((a, b) => a * b, 1) * (shape[0] as number)], `${purpose}_matrix`);
}

/**
 * Should a Conv run as `convByGemm`: group 1, a batch of 16 or more, and a long reduction
 * (channels x taps) or few output positions per sample.
 */
export function convByGemmPays(batch: number, group: number, reduction: number, positions: number): boolean {
  return group === 1 && batch >= GEMM_MIN_BATCH && (reduction >= GEMM_CONV_MIN_REDUCTION || positions <= GEMM_CONV_MAX_POSITIONS);
}

/**
 * Y of a group-1 Conv as one GEMM over batch-wide patches: Y [Cout, L*N] = W [Cout, C*K] x
 * patches [C*K, L*N], back to [N, Cout, ...L] (plus the bias). The same products as the Conv
 * (summed in another order); for training steps, where ORT's Conv of a long reduction is slow
 * (see GEMM_CONV_MIN_REDUCTION). Returns Y's tensor.
 */
export function convByGemm(
  g: NodeSink, x: string, w: string, bias: string, xShape: readonly number[], wShape: readonly number[], yShape: readonly number[], p: ConvParams,
): string {
  const spatialIn = xShape.slice(2);
  const spatialOut = yShape.slice(2);
  const [n, cout] = yShape as [number, number];
  const pads = resolvedPads(spatialIn, spatialOut, p);
  const patches = gatherPatches(g, x, xShape, p, pads, spatialOut, false, 'patches');
  const wm = view(g, w, [cout, wShape.slice(1).reduce((a, b) => a * b, 1)], 'w_matrix');
  const ym = view(g, g.emit('MatMul', [wm, patches], 'y_matrix'), [cout, ...spatialOut, n], 'y_cs_n');
  const y = g.emit('Transpose', [ym], bias ? 'y_no_bias' : 'y', { perm: [spatialOut.length + 1, 0, ...spatialOut.map((_, i) => i + 1)] });
  return bias ? g.emit('Add', [y, view(g, bias, [cout, ...spatialOut.map(() => 1)], 'bias_c')], 'y') : y;
}

/** The stride-1 dX as a Conv of dY with the weight transposed per group and flipped (pads keff-1-p). */
function dxByFlippedConv(g: GradContext, xShape: readonly number[], wShape: readonly number[], p: ConvParams, flipPads: readonly number[]): string {
  const k = p.kernel;
  const kk = k.reduce((a, b) => a * b, 1);
  const c = xShape[1] as number;
  const cg = c / p.group;
  const cog = (wShape[0] as number) / p.group;
  const grouped = reshape(g, g.input(1), [p.group, cog, cg, ...k], 'w_groups');
  const swapped = g.emit('Transpose', [grouped], 'w_swapped', { perm: [0, 2, 1, ...k.map((_, i) => i + 3)] });
  // Flipping every spatial axis reverses the flattened kernel index: a MatMul with the
  // exchange matrix (exact: products with 1, sums with 0), far faster in ORT than a Slice
  // with negative steps.
  const exchange = new Float32Array(kk * kk);
  for (let i = 0; i < kk; i++) exchange[i * kk + (kk - 1 - i)] = 1;
  const rows = reshape(g, swapped, [c * cog, kk], 'w_rows');
  const reversed = g.emit('MatMul', [rows, g.constant('exchange', g.inputInfo(1).dtype, [kk, kk], exchange)], 'w_reversed');
  const flipped = reshape(g, reversed, [c, cog, ...k], 'w_flipped');
  return g.emit('Conv', [g.outGrad(0), flipped], 'dx', { pads: flipPads, dilations: p.dilations, group: p.group, kernel_shape: k });
}

/**
 * The same stride-1 dX (group 1) as one GEMM: dX [C, S*N] = W^T [C, Cout*K] x the patches of dY
 * with the taps reversed (the flip lives in the gather index, so W needs only a transpose).
 */
function dxByGemm(g: GradContext, xShape: readonly number[], wShape: readonly number[], yShape: readonly number[], p: ConvParams, flipPads: readonly number[]): string {
  const k = p.kernel;
  const [n, c] = xShape as [number, number];
  const spatialIn = xShape.slice(2);
  const wt = g.emit('Transpose', [g.input(1)], 'w_t', { perm: [1, 0, ...k.map((_, i) => i + 2)] });
  const wm = reshape(g, wt, [c, (wShape[0] as number) * k.reduce((a, b) => a * b, 1)], 'w_t_matrix');
  const pd = gatherPatches(g, g.outGrad(0), yShape, { kernel: k, strides: k.map(() => 1), dilations: p.dilations }, flipPads, spatialIn, true, 'dy_patches');
  const dxm = g.emit('MatMul', [wm, pd], 'dx_matrix');
  const dxs = reshape(g, dxm, [c, ...spatialIn, n], 'dx_cs_n');
  return g.emit('Transpose', [dxs], 'dx', { perm: [spatialIn.length + 1, 0, ...spatialIn.map((_, i) => i + 1)] });
}

/**
 * dX = ConvTranspose(dY, W) with the forward geometry; output_padding restores the input rows
 * the forward stride skipped (at stride 1, a Conv with flipped weights instead). dW by im2col: a grouped Conv with a fixed one-hot kernel
 * extracts the patches P [N, C*K, L] (strides, pads, dilations for free), then per group
 * dW = sum_n P_n dY_n^T, a batched MatMul and a ReduceSum over the batch. This ran at forward
 * speed in ORT, ~8x faster than a Conv over transposed tensors (bench/gradients). From batch 16
 * (group 1), dW, and the stride-1 dX of long reductions or small outputs, are one GEMM over
 * batch-wide patches instead (`gatherPatches`; bench/train/profile-step). dB = sum dY.
 */
function convGradient(g: GradContext): void {
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
  const cout = w.shape[0] as number;
  const group = p.group;
  if (g.needs(2)) g.setInputGrad(2, reduceSum(g, dY, [0, ...spatialOut.map((_, i) => i + 2)], false, 'db'));
  // Few input channels: ConvTranspose's GEMM has C*K rows where the flipped Conv's has only C.
  const fewChannels = group === 1 && c < DX_CONV_TRANSPOSE_MAX_CHANNELS;
  if (g.needs(0) && !fewChannels && p.strides.every((st) => st === 1) && spatialIn.every((_, i) => (pads[i] as number) <= keff(p, i) - 1 && (pads[i + rank] as number) <= keff(p, i) - 1)) {
    // Stride 1: dX = Conv(dY, W') with W' the weight transposed per group and flipped, and
    // pads keff-1-p. ORT runs this Conv ~1.6x faster than the equivalent ConvTranspose.
    const flipPads = [...spatialIn.map((_, i) => keff(p, i) - 1 - (pads[i] as number)), ...spatialIn.map((_, i) => keff(p, i) - 1 - (pads[i + rank] as number))];
    const kk = p.kernel.reduce((a, b) => a * b, 1);
    const asGemm = convByGemmPays(n, group, cout * kk, spatialIn.reduce((a, b) => a * b, 1));
    g.setInputGrad(0, asGemm ? dxByGemm(g, x.shape, w.shape, y.shape, p, flipPads) : dxByFlippedConv(g, x.shape, w.shape, p, flipPads));
  } else if (g.needs(0)) {
    const outputPadding = spatialIn.map((inDim, i) => {
      const keff = (p.dilations[i] as number) * ((p.kernel[i] as number) - 1) + 1;
      return inDim - (((spatialOut[i] as number) - 1) * (p.strides[i] as number) - (pads[i] as number) - (pads[i + rank] as number) + keff);
    });
    g.setInputGrad(0, g.emit('ConvTranspose', [dY, g.input(1)], 'dx', {
      strides: p.strides, pads, dilations: p.dilations, group, kernel_shape: p.kernel,
      ...(outputPadding.some((v) => v !== 0) ? { output_padding: outputPadding } : {}),
    }));
  }
  const positions = spatialOut.reduce((a, b) => a * b, 1);
  if (g.needs(1) && group === 1 && n >= GEMM_MIN_BATCH && c * p.kernel.reduce((a, b) => a * b, 1) >= GEMM_DW_MIN_ROWS && positions <= GEMM_DW_MAX_POSITIONS) {
    // dW^T [C*K, Cout] = patches [C*K, L*N] x dY^T [L*N, Cout]: one GEMM, the batch sum included.
    // The patches are the GEMM's A operand: with dY as A (dW = dY x patches^T) ORT's GEMM packed
    // the large patches and ran 1.1-1.3x slower.
    const pm = gatherPatches(g, g.input(0), x.shape, p, pads, spatialOut, false, 'patches');
    const dyt = g.emit('Transpose', [channelRows(g, dY, y.shape, 'dy_cs_n')], 'dy_rows_t', { perm: [1, 0] });
    const dwt = g.emit('MatMul', [pm, dyt], 'dw_t_matrix');
    g.setInputGrad(1, reshape(g, g.emit('Transpose', [dwt], 'dw_matrix', { perm: [1, 0] }), w.shape, 'dw'));
  } else if (g.needs(1)) {
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
    const summed = n === 1 ? reshape(g, prod, [group, cg * k, cog], 'dw_sum') : reduceSum(g, prod, [0], false, 'dw_sum');
    const dwt = g.emit('Transpose', [summed], 'dw_t', { perm: [0, 2, 1] });
    g.setInputGrad(1, reshape(g, dwt, w.shape, 'dw'));
  }
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
  gradient: convGradient,
};
