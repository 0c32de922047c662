import { variadicOp } from './shared/variadic.js';

/** Min (opset 6+, broadcasting since 8): elementwise minimum of n inputs. n - 1 compares per output element. */
export const min = variadicOp('Min', (n) => n - 1, (xs) => Math.min(...xs));
