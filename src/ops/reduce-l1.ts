import { reduceOp } from './shared/reduce.js';

/** ReduceL1 (opset 1+; axes as input since 18): sum of absolute values over `axes`. */
export const reduceL1 = reduceOp({
  opType: 'ReduceL1',
  axesInputSince: 18,
  init: 0,
  step: (acc, x) => acc + Math.abs(x),
  differentiable: [true, false],
  flopsPerElement: 2,
});
