import { numelOf } from '../onnx/tensor.js';
import type { Inputs, OpContext, OpDef, TensorInfo } from './op.js';
import { stridesOf } from './shared/broadcast.js';
import { canFold } from './shared/index-map.js';
import { byteSize, fail, required } from './shared/tensor-info.js';

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
        for (let s = 0; s < slice; s++) out.push(src[o + s] as number);
      }
    }
    return [{ dtype: data.dtype, dims: shape, data: out }];
  },
};
