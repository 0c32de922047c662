import { float } from '../graph/builder.js';
import { type GradContext, ints, reducedAxes, reshape } from './grad-context.js';
import type { OpDef } from './op.js';
import { reduceOp } from './shared/reduce.js';

/** ReduceProd (opset 1+; axes as input since 18): product over `axes`; tf2onnx flattens with it. */
export const reduceProd: OpDef = {
  ...reduceOp({
    opType: 'ReduceProd',
    axesInputSince: 18,
    init: 1,
    step: (acc, x) => acc * x,
    differentiable: [true, false],
  }),
  gradient: reduceProdGradient,
};

/**
 * Shifts a [m, k] tensor by `s` along its last axis, filling with ones: towards higher indices
 * (`up`: out[i] = a[i - s]) or lower ones (out[i] = a[i + s]). Pad then Slice, in the
 * attribute forms before opsets 11 (Pad) and 10 (Slice).
 */
function shift(g: GradContext, a: string, k: number, s: number, up: boolean, purpose: string): string {
  const pads = up ? [0, s, 0, 0] : [0, 0, 0, s];
  const dtype = g.inputInfo(0).dtype;
  const padded = g.opset >= 11
    ? g.emit('Pad', [a, ints(g, `${purpose}_pads`, pads), g.constant(`${purpose}_one`, dtype, [], [1])], `${purpose}_padded`)
    : g.emit('Pad', [a], `${purpose}_padded`, { pads, value: float(1) });
  const [start, end] = up ? [0, k] : [s, k + s];
  if (g.opset < 10) return g.emit('Slice', [padded], purpose, { starts: [start], ends: [end], axes: [1] });
  return g.emit('Slice', [padded, ints(g, `${purpose}_starts`, [start]), ints(g, `${purpose}_ends`, [end]), ints(g, `${purpose}_axes`, [1])], purpose);
}

/**
 * Exclusive running product along the last axis of a [m, k] tensor, from the left (`up`:
 * out[i] = prod of a[j < i]) or from the right (prod of a[j > i]): a shift by one, then a
 * Hillis-Steele scan (ceil(log2 k) rounds of a *= shift(a, 2^r)). Only multiplications, so
 * zeros and signs come out exactly.
 */
function exclusiveProducts(g: GradContext, a: string, k: number, up: boolean, purpose: string): string {
  let acc = shift(g, a, k, 1, up, `${purpose}_shift1`);
  for (let s = 1; s < k; s *= 2) acc = g.emit('Mul', [acc, shift(g, acc, k, s, up, `${purpose}_by${s}`)], `${purpose}_scan${s}`);
  return acc;
}

/**
 * dX_i = dY * prod of the other elements of X_i's group, computed without dividing by X_i
 * (which fails at zeros): the reduced axes are moved last and flattened to [m, k], and the
 * product of the others is (product of those before) * (product of those after), two
 * exclusive scans.
 */
function reduceProdGradient(g: GradContext): void {
  // Bounds: perm and axes hold axes of X (< rank).
  const axes = reducedAxes(g, 18);
  if (!axes.length) {
    g.setInputGrad(0, g.emit('Identity', [g.outGrad(0)], 'dx'));
    return;
  }
  const x = g.inputInfo(0);
  const rank = x.shape.length;
  const perm = [...x.shape.map((_, i) => i).filter((i) => !axes.includes(i)), ...axes];
  const inPlace = perm.every((p, i) => p === i);
  const m = perm.slice(0, rank - axes.length).reduce((acc, p) => acc * x.shape[p]!, 1);
  const k = axes.reduce((acc, a) => acc * x.shape[a]!, 1);
  const xt = inPlace ? g.input(0) : g.emit('Transpose', [g.input(0)], 'x_reduced_last', { perm });
  const flat = reshape(g, xt, [m, k], 'x_groups');
  const others = g.emit('Mul', [exclusiveProducts(g, flat, k, true, 'before'), exclusiveProducts(g, flat, k, false, 'after')], 'others');
  const dFlat = g.emit('Mul', [others, reshape(g, g.outGrad(0), [m, 1], 'dy_groups')], 'dx_groups');
  const dMoved = reshape(g, dFlat, perm.map((p) => x.shape[p]!), 'dx_moved');
  const inverse = perm.map((_, i) => perm.indexOf(i));
  g.setInputGrad(0, inPlace ? dMoved : g.emit('Transpose', [dMoved], 'dx', { perm: inverse }));
}
