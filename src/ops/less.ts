import { compareOp } from './shared/compare.js';

/** Less (opset 7+): a < b as bool. */
export const less = compareOp('Less', (a, b) => a < b);
