import { type GradContext, ints, reduceSum } from './grad-context.js';
import type { OpDef } from './op.js';
import { elementwiseCost, fail, normAxis, required, sameAsFirst } from './shared/tensor-info.js';

/**
 * LpNormalization (opset 1+): x / ||x||_p along `axis` (default -1), p 1 or 2. 3 FLOPs per
 * element: square (or abs), add, divide; the one sqrt per vector is not counted.
 */
export const lpNormalization: OpDef = {
  opType: 'LpNormalization',
  sinceVersion: 1,
  differentiable: [true],
  inferShape(ctx, inputs) {
    const x = required(ctx, inputs, 0);
    normAxis(ctx, ctx.attrs.int('axis', -1), x.shape.length);
    const p = ctx.attrs.int('p', 2);
    if (p !== 1 && p !== 2) fail(ctx, `p must be 1 or 2, is ${p}`);
    return sameAsFirst(ctx, inputs);
  },
  cost: elementwiseCost(3),
  gradient: lpNormalizationGradient,
};

/**
 * With n = ||x||_p along the axis and y = x / n: dx = (dy - g * sum(dy * y)) / n, where g = y
 * for p = 2 (d||x||_2/dx = y) and g = sign(x) for p = 1 (d||x||_1/dx = sign(x)).
 */
function lpNormalizationGradient(g: GradContext): void {
  const x = g.inputInfo(0);
  const axis = normAxis(g.ctx, g.attrs.int('axis', -1), x.shape.length);
  const p = g.attrs.int('p', 2);
  const normOp = p === 1 ? 'ReduceL1' : 'ReduceL2';
  // ReduceL1/L2 took axes as an input from opset 18.
  const norm = g.opset >= 18
    ? g.emit(normOp, [g.input(0), ints(g, 'norm_axes', [axis])], 'norm', { keepdims: 1 })
    : g.emit(normOp, [g.input(0)], 'norm', { axes: [axis], keepdims: 1 });
  const dy = g.outGrad(0);
  const y = g.output(0);
  const along = reduceSum(g, g.emit('Mul', [dy, y], 'dy_y'), [axis], true, 'dy_dot_y');
  const direction = p === 1 ? g.emit('Sign', [g.input(0)], 'sign_x') : y;
  const centred = g.emit('Sub', [dy, g.emit('Mul', [direction, along], 'projection')], 'centred');
  g.setInputGrad(0, g.emit('Div', [centred, norm], 'dx'));
}
