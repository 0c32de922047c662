import { variadicOp } from './shared/variadic.js';

/** Mean (opset 6+, broadcasting since 8): elementwise mean of n inputs. n - 1 adds and 1 divide per output element. */
export const mean = variadicOp('Mean', (n) => n, (xs) => xs.reduce((a, b) => a + b, 0) / xs.length);
