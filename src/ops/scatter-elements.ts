import { UnsupportedOpError } from '../errors.js';
import { type GradContext, ints } from './grad-context.js';
import type { Inputs, OpContext, OpDef } from './op.js';
import { stridesOf } from './shared/broadcast.js';
import { inputValues } from './shared/const-input.js';
import { canFold, offsetOf } from './shared/index-map.js';
import { elementwiseCost, fail, normAxis, required, sameAsFirst } from './shared/tensor-info.js';

const REDUCE: Readonly<Record<string, (a: number, b: number) => number>> = {
  none: (_a, b) => b,
  add: (a, b) => a + b,
  mul: (a, b) => a * b,
  max: Math.max,
  min: Math.min,
};

function axisOf(ctx: OpContext, inputs: Inputs): number {
  const data = required(ctx, inputs, 0);
  const indices = required(ctx, inputs, 1);
  const updates = required(ctx, inputs, 2);
  if (indices.shape.length !== data.shape.length) fail(ctx, `indices have rank ${indices.shape.length}, data rank ${data.shape.length}`);
  if (updates.shape.join() !== indices.shape.join()) fail(ctx, `updates [${updates.shape.join(', ')}] must be shaped like indices [${indices.shape.join(', ')}]`);
  return normAxis(ctx, ctx.attrs.int('axis', 0), data.shape.length);
}

/**
 * ScatterElements (opset 11+; reduction since 16; `Scatter` before 11): a copy of data in which
 * element c of updates replaces (or combines with) data at c with its `axis` coordinate taken
 * from indices[c]. The inverse of GatherElements; MaxPool's and GatherElements' gradients emit
 * it, and PyTorch exports `tensor.scatter_` as it. Shaped like data.
 */
function scatterElementsOp(opType: 'ScatterElements' | 'Scatter', sinceVersion: number): OpDef {
  return {
    opType,
    sinceVersion,
    differentiable: [true, false, true],
    inferShape(ctx, inputs) {
      axisOf(ctx, inputs);
      return sameAsFirst(ctx, inputs);
    },
    cost: elementwiseCost(0),
    evaluate(ctx, inputs) {
      const axis = axisOf(ctx, inputs);
      const data = required(ctx, inputs, 0);
      const indices = required(ctx, inputs, 1);
      const vals = inputValues(inputs, 3);
      if (!vals || !canFold(data.shape)) return undefined;
      const [d, i, u] = vals as [typeof vals[0], typeof vals[0], typeof vals[0]];
      const reduce = REDUCE[ctx.attrs.string('reduction', 'none')] ?? fail(ctx, 'unknown reduction');
      const strides = stridesOf(data.shape);
      const istrides = stridesOf(indices.shape);
      const dim = data.shape[axis] as number; // axisOf: axis < rank
      const out = Array.from(d.data, Number);
      const coord = new Array<number>(indices.shape.length).fill(0);
      const count = i.data.length;
      for (let e = 0; e < count; e++) {
        // coordinates of element e of indices (row-major)
        let rest = e;
        for (let a = 0; a < coord.length; a++) {
          const s = istrides[a] as number;
          coord[a] = Math.floor(rest / s);
          rest -= (coord[a] as number) * s;
        }
        const v = Number(i.data[e]);
        const j = v < 0 ? v + dim : v;
        if (j < 0 || j >= dim) fail(ctx, `index ${v} is out of range for axis ${axis} of size ${dim}`);
        const at = offsetOf(coord, strides) + (j - (coord[axis] as number)) * (strides[axis] as number);
        out[at] = reduce(out[at] as number, Number(u.data[e]));
      }
      return [{ dtype: data.dtype, dims: [...data.shape], data: out }];
    },
    gradient: (g) => scatterElementsGradient(g, opType),
  };
}

/**
 * Reduction 'none': dData = dY with the written elements zeroed (a ScatterElements of zeros),
 * dUpdates = dY at the written elements (GatherElements). Reduction 'add': dData = dY, dUpdates
 * the same GatherElements. When an index repeats with 'none' the last write wins in ONNX's
 * reference but the order is unspecified, so its gradient is defined only for distinct indices.
 */
function scatterElementsGradient(g: GradContext, opType: string): void {
  const reduction = g.attrs.string('reduction', 'none');
  if (reduction !== 'none' && reduction !== 'add') throw new UnsupportedOpError(opType, g.ctx.name, g.opset, `gradient rule for reduction ${reduction}`);
  const axis = normAxis(g.ctx, g.attrs.int('axis', 0), g.inputInfo(0).shape.length);
  const dy = g.outGrad(0);
  if (g.needs(0)) {
    if (reduction === 'add') {
      g.setInputGrad(0, g.emit('Identity', [dy], 'd_data'));
    } else {
      const updates = g.inputInfo(2);
      const zeros = g.emit('Expand', [g.constant('zero', updates.dtype, [], [0]), ints(g, 'updates_shape', updates.shape)], 'zeros');
      // Before opset 11 the same op is called Scatter.
      g.setInputGrad(0, g.emit(g.opset >= 11 ? 'ScatterElements' : 'Scatter', [dy, g.input(1), zeros], 'd_data', { axis }));
    }
  }
  if (g.needs(2)) {
    if (g.opset < 11) throw new UnsupportedOpError(opType, g.ctx.name, g.opset, 'gradient rule for updates before opset 11 (GatherElements)');
    g.setInputGrad(2, g.emit('GatherElements', [dy, g.input(1)], 'd_updates', { axis }));
  }
}

export const scatterElements: OpDef = scatterElementsOp('ScatterElements', 11);
/** Scatter (opsets 9-10), the same operation under its first name. */
export const scatter: OpDef = scatterElementsOp('Scatter', 9);
