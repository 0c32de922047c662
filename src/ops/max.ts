import { variadicOp } from './shared/variadic.js';

/** Max (opset 6+, broadcasting since 8): elementwise maximum of n inputs. n - 1 compares per output element. */
export const max = variadicOp('Max', (n) => n - 1, (xs) => Math.max(...xs));
