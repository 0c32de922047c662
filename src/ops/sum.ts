import { variadicOp } from './shared/variadic.js';

/** Sum (opset 6+, broadcasting since 8): elementwise sum of n inputs. n - 1 adds per output element. */
export const sum = variadicOp('Sum', (n) => n - 1, (xs) => xs.reduce((a, b) => a + b, 0));
