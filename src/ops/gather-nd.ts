import { numelOf } from '../onnx/tensor.js';
import { type GradContext, ints, reduceSum, reshape } from './grad-context.js';
import { type TensorInfo, byteSize } from '../graph/tensor-meta.js';
import type { Inputs, OpContext, OpDef } from './op.js';
import { stridesOf } from './shared/broadcast.js';
import { canFold } from './shared/index-map.js';
import { fail, required } from './shared/tensor-info.js';

interface Plan {
  readonly data: TensorInfo;
  readonly indices: TensorInfo;
  readonly batch: number;
  /** length of each index tuple (indices' last dim) */
  readonly k: number;
  readonly shape: number[];
}

function plan(ctx: OpContext, inputs: Inputs): Plan {
  const data = required(ctx, inputs, 0);
  const indices = required(ctx, inputs, 1);
  const batch = ctx.attrs.int('batch_dims', 0);
  const q = indices.shape.length;
  const k = indices.shape[q - 1] ?? fail(ctx, 'indices must have rank at least 1');
  if (batch < 0 || batch >= q || k > data.shape.length - batch) fail(ctx, `batch_dims ${batch} and index length ${k} do not fit data of rank ${data.shape.length}`);
  for (let i = 0; i < batch; i++) if (data.shape[i] !== indices.shape[i]) fail(ctx, `batch dim ${i} differs between data and indices`);
  return { data, indices, batch, k, shape: [...indices.shape.slice(0, q - 1), ...data.shape.slice(batch + k)] };
}

/** GatherND (opset 11+; batch_dims since 12): gathers slices of data addressed by index tuples. */
export const gatherNd: OpDef = {
  opType: 'GatherND',
  sinceVersion: 11,
  differentiable: [true, false],
  inferShape(ctx, inputs) {
    const p = plan(ctx, inputs);
    return [{ dtype: p.data.dtype, shape: p.shape }];
  },
  cost: (_ctx, inputs, outputs) => ({ flops: 0, bytesRead: byteSize(inputs[1]) + byteSize(outputs[0]), bytesWritten: byteSize(outputs[0]) }),
  evaluate(ctx, inputs) {
    // Bounds: plan() checks batch + k <= rank, so every stride and dim below exists; each offset is in range (checked) so inside src.
    const { data, indices, batch, k, shape } = plan(ctx, inputs);
    if (!data.value || !indices.value || !canFold(shape)) return undefined;
    const strides = stridesOf(data.shape);
    const slice = numelOf(data.shape.slice(batch + k));
    const batches = numelOf(data.shape.slice(0, batch));
    const perBatchData = batch > 0 ? strides[batch - 1]! : numelOf(data.shape);
    const tuples = numelOf(indices.shape.slice(batch, -1));
    const idx = indices.value.data;
    const src = data.value.data;
    const out: number[] = [];
    for (let b = 0; b < batches; b++) {
      for (let t = 0; t < tuples; t++) {
        let o = b * perBatchData;
        for (let j = 0; j < k; j++) {
          const dim = data.shape[batch + j]!;
          const v = Number(idx[(b * tuples + t) * k + j]);
          const i = v < 0 ? v + dim : v;
          if (i < 0 || i >= dim) fail(ctx, `index ${v} is out of range for axis ${batch + j} of size ${dim}`);
          o += i * strides[batch + j]!;
        }
        for (let s = 0; s < slice; s++) out.push(src[o + s]!);
      }
    }
    return [{ dtype: data.dtype, dims: shape, data: out }];
  },
  gradient: gatherNdGradient,
};

/**
 * Index tuples addressing data from axis 0: negative entries wrapped (+ the axis size) and, with
 * batch_dims b, each tuple prefixed by its b batch coordinates (Range grids expanded over the
 * tuple grid), so that ScatterND (which has no batch_dims) reads them as GatherND did.
 */
function fullIndexTuples(g: GradContext, p: Plan): string {
  const { data, indices, batch, k } = p;
  const lead = indices.shape.slice(0, -1);
  const idx = g.input(1);
  const dims = g.constant('dims', 'int64', [k], data.shape.slice(batch, batch + k));
  const negative = g.emit('Less', [idx, g.constant('zero_i', 'int64', [], [0])], 'negative');
  const wrapped = g.emit('Where', [negative, g.emit('Add', [idx, dims], 'idx_plus_dims'), idx], 'idx_wrapped');
  if (batch === 0) return wrapped;
  const grids = Array.from({ length: batch }, (_, i) => {
    const range = g.emit('Range', [g.constant(`b${i}_start`, 'int64', [], [0]), g.constant(`b${i}_limit`, 'int64', [], [data.shape[i]!]), g.constant(`b${i}_delta`, 'int64', [], [1])], `b${i}_range`); // i < batch <= rank (plan checks)
    const placed = reshape(g, range, [...lead.map((d, j) => (j === i ? d : 1)), 1], `b${i}_placed`);
    return g.emit('Expand', [placed, ints(g, `b${i}_grid_shape`, [...lead, 1])], `b${i}_grid`);
  });
  return g.emit('Concat', [...grids, wrapped], 'idx_full', { axis: -1 });
}

/**
 * dData = dY added at the addressed slices; repeated tuples sum. Opset 16+: ScatterND with
 * reduction 'add' into zeros. Before (ScatterND only overwrites there): each tuple becomes a
 * row-major linear index L over data's first b + k axes, and dData = OneHot(L)^T . dY, a
 * MatMul of [P, T] by [T, S] (P addressable slices, T tuples, S elements per slice) in which
 * duplicate tuples are summed by the product itself.
 */
function gatherNdGradient(g: GradContext): void {
  const p = plan(g.ctx, g.inputInfos());
  const { data, batch, k } = p;
  const full = fullIndexTuples(g, p);
  if (g.opset >= 16) {
    const zeros = g.emit('Expand', [g.constant('zero', data.dtype, [], [0]), ints(g, 'data_shape', data.shape)], 'zeros');
    g.setInputGrad(0, g.emit('ScatterND', [zeros, full, g.outGrad(0)], 'dx', { reduction: 'add' }));
    return;
  }
  const addressed = data.shape.slice(0, batch + k);
  const slices = numelOf(addressed);
  const tuples = numelOf(p.indices.shape.slice(0, -1));
  const perSlice = numelOf(data.shape.slice(batch + k));
  const strides = g.constant('strides', 'int64', [batch + k], stridesOf(addressed));
  const linear = reduceSum(g, g.emit('Mul', [full, strides], 'idx_scaled'), [p.indices.shape.length - 1], false, 'linear');
  const flat = reshape(g, linear, [tuples], 'linear_flat');
  const values = g.constant('one_hot_values', data.dtype, [2], [0, 1]);
  const oneHot = g.emit('OneHot', [flat, g.constant('depth', 'int64', [1], [slices]), values], 'one_hot', { axis: -1 });
  const dyFlat = reshape(g, g.outGrad(0), [tuples, perSlice], 'dy_flat');
  const summed = g.emit('MatMul', [g.emit('Transpose', [oneHot], 'one_hot_t', { perm: [1, 0] }), dyFlat], 'dx_flat');
  g.setInputGrad(0, reshape(g, summed, data.shape, 'dx'));
}
