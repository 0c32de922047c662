import { reduceOp } from './shared/reduce.js';

/** ReduceMin (opset 1+; axes as input since 18): minimum over `axes` (all when none). */
export const reduceMin = reduceOp({
  opType: 'ReduceMin',
  axesInputSince: 18,
  init: Infinity,
  step: (acc, x) => (x < acc || Number.isNaN(x) ? x : acc),
  differentiable: [true, false],
});
