import { unaryOp } from './shared/elementwise.js';

/** Relu (opset 6+): max(x, 0). Counted as one FLOP per element (a compare). */
export const relu = unaryOp('Relu', 1, (x) => Math.max(x, 0), { differentiable: [true] });
