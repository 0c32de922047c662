import { reduceOp } from './shared/reduce.js';

/** ReduceLogSumExp (opset 1+; axes as input since 18): log(sum(exp(x))) over `axes`. */
export const reduceLogSumExp = reduceOp({
  opType: 'ReduceLogSumExp',
  axesInputSince: 18,
  init: 0,
  step: (acc, x) => acc + Math.exp(x),
  finish: (acc) => Math.log(acc),
  differentiable: [true, false],
  flopsPerElement: 2,
});
