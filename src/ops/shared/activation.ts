import { numelOf } from '../../onnx/tensor.js';
import type { TensorInfo } from '../../graph/tensor-meta.js';
import type { Inputs, OpContext, OpDef } from '../op.js';
import { MAX_FOLD_ELEMENTS } from './elementwise.js';
import { elementwiseCost, sameAsFirst } from './tensor-info.js';

/** FLOPs per element: a fixed count, or one that depends on the node's attributes. */
export type FlopsPerElement = number | ((ctx: OpContext) => number);

/**
 * A unary elementwise op whose function depends on the node's attributes (LeakyRelu's alpha,
 * Elu, Selu, HardSigmoid, Gelu's approximation): output has the input's type and shape, and
 * small constant inputs fold through `make(ctx)`.
 */
export function activationOp(opType: string, sinceVersion: number, flops: FlopsPerElement, make: (ctx: OpContext) => (x: number) => number): OpDef {
  return {
    opType,
    sinceVersion,
    differentiable: [true],
    inferShape: sameAsFirst,
    cost: (ctx: OpContext, inputs: Inputs, outputs: readonly TensorInfo[]) =>
      elementwiseCost(typeof flops === 'number' ? flops : flops(ctx))(ctx, inputs, outputs),
    evaluate(ctx, inputs) {
      const x = inputs[0]?.value;
      if (!x || numelOf(x.dims) > MAX_FOLD_ELEMENTS) return undefined;
      const f = make(ctx);
      return [{ dtype: x.dtype, dims: x.dims, data: Array.from(x.data, (v) => f(v)) }];
    },
  };
}
