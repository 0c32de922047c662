import { unaryOp } from './shared/elementwise.js';

/** Not (opset 1+): logical negation of a bool tensor. */
export const not = unaryOp('Not', 1, (x) => (x ? 0 : 1), { sinceVersion: 1, differentiable: [false] });
