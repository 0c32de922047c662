import { reduceOp } from './shared/reduce.js';

/** ReduceMax (opset 1+; axes as input since 18): maximum over `axes` (all when none). */
export const reduceMax = reduceOp({
  opType: 'ReduceMax',
  axesInputSince: 18,
  init: -Infinity,
  step: (acc, x) => (x > acc || Number.isNaN(x) ? x : acc),
  differentiable: [true, false],
});
