import { reduceOp } from './shared/reduce.js';

/** ReduceL2 (opset 1+; axes as input since 18): Euclidean norm over `axes`. */
export const reduceL2 = reduceOp({
  opType: 'ReduceL2',
  axesInputSince: 18,
  init: 0,
  step: (acc, x) => acc + x * x,
  finish: (acc) => Math.sqrt(acc),
  differentiable: [true, false],
  flopsPerElement: 2,
});
