import { compareOp } from './shared/compare.js';

/** Equal (opset 7+; broadcasting since 7): a == b as bool. */
export const equal = compareOp('Equal', (a, b) => a === b);
