import { nodeEmitter } from '../autodiff/emitter.js';
import type { DType } from '../onnx/dtype.js';
import type { NodeProto } from '../onnx/types.js';
import { type ConvParams, convParams } from '../ops/shared/conv-geometry.js';
import { convByGemmPays, gatherPatches } from './conv-gemm.js';
import { known, type NodeSink, opContext, prefixedSink, type ShapedModel, shapedResult, view } from './shaped-model.js';

/**
 * A stride-1 input gradient stays a ConvTranspose below this many output channels (group 1):
 * the flipped Conv's GEMM has only C rows where ConvTranspose's has C*K. LeNet's 6->16 5x5 conv
 * at batch 64 ran 2-4x faster so (0.8 against 2.4 ms, commit 7942f9d; the LeNet step 0.77x the
 * time); at 32 channels and more the two ran within 10% or the flipped Conv won (bench/gradients).
 */
const CONV_TRANSPOSE_MAX_CHANNELS = 16;

/** Extent of the dilated kernel along spatial axis `i`. */
function keff(p: ConvParams, i: number): number {
  return p.dilations[i]! * (p.kernel[i]! - 1) + 1; // i is a spatial axis: below the kernel's and dilations' length
}

/**
 * A stride-1 ConvTranspose(dY, W) as Conv(dY, W') with W' the weight transposed per group and
 * flipped, pads keff-1-p (`dyShape` [N, Cout, ...], W [Cout, C/group, ...k], output C channels).
 */
function asFlippedConv(g: NodeSink, dy: string, w: string, wShape: readonly number[], c: number, p: ConvParams, flipPads: readonly number[], dtype: DType): string {
  const k = p.kernel;
  const kk = k.reduce((a, b) => a * b, 1);
  const cg = c / p.group;
  const cog = wShape[0]! / p.group; // W is a Conv weight, [M, C/group, ...kernel]
  const grouped = view(g, w, [p.group, cog, cg, ...k], 'w_groups');
  const swapped = g.emit('Transpose', [grouped], 'w_swapped', { perm: [0, 2, 1, ...k.map((_, i) => i + 3)] });
  // Flipping every spatial axis reverses the flattened kernel index: a MatMul with the
  // exchange matrix (exact: products with 1, sums with 0), far faster in ORT than a Slice
  // with negative steps (commit 7c8bc70).
  const exchange = new Float32Array(kk * kk);
  for (let i = 0; i < kk; i++) exchange[i * kk + (kk - 1 - i)] = 1;
  const rows = view(g, swapped, [c * cog, kk], 'w_rows');
  const reversed = g.emit('MatMul', [rows, g.constant('exchange', dtype, [kk, kk], exchange)], 'w_reversed');
  const flipped = view(g, reversed, [c, cog, ...k], 'w_flipped');
  return g.emit('Conv', [dy, flipped], 'dx', { pads: flipPads, dilations: p.dilations, group: p.group, kernel_shape: k });
}

/**
 * The same (group 1) as one GEMM: dX [C, S*N] = W^T [C, Cout*K] x the patches of dY with the taps
 * reversed (the flip lives in the gather index, so W needs only a transpose).
 */
function asGemm(g: NodeSink, dy: string, w: string, dyShape: readonly number[], wShape: readonly number[], spatialIn: readonly number[], p: ConvParams, flipPads: readonly number[]): string {
  // Bounds: W is [C, M/group, ...kernel] (a Conv weight, rank >= 3).
  const k = p.kernel;
  const [n] = dyShape as [number];
  const c = wShape[1]!;
  const wt = g.emit('Transpose', [w], 'w_t', { perm: [1, 0, ...k.map((_, i) => i + 2)] });
  const wm = view(g, wt, [c, wShape[0]! * k.reduce((a, b) => a * b, 1)], 'w_t_matrix');
  const pd = gatherPatches(g, dy, dyShape, { kernel: k, strides: k.map(() => 1), dilations: p.dilations }, flipPads, spatialIn, true, 'dy_patches');
  const dxm = g.emit('MatMul', [wm, pd], 'dx_matrix');
  const dxs = view(g, dxm, [c, ...spatialIn, n], 'dx_cs_n');
  return g.emit('Transpose', [dxs], 'dx', { perm: [spatialIn.length + 1, 0, ...spatialIn.map((_, i) => i + 1)] });
}

/**
 * Conv input gradients at stride 1 in the form ORT runs fastest. A ConvTranspose reading a Conv's
 * weight is that Conv's input gradient as autodiff emits it (ops/conv.ts); at stride 1 (pads
 * below the dilated kernel, no output_shape) it becomes
 * - a Conv with flipped, group-transposed weights: ORT ran it ~1.6x faster than the
 *   ConvTranspose (ResNet layer 64->64 3x3 56x56, batch 8: 13.8 against 17.5 ms, bench/gradients);
 * - or, where `convByGemmPays` (batch >= 16, group 1, a reduction Cout*K >= 1024 or <= 64
 *   positions), one GEMM over dY's batch-wide patches (128->128 7x7, batch 64: 14.2 -> 11.5 ms,
 *   commit e5dcb86);
 * - except with fewer than 16 output channels, where the ConvTranspose stays.
 * Other ConvTransposes (a model's own, the pools' adjoints) were not measured and stay.
 */
export function convInputGradsAsConv(m: ShapedModel): ShapedModel {
  // Bounds: a Conv-shaped ConvTranspose (known dY and W of the same rank, checked by convParams) has dY = [N, C, ...spatial], W = [C, M/group, ...kernel], inputs 0 and 1 and an output 0; the geometry has rank kernel entries and 2 rank pads; the captured node list ends with the node writing the result.
  const { model, shapes } = m;
  const convWeights = new Set(model.graph.node.filter((n) => n.opType === 'Conv' && (n.domain ?? '') === '').map((n) => n.input[1] ?? ''));
  const e = nodeEmitter(model);
  const replaced = new Map<NodeProto, NodeProto[]>();
  for (const node of model.graph.node) {
    if (node.opType !== 'ConvTranspose' || (node.domain ?? '') !== '' || node.input[2] || !convWeights.has(node.input[1] ?? '')) continue;
    const dy = shapes.get(node.input[0] ?? '');
    const w = shapes.get(node.input[1] ?? '');
    if (!known(dy) || !known(w) || dy.dtype !== 'float32') continue;
    const ctx = opContext(model, node);
    if (ctx.attrs.has('output_shape') || ctx.attrs.ints('output_padding', []).some((v) => v !== 0)) continue;
    const p = convParams(ctx, dy.shape, w.shape.slice(2));
    const rank = p.kernel.length;
    if (p.autoPad !== 'NOTSET' || p.strides.some((s) => s !== 1)) continue;
    if (!p.kernel.every((_, i) => p.pads[i]! <= keff(p, i) - 1 && p.pads[i + rank]! <= keff(p, i) - 1)) continue;
    // ConvTranspose's output: in + keff - 1 - pads at stride 1, with C = W's second axis x group.
    const c = w.shape[1]! * p.group;
    if (p.group === 1 && c < CONV_TRANSPOSE_MAX_CHANNELS) continue;
    const spatialIn = dy.shape.slice(2).map((d, i) => d + keff(p, i) - 1 - p.pads[i]! - p.pads[i + rank]!);
    const flipPads = [...p.kernel.map((_, i) => keff(p, i) - 1 - p.pads[i]!), ...p.kernel.map((_, i) => keff(p, i) - 1 - p.pads[i + rank]!)];
    const kk = p.kernel.reduce((a, b) => a * b, 1);
    const gemm = convByGemmPays(dy.shape[0]!, p.group, w.shape[0]! * kk, spatialIn.reduce((a, b) => a * b, 1));
    const sink = prefixedSink(e, `${node.name || node.output[0]}/${gemm ? 'gemm' : 'flipped'}`);
    const [dyName, wName] = [node.input[0]!, node.input[1]!];
    const nodes = e.capture(() => {
      if (gemm) asGemm(sink, dyName, wName, dy.shape, w.shape, spatialIn, p, flipPads);
      else asFlippedConv(sink, dyName, wName, w.shape, c, p, flipPads, w.dtype);
    });
    // The last node writes the ConvTranspose's output, so its readers are unchanged.
    const last = nodes.pop()!;
    nodes.push({ ...last, output: [node.output[0]!] });
    if (!gemm) e.record(last.input[1]!, { dtype: w.dtype, shape: [c, w.shape[0]! / p.group, ...p.kernel] });
    replaced.set(node, nodes);
  }
  return shapedResult(m, replaced.size ? e.replaceIn(model, replaced) : model, e);
}
