import { UnsupportedOpError } from '../errors.js';
import { numelOf } from '../onnx/tensor.js';
import { type GradContext, ints } from './grad-context.js';
import type { OpDef } from './op.js';
import { stridesOf } from './shared/broadcast.js';
import { inputValues } from './shared/const-input.js';
import { canFold } from './shared/index-map.js';
import { elementwiseCost, fail, required, sameAsFirst } from './shared/tensor-info.js';

const REDUCE: Readonly<Record<string, (a: number, b: number) => number>> = {
  none: (_a, b) => b,
  add: (a, b) => a + b,
  mul: (a, b) => a * b,
  max: Math.max,
  min: Math.min,
};

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
    const data = required(ctx, inputs, 0);
    const indices = required(ctx, inputs, 1);
    const vals = inputValues(inputs, 3);
    if (!vals || !canFold(data.shape)) return undefined;
    const [d, i, u] = vals as [typeof vals[0], typeof vals[0], typeof vals[0]];
    const reduce = REDUCE[ctx.attrs.string('reduction', 'none')] ?? fail(ctx, 'unknown reduction');
    const k = indices.shape[indices.shape.length - 1] ?? fail(ctx, 'indices must have rank at least 1');
    if (k > data.shape.length) fail(ctx, `index tuples of length ${k} do not fit data of rank ${data.shape.length}`);
    // k <= rank (just checked) and each offset is in range (checked below), so the lookups exist
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

/**
 * Reduction 'none': Y is data with the addressed slices replaced, so dData = dY with those
 * slices zeroed (ScatterND of zeros into dY) and dUpdates = the addressed slices of dY
 * (GatherND). Reduction 'add': Y = data + the scattered updates, so dData = dY and dUpdates
 * is the same GatherND (a tuple that repeats reads the same dY slice). mul/max/min have no rule.
 */
function scatterNdGradient(g: GradContext): void {
  const reduction = g.attrs.string('reduction', 'none');
  if (reduction !== 'none' && reduction !== 'add') throw new UnsupportedOpError('ScatterND', g.ctx.name, g.opset, `gradient rule for reduction ${reduction}`);
  const dy = g.outGrad(0);
  if (g.needs(0)) {
    if (reduction === 'add') {
      g.setInputGrad(0, g.emit('Identity', [dy], 'd_data'));
    } else {
      const updates = g.inputInfo(2);
      const zeros = g.emit('Expand', [g.constant('zero', updates.dtype, [], [0]), ints(g, 'updates_shape', updates.shape)], 'zeros');
      g.setInputGrad(0, g.emit('ScatterND', [dy, g.input(1), zeros], 'd_data'));
    }
  }
  if (g.needs(2)) g.setInputGrad(2, g.emit('GatherND', [dy, g.input(1)], 'd_updates'));
}
