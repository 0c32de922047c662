import { nodeEmitter } from '../autodiff/emitter.js';
import type { NodeProto } from '../onnx/types.js';
import { type ConvParams, convParams, resolvedPads } from '../ops/shared/conv-geometry.js';
import { known, type NodeSink, opContext, prefixedSink, type ShapedModel, shapedResult, view } from './shaped-model.js';

/**
 * Batch size from which convolutions run as batch-wide im2col GEMMs (`gatherPatches`): each
 * gathered patch row is `batch` floats long, so small batches (Grad-CAM at batch 1) keep the
 * Conv formulations. Commit e5dcb86 (single thread, batch 64, interleaved): dW of 128->128 7x7
 * 19.3 -> 11.5 ms, dX 14.2 -> 11.5 ms; the small VGG's training step 0.91x the time.
 */
export const GEMM_MIN_BATCH = 16;

/**
 * A Conv (a training step's forward one, or a stride-1 input gradient) runs as im2col + one
 * GEMM when it reduces over at least this many (channel, tap) pairs: ORT's Conv runs its im2col
 * in 16K-float chunks, so a long reduction leaves its GEMM only ~14 columns per chunk; the small
 * VGG's 128->128 7x7 layer (1152) ran 1.1-1.2x faster as one GEMM (commit 56ce87e: 13.5 ->
 * 12.3 ms single-threaded)...
 */
const GEMM_CONV_MIN_REDUCTION = 1024;
/**
 * ...or when a sample's output has at most this many positions (64->128 at 7x7, a reduction of
 * 576, ran 1.1x faster single-threaded, ~2x with 2 threads: 6.3 -> 3.3 ms); at 14x14 the Conv won.
 */
const GEMM_CONV_MAX_POSITIONS = 64;

/**
 * Pays when: group 1, a batch of 16 or more, and a long reduction (channels x taps) or few
 * output positions per sample (see the constants above).
 */
export function convByGemmPays(batch: number, group: number, reduction: number, positions: number): boolean {
  return group === 1 && batch >= GEMM_MIN_BATCH && (reduction >= GEMM_CONV_MIN_REDUCTION || positions <= GEMM_CONV_MAX_POSITIONS);
}

/** The geometry `gatherPatches` reads. */
export interface PatchGeometry {
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
}

/**
 * im2col for a whole batch by one Gather: src [N, C, ...S] becomes [C, ...S, N] (padded), whose
 * flattened spatial axis is gathered at each kernel tap's input position for every output
 * position, giving patches [C * K, L * N] (rows channel-major then tap, as the weight's
 * [C, ...k] flattens; columns output position then sample). `flip` takes the taps in reverse
 * order (the flipped kernel of an input gradient). Each gathered row is N floats long.
 */
export function gatherPatches(
  g: NodeSink, src: string, shape: readonly number[], geo: PatchGeometry,
  pads: readonly number[], spatialOut: readonly number[], flip: boolean, purpose: string,
): string {
  // Bounds: i < rank, the length of the geometry's kernel, strides and dilations, of spatialOut, pitch and tap; pads has 2 rank entries.
  const [n, c] = shape as [number, number];
  const spatial = shape.slice(2);
  const rank = spatial.length;
  let t = g.emit('Transpose', [src], `${purpose}_cs_n`, { perm: [1, ...spatial.map((_, i) => i + 2), 0] });
  const padded = spatial.map((d, i) => d + pads[i]! + pads[i + rank]!);
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
      tap[i] = rest % geo.kernel[i]!;
      rest = Math.floor(rest / geo.kernel[i]!);
    }
    for (let ll = 0; ll < l; ll++) {
      let pos = ll;
      let offset = 0;
      for (let i = rank - 1; i >= 0; i--) {
        const o = pos % spatialOut[i]!;
        pos = Math.floor(pos / spatialOut[i]!);
        offset += (o * geo.strides[i]! + tap[i]! * geo.dilations[i]!) * pitch[i]!;
      }
      index[kk * l + ll] = offset;
    }
  }
  const patches = g.emit('Gather', [flat, g.constant(`${purpose}_index`, 'int64', [k, l], index)], purpose, { axis: 1 });
  return view(g, patches, [c * k, l * n], `${purpose}_matrix`);
}

/** [N, C, ...S] as the matrix [C, S * N] (the column order of `gatherPatches`). */
export function channelRows(g: NodeSink, t: string, shape: readonly number[], purpose: string): string {
  const rank = shape.length - 2;
  const moved = g.emit('Transpose', [t], purpose, { perm: [1, ...Array.from({ length: rank }, (_, i) => i + 2), 0] });
  return view(g, moved, [shape[1]!, shape.slice(2).reduce((a, b) => a * b, 1) * shape[0]!], `${purpose}_matrix`); // shape is [N, C, ...spatial] (a Conv's tensor)
}

/**
 * Y of a group-1 Conv as one GEMM over batch-wide patches: Y [Cout, L*N] = W [Cout, C*K] x
 * patches [C*K, L*N], back to [N, Cout, ...L] (plus the bias). The same products as the Conv,
 * summed in another order. Returns Y's tensor.
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

/**
 * Rewrites the named Convs (a training step's forward ones) into one GEMM over batch-wide im2col
 * patches (`convByGemm`) where `convByGemmPays`. The output keeps its name, so the gradient
 * nodes that read it are unchanged: the rewrite comes after autodiff, which differentiated the
 * Conv itself. With dW's GEMM reading the same patches, ORT computes them once (see
 * shareIntConstants). Commit 56ce87e: 64->128 7x7 at batch 64, 2 threads, 6.3 -> 3.3 ms; the
 * small VGG's step 0.94x the time.
 */
export function forwardConvsAsGemm(m: ShapedModel, names: ReadonlySet<string>): ShapedModel {
  // Bounds: a known Conv has X, W and Y with one rank >= 3 (convParams checks), inputs 0 and 1 and output 0.
  const { model, shapes } = m;
  const e = nodeEmitter(model);
  const replaced = new Map<NodeProto, NodeProto[]>();
  for (const node of model.graph.node) {
    const [x, w, y] = [shapes.get(node.input[0] ?? ''), shapes.get(node.input[1] ?? ''), shapes.get(node.output[0] ?? '')];
    if (node.opType !== 'Conv' || (node.domain ?? '') !== '' || !names.has(node.name) || !known(x) || !known(w) || !known(y) || x.dtype !== 'float32') continue;
    const ctx = opContext(model, node);
    const p = convParams(ctx, x.shape, w.shape.slice(2));
    const reduction = w.shape.slice(1).reduce((a, b) => a * b, 1);
    if (!convByGemmPays(x.shape[0]!, p.group, reduction, y.shape.slice(2).reduce((a, b) => a * b, 1))) continue;
    const prefix = `${node.name}/gemm`;
    replaced.set(node, e.capture(() => {
      const out = convByGemm(prefixedSink(e, prefix), node.input[0]!, node.input[1]!, node.input[2] ?? '', x.shape, w.shape, y.shape, p);
      e.node('Identity', [out], [node.output[0]!], `${prefix}/output`);
    }));
  }
  return shapedResult(m, replaced.size ? e.replaceIn(model, replaced) : model, e);
}
