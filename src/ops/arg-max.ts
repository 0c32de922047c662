import { argReduceOp } from './shared/arg-reduce.js';

/** ArgMax (opset 1+; select_last_index since 12): int64 index of the largest element along `axis`. */
export const argMax = argReduceOp('ArgMax', (a, b) => a > b);
