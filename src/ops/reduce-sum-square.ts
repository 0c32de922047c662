import { reduceOp } from './shared/reduce.js';

/** ReduceSumSquare (opset 1+; axes as input since 18): sum of squares over `axes`. */
export const reduceSumSquare = reduceOp({
  opType: 'ReduceSumSquare',
  axesInputSince: 18,
  init: 0,
  step: (acc, x) => acc + x * x,
  differentiable: [true, false],
  flopsPerElement: 2,
});
