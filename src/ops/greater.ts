import { compareOp } from './shared/compare.js';

/** Greater (opset 7+): a > b as bool. */
export const greater = compareOp('Greater', (a, b) => a > b);
