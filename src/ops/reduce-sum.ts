import { reduceOp } from './shared/reduce.js';

/** ReduceSum (opset 1+; axes as input since 13): sum over `axes` (all when none). */
export const reduceSum = reduceOp({
  opType: 'ReduceSum',
  axesInputSince: 13,
  init: 0,
  step: (acc, x) => acc + x,
  differentiable: [true, false],
});
