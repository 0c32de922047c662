import { reduceOp } from './shared/reduce.js';

/** ReduceMean (opset 1+; axes as input since 18): mean over `axes` (all when none). */
export const reduceMean = reduceOp({
  opType: 'ReduceMean',
  axesInputSince: 18,
  init: 0,
  step: (acc, x) => acc + x,
  finish: (acc, count) => acc / count,
  differentiable: [true, false],
});
