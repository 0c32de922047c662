import { UnsupportedOpError } from '../errors.js';
import type { GradContext } from './grad-context.js';
import type { Inputs, OpContext, OpDef } from './op.js';
import { stridesOf } from './shared/broadcast.js';
import { offsetOf } from './shared/index-map.js';
import { scatterFoldInputs, scatterGradient } from './shared/scatter.js';
import { elementwiseCost, fail, normAxis, required, sameAsFirst } from './shared/tensor-info.js';

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
      // Bounds: a < rank of indices = coord.length = istrides.length, axis < rank (axisOf), and at is an in-range offset of data (j < dim, checked), so inside out.
      const axis = axisOf(ctx, inputs);
      const f = scatterFoldInputs(ctx, inputs);
      if (!f) return undefined;
      const { data, indices, d, i, u, reduce } = f;
      const strides = stridesOf(data.shape);
      const istrides = stridesOf(indices.shape);
      const dim = data.shape[axis]!; // axisOf: axis < rank
      const out = Array.from(d.data, Number);
      const coord = new Array<number>(indices.shape.length).fill(0);
      const count = i.data.length;
      for (let e = 0; e < count; e++) {
        // coordinates of element e of indices (row-major)
        let rest = e;
        for (let a = 0; a < coord.length; a++) {
          const s = istrides[a]!;
          coord[a] = Math.floor(rest / s);
          rest -= coord[a]! * s;
        }
        const v = Number(i.data[e]);
        const j = v < 0 ? v + dim : v;
        if (j < 0 || j >= dim) fail(ctx, `index ${v} is out of range for axis ${axis} of size ${dim}`);
        const at = offsetOf(coord, strides) + (j - coord[axis]!) * strides[axis]!;
        out[at] = reduce(out[at]!, Number(u.data[e]));
      }
      return [{ dtype: data.dtype, dims: [...data.shape], data: out }];
    },
    gradient: (g) => scatterElementsGradient(g, opType),
  };
}

/**
 * dData and dUpdates through ScatterElements and GatherElements along the same axis (see
 * scatterGradient). With reduction 'none' a target written twice has no defined gradient: ONNX
 * leaves the order of the writes open. Before opset 11 the scatter is called Scatter and there
 * is no GatherElements for dUpdates.
 */
function scatterElementsGradient(g: GradContext, opType: string): void {
  if (g.opset < 11 && g.needs(2)) throw new UnsupportedOpError(opType, g.ctx.name, g.opset, 'gradient rule for updates before opset 11 (GatherElements)');
  const axis = normAxis(g.ctx, g.attrs.int('axis', 0), g.inputInfo(0).shape.length);
  scatterGradient(g, opType, { scatter: g.opset >= 11 ? 'ScatterElements' : 'Scatter', gather: 'GatherElements' }, { axis });
}

export const scatterElements: OpDef = scatterElementsOp('ScatterElements', 11);
/** Scatter (opsets 9-10), the same operation under its first name. */
export const scatter: OpDef = scatterElementsOp('Scatter', 9);
