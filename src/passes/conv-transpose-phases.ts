import { nodeContext } from '../analysis/infer.js';
import { type NodeEmitter, nodeEmitter } from '../autodiff/emitter.js';
import { type Graph, graphFromModel } from '../graph/graph.js';
import type { TensorInfo } from '../graph/tensor-meta.js';
import type { NodeProto } from '../onnx/types.js';
import { convParams } from '../ops/shared/conv-geometry.js';
import { constantTensors } from './batch-norm-scale.js';
import { type ShapedModel, shapedResult } from './shaped-model.js';

/** One output phase (a row offset and a column offset modulo the stride) of a ConvTranspose along one axis. */
interface AxisPhase {
  /** kernel taps that write this phase, in the order a Conv reads them (reversed) */
  readonly taps: readonly number[];
  readonly padBegin: number;
  readonly padEnd: number;
}

/**
 * A stride-s ConvTranspose (2-D, group 1, dilation 1, constant weight) as s*s stride-1 Convs,
 * one per output phase (the output rows and columns congruent to (a, b) modulo s), each with
 * the kernel taps that write that phase, then DepthToSpace to interleave them. The same
 * products as the ConvTranspose (nothing multiplied by inserted zeros); ONNX Runtime runs the
 * phase Convs on its NCHWc kernels and fuses a Sum of two ConvTransposes' phases into the
 * Convs. Pays for constant weights, which ORT folds into the phase Convs' weights (so that
 * they run on its NCHWc kernels): for ResNet-18's stride-2 input gradients (Grad-CAM at batch
 * 8; commit 7ded77e) it replaced a 5.5 and a 6.3 ms ConvTranspose, each with its 0.8 ms
 * downsample ConvTranspose and a Sum, by ~4.5 ms of Convs and a DepthToSpace of 0.7-1.3 ms.
 *
 * A Sum of such ConvTransposes (same stride and output shape, each read only by the Sum: a
 * residual block's input gradient) is rewritten as one: phase by phase summed, interleaved
 * once. A lone ConvTranspose is rewritten when each of its phases has taps (stride <= kernel).
 * Anything else stays as it is.
 */
export function convTransposesAsPhases(m: ShapedModel): ShapedModel {
  const { model, shapes } = m;
  if (!model.graph.node.some((n) => n.opType === 'ConvTranspose')) return m;
  const graph = graphFromModel(model);
  const constants = constantTensors(graph);
  const e = nodeEmitter(model);
  const replaced = new Map<NodeProto, NodeProto[]>();
  const removed = new Set<NodeProto>();
  const outputs = new Set(graph.outputs.map((o) => o.name));
  const singleUse = (t: string) => (graph.consumers.get(t)?.length ?? 0) === 1 && !outputs.has(t);

  // Sums first, so that their members are not rewritten alone before.
  for (const node of graph.nodes) {
    if ((node.domain ?? '') !== '' || (node.opType !== 'Sum' && node.opType !== 'Add')) continue;
    const members = node.input.map((t) => producerOf(graph, t));
    if (members.length < 2 || !members.every((m) => m && m.opType === 'ConvTranspose' && singleUse(m.output[0]!))) continue;
    const plans = members.map((m) => plan(graph, m!, shapes, constants));
    const first = plans[0];
    if (!first || !plans.every((p) => p && p.stride === first.stride && sameDims(p.y.shape, first.y.shape))) continue;
    const start = e.nodes.length;
    if (!emitPhases(e, plans as Plan[], node.output[0]!, `${node.name || node.output[0]}/phases`)) continue;
    replaced.set(node, e.nodes.slice(start));
    for (const m of members) removed.add(m!);
  }
  for (const node of graph.nodes) {
    if ((node.domain ?? '') !== '' || node.opType !== 'ConvTranspose' || removed.has(node)) continue;
    const p = plan(graph, node, shapes, constants);
    if (!p) continue;
    const start = e.nodes.length;
    if (!emitPhases(e, [p], node.output[0]!, `${node.name || node.output[0]}/phases`)) continue; // a ConvTranspose has output 0
    replaced.set(node, e.nodes.slice(start));
  }
  if (replaced.size === 0) return m;
  for (const r of removed) replaced.set(r, []);
  return shapedResult(m, e.replaceIn(model, replaced), e);
}

interface Plan {
  readonly node: NodeProto;
  readonly stride: number;
  readonly y: TensorInfo;
  /** per spatial axis, per phase a = 0..stride-1 */
  readonly axes: readonly (readonly AxisPhase[])[];
}

function producerOf(graph: Graph, t: string): NodeProto | undefined {
  const i = graph.producer.get(t);
  return i === undefined ? undefined : graph.nodes[i];
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** The phases of an eligible ConvTranspose, or undefined. */
function plan(graph: Graph, node: NodeProto, shapes: ReadonlyMap<string, TensorInfo>, constants: ReadonlySet<string>): Plan | undefined {
  // Bounds: X is 4-D (checked), so W and Y are too and the geometry has 2 strides and kernel entries, 4 pads; i < 2.
  const x = shapes.get(node.input[0] ?? '');
  const w = shapes.get(node.input[1] ?? '');
  const y = shapes.get(node.output[0] ?? '');
  if (!x || !w || !y || x.shape.length !== 4 || x.dtype !== 'float32' || !constants.has(node.input[1] ?? '')) return undefined;
  if (node.input[2] && !constants.has(node.input[2])) return undefined;
  const ctx = nodeContext(graph, node, graph.nodes.indexOf(node));
  const p = convParams(ctx, x.shape, w.shape.slice(2));
  if (p.group !== 1 || p.autoPad !== 'NOTSET' || ctx.attrs.has('output_shape') || p.dilations.some((d) => d !== 1)) return undefined;
  const stride = p.strides[0]!;
  if (stride < 2 || p.strides.some((s) => s !== stride)) return undefined;
  const axes: AxisPhase[][] = [];
  for (let i = 0; i < 2; i++) {
    const inDim = x.shape[i + 2]!;
    // Equal phases: DepthToSpace interleaves s*s tensors of the input's size.
    if (y.shape[i + 2] !== stride * inDim) return undefined;
    const k = p.kernel[i]!;
    const pad = p.pads[i]!;
    const phases: AxisPhase[] = [];
    for (let a = 0; a < stride; a++) {
      // Output q = s*o + t - pad; q = s*j + a takes the taps t = t0 + m*s (t0 = (a + pad) mod s)
      // from o = j + c - m (c = floor((a + pad) / s)): a Conv over o with the taps reversed.
      const t0 = (a + pad) % stride;
      const c = Math.floor((a + pad) / stride);
      const taps: number[] = [];
      for (let t = t0; t < k; t += stride) taps.unshift(t);
      // Equal input and output lengths: padBegin + padEnd = taps - 1.
      const padBegin = taps.length - 1 - c;
      if (taps.length > 0 && (padBegin < 0 || c < 0)) return undefined;
      phases.push({ taps, padBegin: Math.max(0, padBegin), padEnd: taps.length > 0 ? c : 0 });
    }
    axes.push(phases);
  }
  return { node, stride, y, axes };
}

/**
 * Emits the phase Convs of `plans` (summed phase by phase) and their interleaving into
 * `output`; false (nothing emitted) when some phase has no taps in any of them.
 */
function emitPhases(e: NodeEmitter, plans: readonly Plan[], output: string, prefix: string): boolean {
  // Bounds: plans is never empty (planned per ConvTranspose found), a written phase (a, b) has both axes' entries, a ConvTranspose has inputs 0 and 1, and emit returns as many outputs as asked for (1 here).
  const first = plans[0]!;
  const s = first.stride;
  const written = (p: Plan, a: number, b: number) => (p.axes[0]?.[a]?.taps.length ?? 0) > 0 && (p.axes[1]?.[b]?.taps.length ?? 0) > 0;
  for (let a = 0; a < s; a++) {
    for (let b = 0; b < s; b++) {
      if (!plans.some((p) => written(p, a, b))) return false;
      // A bias rides on its ConvTranspose's phase Convs: each must have one at every phase.
      if (plans.some((p) => p.node.input[2] && !written(p, a, b))) return false;
    }
  }
  const parts: string[] = [];
  for (let a = 0; a < s; a++) {
    for (let b = 0; b < s; b++) {
      const terms: string[] = [];
      plans.forEach((p, m) => {
        const ra = p.axes[0]?.[a]!;
        const rb = p.axes[1]?.[b]!;
        if (!written(p, a, b)) return;
        const name = `${prefix}/${m}/${a}${b}`;
        const rows = e.emit('Gather', [p.node.input[1]!, e.constant(`${name}/rows`, 'int64', [ra.taps.length], ra.taps)], 1, `${name}/w_rows`, { axis: 2 })[0]!;
        const taps = e.emit('Gather', [rows, e.constant(`${name}/cols`, 'int64', [rb.taps.length], rb.taps)], 1, `${name}/w_taps`, { axis: 3 })[0]!;
        // ConvTranspose weights are [C_in, C_out, k...]; a Conv's [C_out, C_in, k...].
        const wt = e.emit('Transpose', [taps], 1, `${name}/w`, { perm: [1, 0, 2, 3] })[0]!;
        const bias = p.node.input[2] ? [p.node.input[2]] : [];
        terms.push(e.emit('Conv', [p.node.input[0]!, wt, ...bias], 1, `${name}/conv`, {
          pads: [ra.padBegin, rb.padBegin, ra.padEnd, rb.padEnd], kernel_shape: [ra.taps.length, rb.taps.length],
        })[0]!);
      });
      parts.push(terms.length === 1 ? terms[0]! : e.emit('Sum', terms, 1, `${prefix}/${a}${b}`)[0]!);
    }
  }
  const stacked = e.emit('Concat', parts, 1, `${prefix}/stacked`, { axis: 1 })[0]!;
  e.node('DepthToSpace', [stacked], [output], `${prefix}/interleave`, { blocksize: s, mode: 'DCR' });
  return true;
}
