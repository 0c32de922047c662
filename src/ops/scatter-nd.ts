import { numelOf } from '../onnx/tensor.js';
import type { GradContext } from './grad-context.js';
import type { OpDef } from './op.js';
import { stridesOf } from './shared/broadcast.js';
import { scatterFoldInputs, scatterGradient } from './shared/scatter.js';
import { elementwiseCost, fail, sameAsFirst } from './shared/tensor-info.js';

/**
 * ScatterND (opset 11+; reduction since 16): a copy of data with the slices addressed by
 * index tuples replaced by (or combined with) updates. PyTorch exports in-place indexed
 * assignment (`x[:, 0] = y`) this way. Shaped like data.
 */
export const scatterNd: OpDef = {
  opType: 'ScatterND',
  sinceVersion: 11,
  differentiable: [true, false, true],
  inferShape: sameAsFirst,
  cost: elementwiseCost(0),
  evaluate(ctx, inputs) {
    // Bounds: k <= rank (checked below) and each offset is in range (checked), so the lookups exist.
    const f = scatterFoldInputs(ctx, inputs);
    if (!f) return undefined;
    const { data, indices, d, i, u, reduce } = f;
    const k = indices.shape[indices.shape.length - 1] ?? fail(ctx, 'indices must have rank at least 1');
    if (k > data.shape.length) fail(ctx, `index tuples of length ${k} do not fit data of rank ${data.shape.length}`);
    const strides = stridesOf(data.shape);
    const slice = numelOf(data.shape.slice(k));
    const tuples = numelOf(indices.shape.slice(0, -1));
    const out = Array.from(d.data, Number);
    for (let t = 0; t < tuples; t++) {
      let o = 0;
      for (let j = 0; j < k; j++) {
        const dim = data.shape[j]!;
        const v = Number(i.data[t * k + j]);
        const idx = v < 0 ? v + dim : v;
        if (idx < 0 || idx >= dim) fail(ctx, `index ${v} is out of range for axis ${j} of size ${dim}`);
        o += idx * strides[j]!;
      }
      for (let s = 0; s < slice; s++) out[o + s] = reduce(out[o + s]!, Number(u.data[t * slice + s]));
    }
    return [{ dtype: data.dtype, dims: [...data.shape], data: out }];
  },
  gradient: scatterNdGradient,
};

/** dData and dUpdates through ScatterND and GatherND (see scatterGradient). */
function scatterNdGradient(g: GradContext): void {
  scatterGradient(g, 'ScatterND', { scatter: 'ScatterND', gather: 'GatherND' });
}
