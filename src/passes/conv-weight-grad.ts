import { nodeEmitter } from '../autodiff/emitter.js';
import { dtypeFromCode } from '../onnx/dtype.js';
import { tensorValue } from '../onnx/tensor.js';
import type { ModelProto, NodeProto, TensorProto } from '../onnx/types.js';
import type { TensorInfo } from '../graph/tensor-meta.js';
import { im2colKernel } from '../ops/shared/conv-geometry.js';
import { channelRows, GEMM_MIN_BATCH, gatherPatches, type PatchGeometry } from './conv-gemm.js';
import { known, opContext, prefixedSink, readerCounts, type ShapedModel, shapedResult, view } from './shaped-model.js';

/**
 * dW as one GEMM needs patches of at least this many rows (C*K): a 1-channel first layer (9
 * rows) ran 1.3x slower so, 1.64 against 1.26 ms per sample (commit 234ffad).
 */
const MIN_ROWS = 32;
/**
 * Nor above this many output positions per sample: at 28x28 with 2 threads the per-sample
 * products (64 independent GEMMs) and the multithreaded one-hot Conv beat the single GEMM and
 * ORT's Gather (12.1 against 13.2 ms for 32->32 at batch 64, ORT profiler; commit e0608fe).
 */
const MAX_POSITIONS = 256;

/** A Conv weight gradient in the per-sample form ops/conv.ts emits, matched node by node. */
interface PerSampleWeightGrad {
  readonly x: string;
  readonly xShape: readonly number[];
  readonly dy: string;
  readonly dyShape: readonly number[];
  readonly wShape: readonly number[];
  readonly geometry: PatchGeometry;
  readonly pads: readonly number[];
  /** the chain's nodes, the last writing dW */
  readonly nodes: readonly NodeProto[];
}

const sameInts = (a: readonly number[] | undefined, b: readonly number[]): boolean => a !== undefined && a.length === b.length && a.every((v, i) => v === b[i]);

/** Reads the model's nodes and int64 constants for matching. */
function index(model: ModelProto) {
  const producer = new Map<string, NodeProto>();
  for (const n of model.graph.node) for (const o of n.output) if (o) producer.set(o, n);
  const inits = new Map(model.graph.initializer.map((t) => [t.name, t]));
  const readers = readerCounts(model);
  const made = (t: string | undefined, opType: string): NodeProto | undefined => {
    const n = producer.get(t ?? '');
    return n && n.opType === opType && (n.domain ?? '') === '' && readers.get(t ?? '') === 1 ? n : undefined;
  };
  const ints = (t: string | undefined): number[] | undefined => {
    const init = inits.get(t ?? '');
    return init && dtypeFromCode(init.dataType, init.name) === 'int64' ? Array.from(tensorValue(init).data, Number) : undefined;
  };
  return { producer, inits, readers, made, ints };
}

/** The chain X, dY -> [one-hot Conv] -> Reshape / Transpose -> MatMul -> ReduceSum -> Transpose -> Reshape ending at `reshape`, or undefined. */
function match(model: ModelProto, shapes: ReadonlyMap<string, TensorInfo>, ix: ReturnType<typeof index>, last: NodeProto): PerSampleWeightGrad | undefined {
  const attrs = (n: NodeProto) => opContext(model, n).attrs;
  const wShape = ix.ints(last.input[1]);
  const dwt = ix.made(last.input[0], 'Transpose');
  const summed = dwt && sameInts(attrs(dwt).ints('perm'), [0, 2, 1]) ? ix.made(dwt.input[0], 'ReduceSum') : undefined;
  if (!wShape || !summed || attrs(summed).int('keepdims', 1) !== 0 || !sameInts(ix.ints(summed.input[1]) ?? attrs(summed).ints('axes'), [0])) return undefined;
  const prod = ix.made(summed.input[0], 'MatMul');
  const pm = prod && ix.made(prod.input[0], 'Reshape');
  const dyt = prod && ix.made(prod.input[1], 'Transpose');
  const dym = dyt && sameInts(attrs(dyt).ints('perm'), [0, 1, 3, 2]) ? ix.made(dyt.input[0], 'Reshape') : undefined;
  if (!dwt || !prod || !pm || !dyt || !dym) return undefined;
  const [cout, c] = wShape as [number, number];
  const kernel = wShape.slice(2);
  const k = kernel.reduce((a, b) => a * b, 1);
  const onehot = ix.made(pm.input[0], 'Conv');
  const x = onehot ? onehot.input[0] ?? '' : pm.input[0] ?? '';
  const xInfo = shapes.get(x);
  const dyInfo = shapes.get(dym.input[0] ?? '');
  if (!known(xInfo) || !known(dyInfo) || xInfo.dtype !== 'float32' || xInfo.shape[1] !== c || dyInfo.shape[1] !== cout) return undefined;
  const n = xInfo.shape[0]!; // a matched Conv's X is [N, C, ...]
  const l = dyInfo.shape.slice(2).reduce((a, b) => a * b, 1);
  if (!sameInts(ix.ints(pm.input[1]), [n, 1, c * k, l]) || !sameInts(ix.ints(dym.input[1]), [n, 1, cout, l])) return undefined;
  const ones = kernel.map(() => 1);
  const zeros = [...kernel, ...kernel].map(() => 0);
  const chain = { x, xShape: xInfo.shape, dy: dym.input[0]!, dyShape: dyInfo.shape, wShape }; // dym is a node the match found, with its input 0
  if (!onehot) {
    // The input itself as patches: a 1x1 kernel at stride 1 without pads.
    if (k !== 1 || !sameInts(xInfo.shape.slice(2), dyInfo.shape.slice(2))) return undefined;
    return { ...chain, geometry: { kernel, strides: ones, dilations: ones }, pads: zeros, nodes: [pm, dym, dyt, prod, summed, dwt, last] };
  }
  const a = attrs(onehot);
  const expected = im2colKernel(c, kernel);
  const weight = ix.inits.get(onehot.input[1] ?? '');
  if (onehot.input[2] || a.int('group', 1) !== c || a.string('auto_pad', 'NOTSET') !== 'NOTSET' || !sameInts(a.ints('kernel_shape'), kernel) || !isKernel(weight, expected)) return undefined;
  const geometry = { kernel, strides: a.ints('strides', ones), dilations: a.ints('dilations', ones) };
  return { ...chain, geometry, pads: a.ints('pads', zeros), nodes: [onehot, pm, dym, dyt, prod, summed, dwt, last] };
}

/** Does the initializer hold exactly `expected` (the im2col one-hot kernel)? */
function isKernel(t: TensorProto | undefined, expected: { dims: readonly number[]; data: Float32Array }): boolean {
  if (!t || !sameInts(t.dims.map(Number), expected.dims)) return false;
  const data = tensorValue(t).data;
  return data.length === expected.data.length && expected.data.every((v, i) => Number(data[i]) === v);
}

/**
 * Conv weight gradients of training batches as one GEMM: dW^T [C*K, Cout] = patches [C*K, L*N]
 * x dY^T [L*N, Cout] over batch-wide im2col patches (a Gather), the batch sum included, instead
 * of per-sample products P_n dY_n^T (which reduce over only L columns) and a ReduceSum. Pays for
 * group-1 Convs from batch 16 with at least 32 patch rows and at most 256 output positions:
 * batch 64, single thread, 1.6-1.8x faster at 14x14 and 7x7 (commits e5dcb86, 234ffad:
 * 128->128 7x7 19.3 -> 10.9 ms, 64->64 14x14 20.1 -> 12.2 ms). The patches are the GEMM's A
 * operand: with dY as A (dW = dY x patches^T) ORT's GEMM packed the large patches and ran
 * 1.1-1.3x slower. Matches the per-sample form of ops/conv.ts node by node, so the products
 * are the same; dW keeps its tensor name.
 */
export function weightGradsAsGemm(m: ShapedModel): ShapedModel {
  const { model, shapes } = m;
  const ix = index(model);
  const e = nodeEmitter(model);
  const replaced = new Map<NodeProto, NodeProto[]>();
  for (const last of model.graph.node) {
    if (last.opType !== 'Reshape' || (last.domain ?? '') !== '') continue;
    const chain = match(model, shapes, ix, last);
    if (!chain) continue;
    const [n, c] = chain.xShape as [number, number];
    const k = chain.geometry.kernel.reduce((a, b) => a * b, 1);
    const l = chain.dyShape.slice(2).reduce((a, b) => a * b, 1);
    if (n < GEMM_MIN_BATCH || c * k < MIN_ROWS || l > MAX_POSITIONS) continue;
    const g = prefixedSink(e, `${last.name || last.output[0]}/gemm`);
    const nodes = e.capture(() => {
      const pm = gatherPatches(g, chain.x, chain.xShape, chain.geometry, chain.pads, chain.dyShape.slice(2), false, 'patches');
      const dyt = g.emit('Transpose', [channelRows(g, chain.dy, chain.dyShape, 'dy_cs_n')], 'dy_rows_t', { perm: [1, 0] });
      const dwt = g.emit('MatMul', [pm, dyt], 'dw_t_matrix');
      view(g, g.emit('Transpose', [dwt], 'dw_matrix', { perm: [1, 0] }), chain.wShape, 'dw');
    });
    const end = nodes.pop()!; // capture gave at least one node
    nodes.push({ ...end, output: [...last.output] });
    for (const old of chain.nodes) replaced.set(old, []);
    replaced.set(last, nodes);
  }
  if (replaced.size === 0) return m;
  return shapedResult(m, withoutUnreadInitializers(e.replaceIn(model, replaced), [...replaced.keys()]), e);
}

/** Drops the initializers the removed nodes read that nothing reads any more (the one-hot kernel, shapes). */
function withoutUnreadInitializers(model: ModelProto, removed: readonly NodeProto[]): ModelProto {
  const candidates = new Set(removed.flatMap((n) => n.input));
  const read = new Set([...model.graph.node.flatMap((n) => n.input), ...model.graph.input.map((v) => v.name), ...model.graph.output.map((v) => v.name)]);
  const initializer = model.graph.initializer.filter((t) => !candidates.has(t.name) || read.has(t.name));
  return { ...model, graph: { ...model.graph, initializer } };
}
