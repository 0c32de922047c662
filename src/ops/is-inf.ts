import type { TensorInfo } from '../graph/tensor-meta.js';
import type { OpDef } from './op.js';
import { canFold } from './shared/index-map.js';
import { elementwiseCost, required } from './shared/tensor-info.js';

/** IsInf (opset 10+): bool mask of infinities, each sign selectable (detect_positive/negative). */
export const isInf: OpDef = {
  opType: 'IsInf',
  sinceVersion: 10,
  differentiable: [false],
  inferShape: (ctx, inputs): TensorInfo[] => [{ dtype: 'bool', shape: [...required(ctx, inputs, 0).shape] }],
  cost: elementwiseCost(1),
  evaluate(ctx, inputs) {
    const x = required(ctx, inputs, 0);
    if (!x.value || !canFold(x.shape)) return undefined;
    const pos = ctx.attrs.int('detect_positive', 1) === 1;
    const neg = ctx.attrs.int('detect_negative', 1) === 1;
    const data = Array.from(x.value.data, (v) => ((pos && v === Infinity) || (neg && v === -Infinity) ? 1 : 0));
    return [{ dtype: 'bool', dims: [...x.shape], data }];
  },
};
