import { reduceOp } from './shared/reduce.js';

/** ReduceProd (opset 1+; axes as input since 18): product over `axes`; tf2onnx flattens with it. */
export const reduceProd = reduceOp({
  opType: 'ReduceProd',
  axesInputSince: 18,
  init: 1,
  step: (acc, x) => acc * x,
  differentiable: [true, false],
});
